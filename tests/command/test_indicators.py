"""Every indicator formula against hand-computed data (docs/design.md §3), with 执保 / 执恢 apart from 首执."""

import datetime as dt
from decimal import Decimal

import pytest

from cases.choices import CaseType, MoneyKind, ReceiptSource
from cases.choices import ClosureType as CT
from cases.closure import terminate_conditions
from cases.models import MoneyEntry
from command import indicators as ind
from command.models import Petition
from execcenter.models import Alert, Court

from .conftest import D, give_terminate_evidence, make_case

MARCH = ind.Period.month(2025, 3)


def receipt(case, amount, source):
    MoneyEntry.objects.create(
        case=case,
        kind=MoneyKind.RECEIPT,
        source=source,
        amount=Decimal(amount),
        occurred_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
    )


@pytest.fixture
def xixia_march(courts):
    """西夏区法院, March 2025 — the hand-computed book every formula below is checked against."""
    c = {}
    c[1] = make_case(
        filed=D(2024, 12, 1), closed=D(2025, 3, 10), closure=CT.COMPLETED, claim="100000", recovered="100000"
    )
    c[2] = make_case(
        filed=D(2024, 8, 1),
        closed=D(2025, 3, 15),
        closure=CT.COMPLETED,
        claim="50000",
        recovered="50000",
        suspended_days=26,
    )  # deadline stays 2025-02-01 (the factory does not add suspensions): late
    c[3] = make_case(filed=D(2024, 10, 1), closed=D(2025, 3, 20), closure=CT.TERMINATED, claim="20000")
    c[4] = make_case(filed=D(2024, 11, 1), closed=D(2025, 3, 5), closure=CT.TERMINATED_THIS_ROUND, claim="30000")
    c[5] = make_case(filed=D(2025, 1, 10), closed=D(2025, 3, 25), closure=CT.TERMINATED_THIS_ROUND, claim="10000")
    c[6] = make_case(filed=D(2024, 9, 1), recovered="5000")  # open, deadline 2025-03-01 passed in March, has money
    c[7] = make_case(filed=D(2023, 12, 1))  # open for > 12 months at 2025-03-31
    c[8] = make_case(filed=D(2024, 10, 1), closed=D(2025, 2, 10), closure=CT.COMPLETED)  # closed before March
    give_terminate_evidence(c[4])
    give_terminate_evidence(c[5])  # everything but the three months: filed 01-10, closed 03-25
    receipt(c[1], "100000", ReceiptSource.VOLUNTARY)
    receipt(c[2], "30000", ReceiptSource.VOLUNTARY)
    receipt(c[2], "20000", ReceiptSource.DEDUCTION)
    # Other case types and another subtree, which must not move the 首执 figures of 西夏区.
    c["p1"] = make_case(
        filed=D(2025, 2, 1), closed=D(2025, 3, 12), closure=CT.COMPLETED, case_type=CaseType.PRESERVATION
    )
    c["r1"] = make_case(
        filed=D(2025, 1, 1), closed=D(2025, 3, 28), closure=CT.TERMINATED_THIS_ROUND, case_type=CaseType.RESUMED
    )
    c["jy"] = make_case("宁0424", filed=D(2025, 1, 1), closed=D(2025, 3, 10), closure=CT.COMPLETED)
    return c


def ids(*cases):
    return sorted(c.pk for c in cases)


def check(code, court, num, den, value, case_type=CaseType.FIRST):
    r = ind.evaluate(code, court, MARCH, case_type)
    assert (r.numerator, r.denominator, r.value) == (
        Decimal(num),
        Decimal(den),
        None if value is None else Decimal(value),
    )
    return r


def test_legal_term_actual_closure_counts_actual_closures_and_overdue_open_cases_with_property(xixia_march, courts):
    c = xixia_march
    r = check("legal_term_actual_closure", courts["宁0105"], 2, 4, "50.00")
    assert r.below_target and r.target == Decimal("90")
    assert ind.drill_down("legal_term_actual_closure", courts["宁0105"], MARCH, "numerator") == ids(c[1], c[3])
    assert ind.drill_down("legal_term_actual_closure", courts["宁0105"], MARCH, "denominator") == ids(
        c[1], c[2], c[3], c[6]
    )


def test_terminated_qualified_requires_all_five_conditions(xixia_march, courts):
    c = xixia_march
    check("terminated_qualified", courts["宁0105"], 1, 2, "50.00")
    assert ind.drill_down("terminated_qualified", courts["宁0105"], MARCH) == ids(c[4])


def test_terminated_qualified_sql_agrees_with_cases_closure_conditions(xixia_march, courts):
    for key in (4, 5, "r1"):
        case = xixia_march[key]
        expected = all(cond.ok for cond in terminate_conditions(case, case.closed_on))
        qualified = ind.drill_down("terminated_qualified", courts["宁0105"], MARCH, case_type=case.case_type)
        assert (case.pk in qualified) == expected, key


def test_terminated_qualified_three_months_is_strictly_after_add_months(courts):
    on_the_day = make_case(filed=D(2024, 11, 30), closed=D(2025, 2, 28), closure=CT.TERMINATED_THIS_ROUND)
    day_after = make_case(filed=D(2024, 11, 30), closed=D(2025, 3, 1), closure=CT.TERMINATED_THIS_ROUND)
    for case in (on_the_day, day_after):
        give_terminate_evidence(case)
    qualified = ind.drill_down("terminated_qualified", courts["宁0105"], ind.Period(D(2025, 2, 1), D(2025, 3, 31)))
    assert qualified == [day_after.pk]


def test_petitions_handled_counts_petitions_received_in_period_closed_by_its_end(courts):
    xixia = courts["宁0105"]
    done = Petition.objects.create(
        court=xixia,
        petitioner="甲",
        subject="催办",
        received_on=D(2025, 3, 2),
        closed_on=D(2025, 3, 20),
        status="closed",
    )
    Petition.objects.create(
        court=xixia,
        petitioner="乙",
        subject="催办",
        received_on=D(2025, 3, 5),
        closed_on=D(2025, 4, 2),
        status="closed",
    )
    Petition.objects.create(
        court=xixia,
        petitioner="丙",
        subject="催办",
        received_on=D(2025, 2, 20),
        closed_on=D(2025, 3, 1),
        status="closed",
    )
    r = ind.evaluate("petitions_handled", xixia, MARCH, None)
    assert (r.numerator, r.denominator, r.value, r.case_type) == (1, 2, Decimal("50.00"), None)
    assert ind.drill_down("petitions_handled", xixia, MARCH) == [done.pk]


def test_three_year_closure(xixia_march, courts):
    check("three_year_closure", courts["宁0105"], 6, 8, "75.00")


def test_first_execution_actual_closure(xixia_march, courts):
    check("actual_closure", courts["宁0105"], 3, 5, "60.00")


def test_money_recovery_rate_is_recovered_over_applied_for_cases_closed_in_period(xixia_march, courts):
    c = xixia_march
    check("money_recovery", courts["宁0105"], "150000.00", "210000.00", "71.43")
    assert ind.drill_down("money_recovery", courts["宁0105"], MARCH) == ids(c[1], c[2])


def test_completion_and_closed_within_term(xixia_march, courts):
    check("completion", courts["宁0105"], 2, 5, "40.00")
    check("closed_within_term", courts["宁0105"], 4, 5, "80.00")


def test_average_days_excludes_suspended_days(xixia_march, courts):
    # 99 + (226 − 26) + 170 + 124 + 74 = 667 days over 5 cases
    check("average_days", courts["宁0105"], 667, 5, "133.4")


def test_long_pending_counts_cases_open_at_period_end_filed_over_12_months_before(xixia_march, courts):
    check("long_pending", courts["宁0105"], 1, 2, "1")
    assert ind.drill_down("long_pending", courts["宁0105"], MARCH) == [xixia_march[7].pk]


def test_voluntary_performance_needs_only_voluntary_receipts(xixia_march, courts):
    check("voluntary_performance", courts["宁0105"], 1, 2, "50.00")
    assert ind.drill_down("voluntary_performance", courts["宁0105"], MARCH) == [xixia_march[1].pk]


def test_preservation_and_resumed_cases_are_counted_apart_from_first_executions(xixia_march, courts):
    xixia = courts["宁0105"]
    check("actual_closure", xixia, 1, 1, "100.00", CaseType.PRESERVATION)
    check("actual_closure", xixia, 0, 1, "0.00", CaseType.RESUMED)
    check("terminated_qualified", xixia, 0, 1, "0.00", CaseType.RESUMED)
    check("terminated_qualified", xixia, 0, 0, None, CaseType.PRESERVATION)
    assert xixia_march["p1"].pk not in ind.drill_down("actual_closure", xixia, MARCH, "denominator")
    core = {(r.code, r.case_type): r for r in ind.core_set(xixia, MARCH)}
    assert core[("terminated_qualified", "执")].value == Decimal("50.00")
    assert core[("terminated_qualified", "执恢")].value == Decimal("0.00")
    assert core[("petitions_handled", None)].denominator == 0


def test_empty_denominator_has_no_value_and_no_warning(courts):
    r = ind.evaluate("actual_closure", courts["宁0105"], MARCH)
    assert r.value is None and not r.below_target


def test_intermediate_court_rolls_up_its_basic_courts(xixia_march, courts):
    make_case("宁0104", filed=D(2025, 1, 1), closed=D(2025, 3, 3), closure=CT.COMPLETED)
    make_case("宁0104", filed=D(2025, 1, 1), closed=D(2025, 3, 4), closure=CT.WITHDRAWN)
    r = ind.evaluate("actual_closure", courts["宁01"], MARCH)
    assert (r.numerator, r.denominator, r.value) == (4, 7, Decimal("57.14"))
    by_court = ind.evaluate_by_court("actual_closure", [courts["宁01"], courts["宁0105"]], MARCH)
    assert by_court[courts["宁01"].pk].value == r.value
    assert by_court[courts["宁0105"].pk].value == Decimal("60.00")


@pytest.mark.parametrize("code", list(ind.INDICATORS))
def test_grouped_evaluation_of_every_indicator_equals_one_court_at_a_time(xixia_march, courts, code):
    """evaluate_by_court reads numerator and denominator in one grouped scan where it can (Parts.num_q); the
    figures must be those of evaluate(), which aggregates each part on its own, for every court of the tree."""
    case_type = CaseType.FIRST if ind.INDICATORS[code].typed else None
    scopes = [courts[c] for c in ("宁", "宁01", "宁0105", "宁04", "宁0424", "宁0104")]
    grouped = ind.evaluate_by_court(code, scopes, MARCH, case_type)
    for court in scopes:
        assert grouped[court.pk] == ind.evaluate(code, court, MARCH, case_type), (code, court.code)


def test_ranking_among_basic_courts_best_first_ties_share_rank_and_empty_courts_last(xixia_march, courts):
    make_case("宁0104", filed=D(2025, 1, 1), closed=D(2025, 3, 3), closure=CT.COMPLETED)
    make_case("宁0104", filed=D(2025, 1, 1), closed=D(2025, 3, 4), closure=CT.WITHDRAWN)
    make_case("宁0106", filed=D(2025, 1, 1), closed=D(2025, 3, 4), closure=CT.COMPLETED)
    rows = ind.ranking("actual_closure", MARCH, ind.peers(courts["宁0105"]))
    head = [(r["rank"], r["court"].code, r["value"]) for r in rows[:4]]
    assert head == [(1, "宁0106", "100.00"), (1, "宁0424", "100.00"), (3, "宁0105", "60.00"), (4, "宁0104", "50.00")]
    assert all(r["rank"] is None for r in rows[4:]) and len(rows) == Court.objects.filter(level="basic").count()


def test_ranking_of_lower_is_better_indicator_puts_fewest_first(xixia_march, courts):
    make_case("宁0104", filed=D(2023, 1, 1))
    make_case("宁0104", filed=D(2023, 2, 1))
    rows = ind.ranking("long_pending", MARCH, [courts["宁0104"], courts["宁0105"]])
    assert [(r["rank"], r["court"].code, r["value"]) for r in rows] == [(1, "宁0105", "1"), (2, "宁0104", "2")]


def test_below_target_raises_one_warning_and_recovery_resolves_it(xixia_march, courts):
    xixia = courts["宁0105"]
    below = ind.check_targets(xixia, MARCH, case_types=(CaseType.FIRST,))
    assert {r.code for r in below} == {"legal_term_actual_closure", "terminated_qualified", "three_year_closure"}
    ind.check_targets(xixia, MARCH, case_types=(CaseType.FIRST,))
    alerts = Alert.objects.filter(kind="indicator_below_target", court=xixia)
    assert alerts.count() == 3 and alerts.filter(status="open").count() == 3
    # 终本 c5 gets its evidence fixed by moving its closure past three months: 2/2 qualified.
    type(xixia_march[5]).objects.filter(pk=xixia_march[5].pk).update(filed_on=D(2024, 11, 1))
    ind.check_targets(xixia, MARCH, case_types=(CaseType.FIRST,))
    assert alerts.get(dedup_key__contains="terminated_qualified").status == "resolved"


def test_every_indicator_documents_its_definition():
    for indicator in ind.INDICATORS.values():
        doc = indicator.build.__doc__ or ""
        assert "Denominator" in doc or "÷" in doc or "Numerator" in doc, indicator.code


def test_every_indicator_shows_its_chinese_caliber_with_its_source():
    """The 口径 a reader sees (issue #13 item 13) is Chinese, says what is counted and names its source."""
    assert set(ind.CALIBERS) == set(ind.INDICATORS)
    for indicator in ind.INDICATORS.values():
        shown = indicator.definition
        assert ("分母" in shown and "分子" in shown) or "÷" in shown, indicator.code
        assert "依据：" in shown and "Denominator" not in shown and "Numerator" not in shown, indicator.code


def test_period_ten_day_splits_month_in_three():
    assert ind.Period.ten_day(D(2025, 2, 25)) == ind.Period(D(2025, 2, 21), D(2025, 2, 28))
    assert ind.Period.ten_day(D(2025, 3, 11)) == ind.Period(D(2025, 3, 11), D(2025, 3, 20))
    assert ind.Period.ten_day(D(2025, 3, 10)) == ind.Period(D(2025, 3, 1), D(2025, 3, 10))


@pytest.mark.parametrize("code", list(ind.INDICATORS))
def test_grouped_evaluation_equals_one_court_at_a_time_on_a_generated_province(courts, code):
    """The same on 2,500 generated cases over ten years (every closure type, open cases past their deadline with
    money recovered, 终本 closures), for the year to date and a past month: the grouped path reads 法定期限内实际执结率
    as two disjoint pieces (Parts.pieces) added up per court, evaluate() as one query over their OR."""
    from cases.demo_bulk import generate_cases

    today = dt.date(2026, 6, 15)
    assert generate_cases(2500, seed=17, today=today, workers=1, years=10) == 2500
    case_type = CaseType.FIRST if ind.INDICATORS[code].typed else None
    scopes = [courts[c] for c in ("宁", "宁01", "宁0105", "宁04", "宁0424", "宁0104", "宁0522")]
    for period in (ind.Period.year_to_date(today), ind.Period.month(2026, 3)):
        grouped = ind.evaluate_by_court(code, scopes, period, case_type)
        for court in scopes:
            assert grouped[court.pk] == ind.evaluate(code, court, period, case_type), (code, court.code, str(period))
    if code == "legal_term_actual_closure":  # the data reach the OR's both sides, so the pieces are really tested
        parts = ind._parts(ind.INDICATORS[code], courts["宁"].subtree_ids(), ind.Period.year_to_date(today), "执")
        assert all(piece.exists() for piece in parts.pieces)
