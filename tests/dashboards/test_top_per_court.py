"""Modules 4 and 5's top-10 lists per court (dashboards.modules.case_management.top_per_court): on PostgreSQL a UNION
ALL of one LIMIT per court read along the (court, …) partial indexes; the rows must be exactly those of the window
function it replaced (ROW_NUMBER() OVER (PARTITION BY court)), for the whole province and for every kind of scope."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from cases import deadlines
from cases.demo_bulk import generate_cases
from cases.models import Case
from dashboards.modules.case_management import top_per_court
from dashboards.registry import Context

from .conftest import NOW, TODAY

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite keeps the window function (no LIMIT inside a UNION)"
)

SCOPES = [None, "宁", "宁01", "宁0105", "宁04", "宁0424"]
LISTS = [
    # (queryset of the module, order, fields) as modules 4 and 5 ask for them
    (
        lambda: Case.objects.running().filter(statutory_deadline__lte=TODAY + dt.timedelta(days=deadlines.NEAR_DAYS)),
        ["statutory_deadline", "id"],
        ["number", "statutory_deadline", "assigned_judge__name", "court__short_name"],
    ),
    (
        lambda: Case.objects.long_pending(TODAY),
        ["filed_on", "id"],
        ["number", "filed_on", "court__short_name", "leading_official__name"],
    ),
]


def _window(qs, order, fields, n):
    ranked = qs.annotate(rank=Window(RowNumber(), partition_by=[F("court")], order_by=order)).filter(rank__lte=n)
    return ranked.values("court", *fields)


def _key(rows):
    return sorted(tuple(sorted((k, str(v)) for k, v in r.items())) for r in rows)


@pytest.mark.parametrize("n", [1, 10])
def test_union_of_limits_gives_the_windows_rows(courts, n):
    assert generate_cases(2500, seed=17, today=TODAY, workers=1, years=10) == 2500
    all_courts = {c.pk: c for c in courts.values()}
    checked = 0
    for scope_code in SCOPES:
        scope = courts[scope_code] if scope_code else None
        ctx = Context(NOW, scope=scope, courts=all_courts)
        for make, order, fields in LISTS:
            qs = ctx.scoped(make())
            expected = list(_window(qs, order, fields, n))
            got = top_per_court(ctx, qs, order, fields, n=n)
            assert _key(got) == _key(expected), (scope_code, order)
            assert len(got) == len(expected)
            checked += len(got)
    assert checked > 0  # the generated province has overdue and long-pending open cases in these scopes
