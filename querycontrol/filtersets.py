"""Filters of the query-and-control API: one per model field (tests fail when a field has none)."""

import django_filters

from cases.filtersets import CaseNumberFilter
from execcenter.filtersets import FilterSet
from querycontrol.models import ControlOrder, FoundAsset, Institution, QueryRequest, QueryResult


class InstitutionFilterSet(FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Institution
        fields = [
            "code",
            "name",
            "kind",
            "category",
            "region_code",
            "asset_term_class",
            "is_active",
            "rate_per_second",
            "max_in_flight",
        ]


class QueryRequestFilterSet(FilterSet):
    court = django_filters.CharFilter(field_name="court__code")
    case_number = CaseNumberFilter(field_name="case__number")
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    started_after = django_filters.IsoDateTimeFilter(field_name="started_at", lookup_expr="gte")
    finished_after = django_filters.IsoDateTimeFilter(field_name="finished_at", lookup_expr="gte")
    institution_kind = django_filters.CharFilter(field_name="institution_kinds", method="filter_kind")
    purpose = django_filters.CharFilter(lookup_expr="icontains")
    requested_by_label = django_filters.CharFilter(lookup_expr="icontains")
    has_failures = django_filters.BooleanFilter(field_name="failed", method="filter_failures")
    has_found = django_filters.BooleanFilter(field_name="found", method="filter_found")

    class Meta:
        model = QueryRequest
        fields = [
            "uuid",
            "case",
            "status",
            "requested_by",
            "requested_by_partner",
            "respondents",
            "cancel_requested",
            "total",
            "done",
            "chunks_total",
            "chunks_left",
            "active_fingerprint",
            "requery",
            "retry_of",
        ]

    def filter_kind(self, queryset, name, value):
        # JSON containment is not portable to SQLite; "all kinds" (empty list) matches every kind.
        ids = [pk for pk, kinds in queryset.values_list("pk", "institution_kinds") if not kinds or value in kinds]
        return queryset.filter(pk__in=ids)

    def filter_failures(self, queryset, name, value):
        return queryset.filter(failed__gt=0) if value else queryset.filter(failed=0)

    def filter_found(self, queryset, name, value):
        return queryset.filter(found__gt=0) if value else queryset.filter(found=0)


class QueryResultFilterSet(FilterSet):
    institution_code = django_filters.CharFilter(field_name="institution__code")
    answered_after = django_filters.IsoDateTimeFilter(field_name="answered_at", lookup_expr="gte")
    min_latency_ms = django_filters.NumberFilter(field_name="latency_ms", lookup_expr="gte")
    error = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = QueryResult
        fields = ["request", "respondent", "institution", "status", "attempts", "found_count"]


class FoundAssetFilterSet(FilterSet):
    court = django_filters.CharFilter(field_name="court__code")
    institution_code = django_filters.CharFilter(field_name="institution__code")
    min_balance = django_filters.NumberFilter(field_name="balance", lookup_expr="gte")
    max_balance = django_filters.NumberFilter(field_name="balance", lookup_expr="lte")
    frozen_by_others_min = django_filters.NumberFilter(field_name="frozen_by_others", lookup_expr="gte")
    found_after = django_filters.IsoDateTimeFilter(field_name="found_at", lookup_expr="gte")
    description = django_filters.CharFilter(lookup_expr="icontains")
    details_contains = django_filters.CharFilter(field_name="details", method="filter_details")

    class Meta:
        model = FoundAsset
        fields = ["request", "case", "respondent", "institution", "kind", "asset_ref"]

    def filter_details(self, queryset, name, value):
        return queryset.filter(details__icontains=value)


class ControlOrderFilterSet(FilterSet):
    court = django_filters.CharFilter(field_name="court__code")
    institution_code = django_filters.CharFilter(field_name="institution__code")
    case_number = CaseNumberFilter(field_name="case__number")
    expires_before = django_filters.DateFilter(field_name="expires_on", lookup_expr="lte")
    expires_after = django_filters.DateFilter(field_name="expires_on", lookup_expr="gte")
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    min_amount = django_filters.NumberFilter(field_name="requested_amount", lookup_expr="gte")

    class Meta:
        model = ControlOrder
        fields = [
            "uuid",
            "case",
            "kind",
            "status",
            "outcome",
            "asset",
            "institution",
            "respondent",
            "target",
            "filed_by",
            "decided_by",
            "document_no",
            "queue_position",
            "term_days",
        ]
