"""seed_demo works at every size and looks like a normal day (issue 13 item 10).

Before: `seed_demo --cases 3000` crashed on the over-freeze rule in querycontrol's demo, a second run said "already
there" over the half-made data, a year's worth of closures landed on today (1,400 on the 30-day trend), and the
headline 无财产可供执行案件终本合格率 read 0.00 %.
"""

import datetime as dt
import io
import statistics

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from cases.demo_bulk import generate_cases
from cases.models import Case, Measure
from command import indicators
from command.models import Operation
from dashboards.models import Shift
from execcenter.models import Court
from querycontrol.models import ControlOrder, QueryRequest

pytestmark = pytest.mark.django_db(transaction=True)


def _closures_per_day(days=30):
    today = timezone.localdate()
    counts = dict(
        Case.objects.filter(closed_on__gt=today - dt.timedelta(days=days))
        .values_list("closed_on")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [counts.get(today - dt.timedelta(days=i), 0) for i in range(days)]


def _headline():
    period = indicators.Period.year_to_date(timezone.localdate())
    return indicators.evaluate_by_court("terminated_qualified", [Court.objects.get(code="宁")], period, "执")


def _counts():
    return (
        Case.objects.count(),
        Measure.objects.count(),
        QueryRequest.objects.count(),
        ControlOrder.objects.count(),
        Operation.objects.count(),
        Shift.objects.count(),
    )


@pytest.mark.parametrize("size", [100, 3000])  # the smallest size, and the input
def test_seed_demo_completes_at_each_size_looks_like_a_normal_day_and_runs_once(size):
    call_command("seed_demo", cases=size, verbosity=0, stdout=io.StringIO())
    assert Case.objects.count() == size
    assert Measure.objects.exists() and Operation.objects.exists() and Shift.objects.exists()

    per_day = _closures_per_day()
    # No spike on today: today is within the spread of the month's other days.
    assert per_day[0] <= max(3, 3 * statistics.median(per_day[1:])), per_day
    (result,) = _headline().values()
    assert result.denominator > 0 and result.value is not None and 75 <= result.value <= 100, result

    before = _counts()
    call_command("seed_demo", cases=size, verbosity=0, stdout=io.StringIO())
    assert _counts() == before


@pytest.mark.parametrize("size", [101, 999, 2500, 6000])
def test_generated_cases_close_after_filing_and_never_in_a_spike_today(courts, size):
    generate_cases(size, seed=size, stdout=io.StringIO())
    assert Case.objects.count() == size
    today = timezone.localdate()
    closed = Case.objects.filter(closed_on__isnull=False)
    assert not closed.filter(closed_on__gt=today).exists()
    for case in closed.filter(closure_type="terminated_this_round").only("filed_on", "closed_on"):
        assert case.closed_on > case.filed_on + dt.timedelta(days=92)  # 终本 after three months (Art. 1(4))
    assert not Case.objects.exclude(status="filed").filter(notice_sent_on__isnull=True).exists()
    per_day = _closures_per_day()
    assert per_day[0] <= max(3, 3 * statistics.median(per_day[1:])), per_day


def test_a_failed_app_demo_leaves_nothing_and_the_next_run_completes_it(monkeypatch):
    from command import demo as command_demo

    real = command_demo.enrich

    def half_then_fail(rng, stdout):
        real(rng, stdout)
        raise RuntimeError("power cut")

    monkeypatch.setattr(command_demo, "enrich", half_then_fail)
    with pytest.raises(RuntimeError, match="power cut"):
        call_command("seed_demo", cases=150, verbosity=0, stdout=io.StringIO())
    assert Case.objects.count() == 150 and Measure.objects.exists()  # what finished before stays
    assert not Operation.objects.exists()  # the failed app's rows are gone: no "already there" marker
    monkeypatch.setattr(command_demo, "enrich", real)
    call_command("seed_demo", cases=150, verbosity=0, stdout=io.StringIO())
    assert Operation.objects.exists() and Shift.objects.exists()
