import django_filters

from execcenter.models import Alert, AuditLog, Court


class CourtFilterSet(django_filters.FilterSet):
    class Meta:
        model = Court
        fields = ["code", "level", "parent", "division_code", "name", "short_name"]


class AlertFilterSet(django_filters.FilterSet):
    court = django_filters.CharFilter(field_name="court__code")

    class Meta:
        model = Alert
        fields = ["kind", "severity", "status", "court", "source_type", "source_id"]


class AuditLogFilterSet(django_filters.FilterSet):
    at_after = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    at_before = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditLog
        fields = ["action", "object_type", "object_id", "user", "partner", "court"]
