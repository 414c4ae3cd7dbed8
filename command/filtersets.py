import django_filters

from cases.filtersets import CaseNumberFilter
from execcenter.filtersets import FilterSet

from .models import AssistanceLetter, Bulletin, Incident, LinkageUnit, Operation, Petition


class OperationFilterSet(FilterSet):
    court = django_filters.CharFilter(field_name="court__code")
    starts_after = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    ends_before = django_filters.IsoDateTimeFilter(field_name="ends_at", lookup_expr="lte")

    class Meta:
        model = Operation
        fields = [
            "name",
            "court",
            "status",
            "starts_at",
            "ends_at",
            "launched_at",
            "ended_at",
            "created_by",
            "created_at",
        ]


class IncidentFilterSet(FilterSet):
    court = django_filters.CharFilter(field_name="court__code")
    case = CaseNumberFilter(field_name="case__number")
    reported_after = django_filters.IsoDateTimeFilter(field_name="reported_at", lookup_expr="gte")

    class Meta:
        model = Incident
        fields = [
            "court",
            "operation",
            "team",
            "case",
            "kind",
            "severity",
            "status",
            "reported_by",
            "reported_at",
            "closed_at",
            "address",
            "latitude",
            "longitude",
        ]


class LinkageUnitFilterSet(FilterSet):
    court = django_filters.CharFilter(field_name="court__code")

    class Meta:
        model = LinkageUnit
        fields = ["name", "kind", "court", "is_active", "partner", "contact_name", "contact_phone"]


class AssistanceLetterFilterSet(FilterSet):
    court = django_filters.CharFilter(field_name="court__code")
    case = CaseNumberFilter(field_name="case__number")
    overdue_on = django_filters.DateFilter(
        field_name="due_on", lookup_expr="lt", label="due before (overdue on this date)"
    )

    class Meta:
        model = AssistanceLetter
        fields = [
            "number",
            "case",
            "court",
            "unit",
            "status",
            "due_on",
            "sent_by",
            "sent_at",
            "answered_via",
            "answered_at",
            "closed_at",
            "answered_by",
            "subject",
        ]


class BulletinFilterSet(FilterSet):
    court = django_filters.CharFilter(field_name="court__code")

    class Meta:
        model = Bulletin
        fields = ["kind", "court", "period_start", "period_end", "title", "generated_at", "generated_by"]


class PetitionFilterSet(FilterSet):
    court = django_filters.CharFilter(field_name="court__code")
    received_after = django_filters.DateFilter(field_name="received_on", lookup_expr="gte")

    class Meta:
        model = Petition
        fields = ["court", "case", "status", "received_on", "due_on", "closed_on", "petitioner", "subject"]
