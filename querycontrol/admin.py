from django.contrib import admin

from execcenter.admin import ScopedReadOnlyAdmin
from querycontrol.models import ControlOrder, FoundAsset, Institution, QueryRequest, QueryResult


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "category", "region_code", "rate_per_second", "max_in_flight", "is_active"]
    list_filter = ["kind", "category", "is_active"]
    search_fields = ["code", "name"]


@admin.register(QueryRequest)
class QueryRequestAdmin(ScopedReadOnlyAdmin):
    list_display = [
        "id",
        "case",
        "court",
        "status",
        "total",
        "done",
        "failed",
        "found",
        "requested_by_label",
        "created_at",
    ]
    list_filter = ["status", "court"]
    search_fields = ["case__number", "purpose"]
    raw_id_fields = ["case", "respondents", "requested_by", "requested_by_partner"]


@admin.register(QueryResult)
class QueryResultAdmin(ScopedReadOnlyAdmin):
    list_display = ["request", "institution", "status", "attempts", "latency_ms", "found_count", "answered_at"]
    list_filter = ["status"]
    raw_id_fields = ["request", "respondent", "institution"]


@admin.register(FoundAsset)
class FoundAssetAdmin(ScopedReadOnlyAdmin):
    list_display = ["case", "institution", "kind", "asset_ref", "balance", "frozen_by_others", "found_at"]
    list_filter = ["kind"]
    search_fields = ["case__number", "asset_ref"]
    raw_id_fields = ["request", "case", "respondent", "institution"]


@admin.register(ControlOrder)
class ControlOrderAdmin(ScopedReadOnlyAdmin):
    """Read-only: state changes go through the services (four-eyes, the law, exactly-once)."""

    list_display = [
        "id",
        "case",
        "kind",
        "status",
        "outcome",
        "institution",
        "requested_amount",
        "effective_amount",
        "held_amount",
        "expires_on",
    ]
    list_filter = ["kind", "status", "outcome"]
    search_fields = ["case__number", "document_no", "uuid"]
    raw_id_fields = ["case", "asset", "institution", "respondent", "target", "filed_by", "decided_by"]
