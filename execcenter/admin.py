from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from execcenter import partner_keys, policy
from execcenter.masking import mask_address, mask_id_number, mask_phone, personal_data_columns
from execcenter.models import Alert, AuditLog, Court, Notification, NotificationPreference, Officer, PartnerClient
from execcenter.services import audit

User = get_user_model()


def _admin_site_permission(request):
    """The admin site asks the one policy ("admin.site": the administrator), not Django's is_staff flag alone."""
    return request.user.is_active and policy.may(request.user, "admin.site")


admin.site.has_permission = _admin_site_permission


MASKS = {"id_number": mask_id_number, "phone": mask_phone, "address": mask_address}


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin page that only looks: records whose changes go through the services (state machine, money rules,
    audit) or that are append-only (audit log, alert history). The one read-only admin of the product."""

    def has_view_permission(self, request, obj=None):
        return policy.may(request.user, "admin.site")

    def get_fields(self, request, obj=None):
        """The model's fields, each of its `personal_data_fields` shown masked (`masked_<name>`) unless the reader may
        read personal data: the administrator sees them masked here as everywhere (issue 10, point 5)."""
        fields = super().get_fields(request, obj)
        personal = personal_data_columns(self.model)
        if not personal or policy.may(request.user, "personal_data.read"):
            return fields
        return [f"masked_{name}" if name in personal else name for name in fields]

    def get_readonly_fields(self, request, obj=None):
        # The masked_<name> stand-ins are no model fields: a form must never be built from them.
        return [*super().get_readonly_fields(request, obj), *(f"masked_{n}" for n in personal_data_columns(self.model))]

    def __getattr__(self, name):
        # masked_<field> for the page above: the field's value through execcenter.masking, under its own label.
        model = self.__dict__.get("model")
        if model is not None and name.startswith("masked_") and name[7:] in personal_data_columns(model):
            field = model._meta.get_field(name[7:])

            def shown(obj):
                return MASKS.get(field.name, mask_address)(getattr(obj, field.name))

            shown.short_description = field.verbose_name
            return shown
        raise AttributeError(name)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedReadOnlyAdmin(ReadOnlyAdmin):
    """Admin pages of court-owned records: read-only, and the visibility rule applies here too."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(Court)
class CourtAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "level", "parent", "division_code"]
    list_filter = ["level"]
    search_fields = ["code", "name", "short_name"]


class ManagedByPolicyAdmin(admin.ModelAdmin):
    """Admin pages that change who may do what (officers and their roles, partner keys) ask the policy's
    `manage_action` for every change, not Django's per-model permissions."""

    manage_action = None

    def has_add_permission(self, request):
        return policy.may(request.user, self.manage_action)

    def has_change_permission(self, request, obj=None):
        return policy.may(request.user, self.manage_action)

    def has_delete_permission(self, request, obj=None):
        return policy.may(request.user, self.manage_action)

    def has_view_permission(self, request, obj=None):
        return policy.may(request.user, "admin.site")


@admin.register(Officer)
class OfficerAdmin(ManagedByPolicyAdmin):
    """Roles and courts decide what an officer may see and do: every change is audited with before and after
    (and ends the officer's screen tokens, dashboards/screen_access.py)."""

    manage_action = "officer.manage"
    list_display = ["name", "court", "roles", "badge_no"]
    list_filter = ["court"]
    search_fields = ["name", "user__username", "badge_no"]
    raw_id_fields = ["user"]

    def save_model(self, request, obj, form, change):
        before = Officer.objects.filter(pk=obj.pk).values("roles", "court__code").first() if change else None
        super().save_model(request, obj, form, change)
        after = {"roles": list(obj.roles or []), "court__code": obj.court.code}
        if (
            before is None
            or sorted(before["roles"] or []) != sorted(after["roles"])
            or before["court__code"] != after["court__code"]
        ):
            audit(
                request.user,
                "officer.roles_changed",
                obj,
                request=request,
                court=obj.court,
                details={"before": before, "after": after, "username": obj.user.username},
            )

    def delete_model(self, request, obj):
        audit(
            request.user,
            "officer.removed",
            obj,
            request=request,
            court=obj.court,
            details={"roles": list(obj.roles or []), "username": obj.user.username},
        )
        super().delete_model(request, obj)


# Accounts: activation and administrator rights change what a login may do, so their changes are audited too.
USER_FLAGS = ("is_active", "is_staff", "is_superuser")
admin.site.unregister(User)


@admin.register(User)
class AuditedUserAdmin(UserAdmin):
    def save_model(self, request, obj, form, change):
        before = User.objects.filter(pk=obj.pk).values(*USER_FLAGS).first() if change else None
        super().save_model(request, obj, form, change)
        after = {f: getattr(obj, f) for f in USER_FLAGS}
        if before != after or "groups" in form.changed_data or "user_permissions" in form.changed_data:
            officer = Officer.objects.select_related("court").filter(user=obj).first()
            audit(
                request.user,
                "user.rights_changed",
                obj,
                request=request,
                court=officer.court if officer else None,
                details={
                    "before": before,
                    "after": after,
                    "username": obj.username,
                    "fields": sorted(set(form.changed_data) & {*USER_FLAGS, "groups", "user_permissions"}),
                },
            )


@admin.register(PartnerClient)
class PartnerClientAdmin(ManagedByPolicyAdmin):
    """Partner keys are issued here (shown once, on the page that answers the save), rotated and revoked by the
    actions below, and expire at `expires_at`; every step is audited (execcenter/partner_keys.py)."""

    manage_action = "partner_key.manage"

    list_display = [
        "name",
        "kind",
        "court",
        "actions",
        "institution_code",
        "key_prefix",
        "key_issued_at",
        "expires_at",
        "revoked_at",
        "is_active",
    ]
    list_filter = ["kind", "is_active"]
    exclude = ["key_hash"]
    readonly_fields = ["key_prefix", "key_issued_at", "revoked_at"]
    actions = ["rotate_keys", "revoke_keys"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            audit(
                request.user,
                "partner.changed",
                obj,
                request=request,
                court=obj.court,
                details={"fields": sorted(form.changed_data)},
            )
        else:
            request.partner_keys_shown = [(obj, partner_keys.issue_key(obj, request.user, request=request))]

    def response_add(self, request, obj, post_url_continue=None):
        return self._key_page(request, getattr(request, "partner_keys_shown", []))

    def _key_page(self, request, shown):
        response = TemplateResponse(
            request,
            "admin/execcenter/partnerclient/key_shown.html",
            {
                **self.admin_site.each_context(request),
                "title": _("API 密钥（只显示这一次）"),
                "shown": shown,
                "opts": self.model._meta,
            },
        )
        response["Cache-Control"] = "no-store"  # the only copy of the raw key must not sit in a cache
        return response

    @admin.action(description=_("轮换所选系统的 API 密钥（旧密钥立即失效）"), permissions=["change"])
    def rotate_keys(self, request, queryset):
        shown = [
            (c, partner_keys.rotate_key(c, request.user, request=request)) for c in queryset if c.revoked_at is None
        ]
        return self._key_page(request, shown)

    @admin.action(description=_("吊销所选系统的 API 密钥"), permissions=["change"])
    def revoke_keys(self, request, queryset):
        n = sum(partner_keys.revoke_key(c, request.user, request=request) for c in queryset)
        self.message_user(request, _("已吊销 %(n)s 个 API 密钥") % {"n": n})


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["raised_at", "severity", "status", "court", "kind", "title"]
    list_filter = ["severity", "status", "kind"]
    search_fields = ["title", "dedup_key"]


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    """Read-only: the audit log is append-only, even for administrators."""

    list_display = ["at", "actor_label", "action", "object_type", "object_id", "court", "ip"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_id", "object_repr"]


# Login lockouts (django-axes): deleting an attempt record is how an administrator unlocks an account or address
# before the cool-off ends; each unlock leaves an audit row naming who unlocked what.
admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AuditedAccessAttemptAdmin(AccessAttemptAdmin):
    actions = [*(AccessAttemptAdmin.actions or []), "unlock"]

    def _audit_unlock(self, request, attempts):
        for a in attempts:
            officer = Officer.objects.select_related("court").filter(user__username=a.username).first()
            audit(
                request.user,
                "login.unlocked",
                court=officer.court if officer else None,
                request=request,
                object_type="auth.user",
                object_id=(a.username or "")[:64],
                details={
                    "username": a.username or "",
                    "ip_address": a.ip_address or "",
                    "failures": a.failures_since_start,
                },
            )

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
