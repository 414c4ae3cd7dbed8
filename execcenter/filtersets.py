import copy
import datetime
import decimal

import django_filters
from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from execcenter.identifiers import normalise_id_number, normalise_phone
from execcenter.models import Alert, AuditLog, Court

BIGINT = 2**63 - 1


def _beyond_bigint(value):
    """Whether a cleaned filter value is a number larger in magnitude than a 64-bit database integer."""
    if isinstance(value, bool) or not isinstance(value, (int, decimal.Decimal)):
        return False
    return (not isinstance(value, decimal.Decimal) or value.is_finite()) and abs(value) > BIGINT


class RepresentableDateTimesForm(forms.Form):
    """Refuses a date-time that parses but cannot be turned into UTC (`9999-12-31T23:59-14:00`, `0001-01-01`): the
    query would otherwise fail with OverflowError (a 500) when the database adapter converts it (issue 11, point 8);
    likewise a number beyond a 64-bit database integer.
    """

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            # A number no database integer holds (`?case=99999999999999999999999`): SQLite raised OverflowError and
            # PostgreSQL "out of range", both a 500, when the filter reached the query.
            numbers = [value.start, value.stop] if isinstance(value, slice) else [value]
            if any(_beyond_bigint(v) for v in numbers):
                self.add_error(name, _("数值超出范围 (number out of range)"))
                continue
            values = [value.start, value.stop] if isinstance(value, slice) else [value]
            utc_values = []
            for v in values:
                if isinstance(v, datetime.datetime):
                    try:
                        utc = v.astimezone(datetime.UTC) if v.tzinfo else v
                        # A day's margin either side: database adapters shift values by their session's time zone.
                        utc - datetime.timedelta(days=1), utc + datetime.timedelta(days=1)
                    except OverflowError:
                        self.add_error(name, _("时间超出可表示的范围 (date/time out of range)"))
                        break
                    # ISO 8601 allows offsets up to ±23:59, PostgreSQL only ±15:59 ("time zone displacement out of
                    # range", a 500 for `…+16:00`): the same instant in UTC reaches the database whatever was typed.
                    v = utc
                utc_values.append(v)
            else:
                if any(isinstance(v, datetime.datetime) for v in values) and name in cleaned:
                    cleaned[name] = slice(*utc_values) if isinstance(value, slice) else utc_values[0]
        return cleaned


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet with the per-request cost of a wide filter set taken out.

    Every request deep-copied each filter and built a new form class from them: for the case list's 71 filters that
    was ≈ 10 ms, a fifth of its 50 ms budget at a million cases. Filters hold no per-request state but `model`,
    `parent`, a `method=` filter's binding and the `extra` dict a queryset filter writes into, so a shallow copy with its own `extra` serves; the
    form class is built once per FilterSet class (Django's Form copies its fields for every instance anyway, so
    per-request changes such as `limit_choices_to` stay on that instance's form).
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # django_filters.FilterSet.__init__ with copy.copy for copy.deepcopy.
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {}
        for name, base in self.base_filters.items():
            filter_ = copy.copy(base)
            filter_.__dict__.pop("_field", None)
            filter_.extra = dict(base.extra)
            filter_.model, filter_.parent = queryset.model, self
            if base.method is not None:
                filter_.method = base.method  # a new FilterMethod bound to the copy (it reaches parent through it)
            self.filters[name] = filter_

    def get_form_class(self):
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            form_class = super().get_form_class()
            cls._form_class = type(form_class.__name__, (RepresentableDateTimesForm, form_class), {})
        return cls._form_class


class IdentifierFilter(django_filters.CharFilter):
    """An exact-match filter on an identifier stored folded (execcenter.identifiers): the query value is folded the
    same way, so `６４０１…` and `640 1…` find what `6401…` finds. `normalise` is one of that module's functions."""

    def __init__(self, *args, normalise=normalise_id_number, **kwargs):
        self.normalise = normalise
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return super().filter(qs, self.normalise(value) if value else value)


class PhoneFilter(IdentifierFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, normalise=normalise_phone, **kwargs)


class CourtFilterSet(FilterSet):
    class Meta:
        model = Court
        fields = ["code", "level", "parent", "division_code", "name", "short_name"]


class AlertFilterSet(FilterSet):
    court = django_filters.CharFilter(field_name="court__code")

    class Meta:
        model = Alert
        fields = ["kind", "severity", "status", "court", "source_type", "source_id"]


class AuditLogFilterSet(FilterSet):
    at_after = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    at_before = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditLog
        fields = ["action", "object_type", "object_id", "user", "partner", "court"]
