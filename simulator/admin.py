"""Read-only views of the simulated world, for demos and for looking into a test run."""

from django.contrib import admin

from .models import SimAccount, SimFreeze, SimRequest


class ReadOnly(admin.ModelAdmin):
    # The simulator's own (it imports nothing of the product, docs/architecture.md), like execcenter.admin.ReadOnlyAdmin.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SimFreezeInline(admin.TabularInline):
    model = SimFreeze
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in SimFreeze._meta.fields]


@admin.register(SimAccount)
class SimAccountAdmin(ReadOnly):
    list_display = ["institution_code", "asset_ref", "asset_kind", "holder_name", "balance"]
    list_filter = ["asset_kind"]
    search_fields = ["asset_ref", "holder_id_number", "institution_code"]
    inlines = [SimFreezeInline]


@admin.register(SimFreeze)
class SimFreezeAdmin(ReadOnly):
    list_display = ["account", "case_number", "kind", "status", "requested_amount", "frozen_amount", "expires_on"]
    list_filter = ["status", "kind", "is_external"]
    search_fields = ["case_number", "account__asset_ref"]


@admin.register(SimRequest)
class SimRequestAdmin(ReadOnly):
    list_display = ["institution_code", "key", "action", "created_at"]
    search_fields = ["key"]
