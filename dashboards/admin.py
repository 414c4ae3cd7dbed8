from django.contrib import admin
from django.utils import timezone

from execcenter.admin import ReadOnlyAdmin

from .models import AlertAction, CommandCentre, Handover, ScreenLayout, Shift, ShiftSwap


class ScreenLayoutInline(admin.StackedInline):
    model = ScreenLayout
    extra = 0


@admin.register(CommandCentre)
class CommandCentreAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "court",
        "director",
        "court_leader",
        "escalate_after_minutes",
        "warning_escalate_after_minutes",
        "checkin_grace_minutes",
    ]
    raw_id_fields = ["director", "court_leader"]
    inlines = [ScreenLayoutInline]


@admin.register(ScreenLayout)
class ScreenLayoutAdmin(admin.ModelAdmin):
    list_display = ["centre", "title", "page_seconds", "updated_at"]


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ["centre", "name", "starts_at", "ends_at", "post_a", "a_checked_in_at", "post_b", "b_checked_in_at"]
    list_filter = ["centre", "name"]
    raw_id_fields = ["post_a", "post_b"]
    date_hierarchy = "starts_at"

    def has_change_permission(self, request, obj=None):
        # An ended shift is the duty record (services.duty refuses swaps and take-overs on it): read-only here too.
        if obj is not None and obj.ends_at <= timezone.now():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.ends_at <= timezone.now():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(ShiftSwap)
class ShiftSwapAdmin(admin.ModelAdmin):
    list_display = ["shift", "post", "from_officer", "to_officer", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["shift", "from_officer", "to_officer", "requested_by", "decided_by"]


@admin.register(Handover)
class HandoverAdmin(admin.ModelAdmin):
    list_display = ["shift", "written_by", "written_at", "acknowledged_by", "acknowledged_at"]
    raw_id_fields = ["shift", "written_by", "acknowledged_by"]


@admin.register(AlertAction)
class AlertActionAdmin(ReadOnlyAdmin):
    """Read-only: the alert history is append-only."""

    list_display = ["at", "alert", "kind", "actor_label", "escalated_to"]
    list_filter = ["kind"]
