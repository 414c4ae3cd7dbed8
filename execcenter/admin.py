from django.contrib import admin

from execcenter.models import Alert, AuditLog, Court, Officer, PartnerClient


class ScopedReadOnlyAdmin(admin.ModelAdmin):
    """Admin pages of court-owned records: the visibility rule applies here too, and changes go through the
    services (state machine, money rules, audit), so the admin only looks."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Court)
class CourtAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "level", "parent", "division_code"]
    list_filter = ["level"]
    search_fields = ["code", "name", "short_name"]


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ["name", "court", "roles", "badge_no"]
    list_filter = ["court"]
    search_fields = ["name", "user__username", "badge_no"]
    raw_id_fields = ["user"]


@admin.register(PartnerClient)
class PartnerClientAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "court", "actions", "institution_code", "key_prefix", "is_active"]
    list_filter = ["kind", "is_active"]
    readonly_fields = ["key_prefix", "key_hash"]


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["raised_at", "severity", "status", "court", "kind", "title"]
    list_filter = ["severity", "status", "kind"]
    search_fields = ["title", "dedup_key"]


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only, even for administrators."""

    list_display = ["at", "actor_label", "action", "object_type", "object_id", "court", "ip"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_id", "object_repr"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
