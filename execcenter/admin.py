from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from execcenter.models import Alert, AuditLog, Court, Notification, NotificationPreference, Officer, PartnerClient
from execcenter.services import audit


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


# Login lockouts (django-axes): deleting an attempt record is how an administrator unlocks an account or address
# before the cool-off ends; each unlock leaves an audit row naming who unlocked what.
admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AuditedAccessAttemptAdmin(AccessAttemptAdmin):
    actions = [*(AccessAttemptAdmin.actions or []), "unlock"]

    def _audit_unlock(self, request, attempts):
        for a in attempts:
            officer = Officer.objects.select_related("court").filter(user__username=a.username).first()
            audit(request.user, "login.unlocked", court=officer.court if officer else None, request=request,
                  object_type="auth.user", object_id=(a.username or "")[:64],
                  details={"username": a.username or "", "ip_address": a.ip_address or "", "failures": a.failures_since_start})

    @admin.action(description=_("解除所选登录锁定"), permissions=["delete"])
    def unlock(self, request, queryset):
        attempts = list(queryset)
        self._audit_unlock(request, attempts)
        queryset.delete()
        self.message_user(request, _("已解除 %(n)s 条登录锁定") % {"n": len(attempts)})

    def delete_model(self, request, obj):
        self._audit_unlock(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._audit_unlock(request, list(queryset))
        super().delete_queryset(request, queryset)


@admin.register(Notification)
class NotificationAdmin(ScopedReadOnlyAdmin):
    list_display = ["created_at", "recipient", "channel", "subject", "status", "attempts", "sent_at"]
    list_filter = ["channel", "status", "severity"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["officer", "channels", "quiet_start", "quiet_end"]
    raw_id_fields = ["officer"]
