"""Issue 13.8: one definition of each domain predicate, and every surface agrees at its boundary.

The issue's example: a case filed exactly 12 months ago was on the screen (`<=` the cutoff) but not in the ledger or
the case filter (`<`). Here it is long-pending in the ledger, the case filter, the indicator, the bulletin, the wall
and the workbench alike, on today's date and on our own days: the end of February after a leap day, the first of
March, and the last day of a 31-day month. The same for overdue / due soon (deadline yesterday, today, in 30 and in
31 days; a suspended case), payouts overdue (due yesterday / today) and closures in a period (first and last day).
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict
from django.utils import timezone

from cases import deadlines, supervision
from cases.choices import CaseStatus, ClosureType, MoneyKind, ReceiptSource
from cases.filtersets import CaseFilterSet, MoneyEntryFilterSet
from cases.models import Case, LongPendingEntry, MoneyEntry
from cases.money import overdue_payouts
from cases.services.time_limits import deadline_state
from command import indicators as ind
from command.bulletins import _ledger, _overdue_payouts
from dashboards.registry import get
from tests.factories import CaseFactory
from workbench.buckets import director_section

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
DAYS = [None, dt.date(2025, 2, 28), dt.date(2025, 3, 1), dt.date(2026, 3, 31)]  # None: today (the example)


@pytest.fixture
def on_day(monkeypatch):
    """Make timezone.localdate() (no argument) answer `day`, for the surfaces that read today themselves."""
    real = timezone.localdate

    def set_today(day):
        monkeypatch.setattr(
            timezone, "localdate", lambda value=None, tz=None: day if value is None else real(value, tz)
        )
        return day

    return set_today


def _case(court, filed, **kw):
    return CaseFactory(
        court=court, filed_on=filed, status=kw.pop("status", CaseStatus.INVESTIGATING), parties=False, **kw
    )


def _noon(day):
    return dt.datetime.combine(day, dt.time(12), SHANGHAI)


def _kpis(data):
    return {i["label"]: i["value"] for i in data["items"]}


@pytest.mark.parametrize("day", DAYS)
def test_a_case_filed_exactly_12_months_ago_is_long_pending_on_every_surface(courts, director_high, on_day, day):
    today = on_day(day or timezone.localdate())
    xixia = courts["宁0105"]
    cutoff = deadlines.add_months(today, -12)
    exactly = _case(xixia, cutoff)
    older = _case(xixia, cutoff - dt.timedelta(days=1))
    _case(xixia, cutoff + dt.timedelta(days=1))  # a day short of 12 months
    _case(
        xixia,
        cutoff,
        status=CaseStatus.CLOSED,
        closed_on=today - dt.timedelta(days=1),
        closure_type=ClosureType.COMPLETED,
    )
    expected = {exactly.pk, older.pk}

    def ids(qs):
        return set(qs.values_list("pk", flat=True))

    assert ids(Case.objects.long_pending(today)) == ids(Case.objects.long_pending_on(today)) == expected
    assert ids(supervision.long_pending_cases(today=today)) == expected  # the ledger
    supervision.open_ledger_entries(today)
    assert set(LongPendingEntry.objects.values_list("case_id", flat=True)) == expected
    listed = CaseFilterSet(QueryDict(mutable=True) | {"long_pending": "true"}, queryset=Case.objects.all()).qs
    assert ids(listed) == expected  # the case list's filter
    parts = ind.long_pending(Case.objects.all(), ind.Period(today - dt.timedelta(days=30), today))
    assert ids(parts.numerator) == expected  # the indicator
    bulletin = _ledger(courts["宁01"], ind.Period(today.replace(day=1), today))
    assert bulletin["count"] == 2 and {r["number"] for r in bulletin["rows"]} == {exactly.number, older.number}
    wall = get("m05").compute(courts["宁0105"], _noon(today))
    assert _kpis(wall)["长期未结"] == 2 and len(wall["rows"]) == 2
    assert director_section(director_high.user, director_high, today=today)["long_pending"] == 2  # the workbench


@pytest.mark.parametrize("day", DAYS)
def test_overdue_and_due_soon_agree_on_every_surface(courts, on_day, day):
    today = on_day(day or timezone.localdate())
    xixia = courts["宁0105"]

    def due(days, **kw):
        case = _case(xixia, deadlines.add_months(today, -5), **kw)
        Case.objects.filter(pk=case.pk).update(statutory_deadline=today + dt.timedelta(days=days))
        case.refresh_from_db()
        return case

    yesterday, today_, in30, _in31 = due(-1), due(0), due(30), due(31)
    due(-1, status=CaseStatus.SUSPENDED)  # its clock is stopped: neither overdue nor due soon
    due(-1, status=CaseStatus.CLOSED)

    def ids(qs):
        return set(qs.values_list("pk", flat=True))

    def listed(state):
        return ids(CaseFilterSet(QueryDict(mutable=True) | {"deadline_state": state}, queryset=Case.objects.all()).qs)

    assert ids(Case.objects.overdue(today)) == listed("overdue") == {yesterday.pk}
    assert ids(Case.objects.due_soon(today)) == listed("near") == {today_.pk, in30.pk}
    assert {c.pk: deadline_state(c, today) for c in Case.objects.filter(status=CaseStatus.INVESTIGATING)} == {
        yesterday.pk: "overdue",
        today_.pk: "near",
        in30.pk: "near",
        _in31.pk: "ok",
    }
    wall = _kpis(get("m04").compute(xixia, _noon(today)))
    assert (wall["已超审限"], wall["7日内到期"], wall["30日内到期"]) == (1, 1, 2)
    scanned = supervision.scan(today)
    assert (scanned["case.deadline_overdue"], scanned["case.deadline_near"]) == (1, 2)


@pytest.mark.parametrize("day", DAYS)
def test_a_payout_due_today_is_not_overdue_and_one_due_yesterday_is_everywhere(courts, on_day, day):
    today = on_day(day or timezone.localdate())
    case = _case(courts["宁0105"], deadlines.add_months(today, -2))

    def receipt(due, amount="100.00", paid="0.00"):
        return MoneyEntry.objects.create(
            case=case,
            kind=MoneyKind.RECEIPT,
            source=ReceiptSource.VOLUNTARY,
            amount=Decimal(amount),
            paid_out_amount=Decimal(paid),
            occurred_at=_noon(due - dt.timedelta(days=30)),
            payout_due=due,
        )

    late = receipt(today - dt.timedelta(days=1))
    receipt(today)
    receipt(today - dt.timedelta(days=5), paid="100.00")  # paid out in full
    assert set(overdue_payouts(today=today)) == {late}
    listed = MoneyEntryFilterSet(QueryDict(mutable=True) | {"overdue": "true"}, queryset=MoneyEntry.objects.all()).qs
    assert set(listed) == {late}
    assert _overdue_payouts(courts["宁"], ind.Period(today.replace(day=1), today))["count"] == 1
    assert _kpis(get("m25").compute(courts["宁0105"], _noon(today)))["超期未发放笔数"] == 1
    assert supervision.scan(today)["money.payout_overdue"] == 1


@pytest.mark.parametrize("day", [dt.date(2025, 3, 31), dt.date(2024, 2, 29), dt.date(2026, 12, 1)])
def test_closures_in_a_period_include_its_first_and_last_day(courts, day):
    xixia = courts["宁0105"]
    first = day.replace(day=1)
    inside = [
        _case(
            xixia,
            first - dt.timedelta(days=60),
            status=CaseStatus.CLOSED,
            closed_on=d,
            closure_type=ClosureType.COMPLETED,
        )
        for d in (first, day)
    ]
    _case(
        xixia,
        first - dt.timedelta(days=60),
        status=CaseStatus.CLOSED,
        closed_on=first - dt.timedelta(days=1),
        closure_type=ClosureType.COMPLETED,
    )
    assert set(Case.objects.closed_in(first, day)) == set(inside)
    parts = ind.completion(Case.objects.all(), ind.Period(first, day))
    assert set(parts.denominator) == set(inside)
    month = {row[0]: row for row in get("m01").compute(xixia, _noon(day))["rows"]}
    assert month["本月"][2] == 2
