from django.contrib import admin

from .models import EarlyWarning, WarningRule


@admin.register(WarningRule)
class WarningRuleAdmin(admin.ModelAdmin):
    list_display = ("kind", "court", "threshold_days", "severity", "enabled", "updated_at")
    list_filter = ("kind", "enabled")


@admin.register(EarlyWarning)
class EarlyWarningAdmin(admin.ModelAdmin):
    list_display = ("title", "rule_kind", "severity", "officer", "court", "raised_at", "resolved_at")
    list_filter = ("rule_kind", "severity")
    raw_id_fields = ("case", "officer")

    # Warnings are raised and resolved by the hourly evaluation only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
