from django.contrib import admin

from .models import AssistanceLetter, Bulletin, Incident, LinkageUnit, Operation, Petition


@admin.register(Operation)
class OperationAdmin(admin.ModelAdmin):
    list_display = ["name", "court", "status", "starts_at", "ends_at"]
    list_filter = ["status"]
    readonly_fields = ["summary", "launched_at", "ended_at"]


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["reported_at", "court", "kind", "severity", "status", "address"]
    list_filter = ["status", "severity", "kind"]


@admin.register(LinkageUnit)
class LinkageUnitAdmin(admin.ModelAdmin):
    """Units are registered here; `partner` links the API key (kind 联动单位, action 答复协助) the unit answers with."""

    list_display = ["name", "kind", "court", "partner", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]


@admin.register(AssistanceLetter)
class AssistanceLetterAdmin(admin.ModelAdmin):
    list_display = ["number", "unit", "status", "due_on", "sent_at"]
    list_filter = ["status"]
    search_fields = ["number", "case__number"]

    def has_change_permission(self, request, obj=None):
        return False  # state changes go through command.services (audited)


@admin.register(Petition)
class PetitionAdmin(admin.ModelAdmin):
    list_display = ["received_on", "court", "petitioner", "subject", "status", "closed_on"]
    list_filter = ["status"]


@admin.register(Bulletin)
class BulletinAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "court", "period_start", "period_end", "generated_at"]
    list_filter = ["kind"]
