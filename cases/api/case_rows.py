"""The case list's page read as rows, not model instances.

At a million cases the list's SQL takes a few milliseconds, but building the ~350 model instances of a 50-case page
(case, court, judge, party links, parties) and running DRF's per-field machinery over them took ≈ 35 ms on the
2-core reference machine: most of the 50 ms budget (docs/design.md §5). So the list reads `values()` rows and formats
every column with the field objects of CaseSerializer and PartySerializer themselves: the output is the
serializer's, field for field (tests/cases/test_case_rows.py holds the two equal for every persona), and the detail
view and every write still go through the serializer.
"""

import functools
from collections import defaultdict

from rest_framework.relations import PKOnlyObject, RelatedField
from rest_framework.serializers import BaseSerializer

from ..models import CaseParty
from .serializers import CasePartySerializer, CaseSerializer, protect_contacts, protect_party

PARTY_PREFIX = "party__"


def _formatter(field):
    if isinstance(field, RelatedField):  # a primary key column: the field expects an object with .pk
        return lambda value: field.to_representation(PKOnlyObject(value))
    return field.to_representation


def _plan(serializer, prefix=""):
    """(output name, values() column, formatter) for each field of `serializer` in its order; a nested serializer
    gets column None (the caller fills it in)."""
    return [
        (name, None, None)
        if isinstance(field, BaseSerializer)
        else (name, prefix + field.source.replace(".", "__"), _formatter(field))
        for name, field in serializer.fields.items()
    ]


@functools.cache
def _plans():
    # Built on first use, not at import: serializer fields need the app registry.
    link = CasePartySerializer()
    return _plan(CaseSerializer()), _plan(link), _plan(link.fields["party"], PARTY_PREFIX)


def _columns(plan):
    return [column for _, column, _ in plan if column is not None]


def _row(values, plan, nested=None):
    return {
        name: nested if column is None else None if values[column] is None else fmt(values[column])
        for name, column, fmt in plan
    }


def rows(queryset):
    """The case queryset (filtered and ordered as the list is) as values() rows carrying every column the
    representation and the cursor need."""
    return queryset.prefetch_related(None).values(*dict.fromkeys(_columns(_plans()[0])))


def represent(case_rows, context):
    """CaseSerializer(many=True).data for values() rows; personal data masked or audited as PartySerializer does."""
    case_plan, link_plan, party_plan = _plans()
    links = defaultdict(list)
    found = CaseParty.objects.filter(case_id__in=[r["id"] for r in case_rows]).order_by("case_id", "id")
    for values in found.values("case_id", *_columns(link_plan), *_columns(party_plan)):
        link = _row(values, link_plan, protect_party(_row(values, party_plan), context))
        links[values["case_id"]].append(protect_contacts(link, context))
    return [_row(values, case_plan, links.get(values["id"], [])) for values in case_rows]
