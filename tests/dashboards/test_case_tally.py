"""The case tally (cases.tally, kept by PostgreSQL triggers) gives the case modules exactly the figures the case table
gives: generated cases over ten years, then every kind of change a case goes through, compared module by module and
scope by scope with the tally on and off, before and after compaction and after a rebuild."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F

from cases import tally
from cases.choices import CaseStatus, ClosureType
from cases.demo_bulk import generate_cases
from cases.models import Case, CaseTally
from dashboards.registry import Context, get
from tests.factories import CaseFactory, OfficerFactory

from .conftest import NOW, TODAY

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the tally is kept by PostgreSQL triggers; SQLite reads the case table"
)

MODULES = ["m01", "m02", "m03", "m04", "m05", "m06", "m07", "m08", "m09", "m10", "m38"]
SCOPES = ["宁", "宁01", "宁0105", "宁04", "宁0424", "宁0522"]


def _figures(courts, settings, on):
    settings.DASHBOARD_CASE_TALLY = on
    out = {code: {scope: get(code).compute(courts[scope], NOW) for scope in SCOPES} for code in MODULES}
    # The refresh's path: every court's partial figures at once, as the snapshot gathers them.
    ctx = Context(NOW, courts={c.pk: c for c in courts.values()})
    for code in MODULES:
        gathered = get(code).gather(ctx)
        out[code]["per_court"] = gathered
    return out


def _assert_equal(courts, settings):
    raw = _figures(courts, settings, False)
    tallied = _figures(courts, settings, True)
    for code in MODULES:
        for scope, value in raw[code].items():
            assert tallied[code][scope] == value, (code, scope)
    return raw


@pytest.fixture
def province(courts):
    made = generate_cases(2500, seed=17, today=TODAY, workers=1, years=10)
    assert made == 2500
    return courts


def _change_cases(courts):
    """Every kind of change the tally must follow, through the ORM, bulk updates and deletes."""
    cases = list(Case.objects.order_by("id"))
    open_cases = [c for c in cases if c.status != CaseStatus.CLOSED]
    closed_cases = [c for c in cases if c.status == CaseStatus.CLOSED]
    leader = OfficerFactory(court=courts["宁0105"])
    # closed today and this month, one by one (save(): the update trigger)
    for i, case in enumerate(open_cases[:40]):
        case.status, case.closed_on = CaseStatus.CLOSED, TODAY - dt.timedelta(days=i % 20)
        case.closure_type = [ClosureType.COMPLETED, ClosureType.TERMINATED_THIS_ROUND][i % 2]
        case.save()
    # a bulk update: tags, a leading official, money, suspension
    Case.objects.filter(pk__in=[c.pk for c in open_cases[40:80]]).update(
        is_livelihood=True, is_government=True, leading_official=leader
    )
    Case.objects.filter(pk__in=[c.pk for c in open_cases[80:120]]).update(
        recovered_amount=Decimal("123.45"), outstanding_amount=Decimal("10.01")
    )
    Case.objects.filter(pk__in=[c.pk for c in open_cases[120:160]]).update(
        status=CaseStatus.SUSPENDED, statutory_deadline=TODAY + dt.timedelta(days=3)
    )
    # reopened with closed_on kept, and closed without a closing day (the funnel's edge cases)
    Case.objects.filter(pk__in=[c.pk for c in closed_cases[:10]]).update(status=CaseStatus.INVESTIGATING)
    Case.objects.filter(pk__in=[c.pk for c in closed_cases[10:15]]).update(closed_on=None)
    # moved to another court, judge changed, deadline moved into the next week
    Case.objects.filter(pk__in=[c.pk for c in open_cases[160:180]]).update(
        court=courts["宁0424"], sequence=F("id") + 10**6, assigned_judge=None
    )
    Case.objects.filter(pk__in=[c.pk for c in open_cases[180:200]]).update(statutory_deadline=TODAY)
    # a new case, and one deleted again (the insert and delete triggers)
    CaseFactory(court=courts["宁0522"], filed_on=TODAY, parties=False)
    gone = CaseFactory(court=courts["宁0522"], filed_on=TODAY - dt.timedelta(days=1), parties=False)
    gone.events.all().delete()
    gone.delete()


def test_tally_gives_the_case_tables_figures(province, settings):
    raw = _assert_equal(province, settings)
    assert raw["m01"]["宁"]["items"][0]["value"] > 100  # 存案 of the province: real figures were compared
    assert CaseTally.objects.filter(folded=False).exists()  # the generated cases came through the insert trigger


def test_tally_follows_every_change_and_survives_compaction_and_rebuild(province, settings):
    _change_cases(province)
    before = _assert_equal(province, settings)
    rows = CaseTally.objects.count()
    assert tally.compact() > 0
    assert CaseTally.objects.filter(folded=False).count() == 0
    assert CaseTally.objects.count() < rows  # the deltas of each touched key folded into one row
    assert _assert_equal(province, settings) == before
    with connection.cursor() as cur:
        tally.rebuild(cur)
    assert _assert_equal(province, settings) == before
    # The changes moved figures: the comparison above was not of two empty screens.
    assert before["m07"]["宁"] != {} and before["m01"]["宁"]["rows"][0][2] >= 1
