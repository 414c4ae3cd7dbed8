"""Modules 1–10 (管理指挥) against small known data sets: exact figures per scope."""

import datetime as dt
from decimal import Decimal

from cases.choices import CaseStatus, ClosureType
from dashboards.registry import Context, get
from tests.factories import OfficerFactory

from .conftest import NOW, SHANGHAI, TODAY, kpis


def _intake_data(make_case):
    make_case(filed=TODAY)  # A: filed today, open
    make_case(filed=dt.date(2025, 6, 3), closed=TODAY, closure=ClosureType.COMPLETED)  # B: closed today
    make_case(filed=dt.date(2025, 1, 10), closed=dt.date(2025, 3, 1), closure=ClosureType.TERMINATED_THIS_ROUND)  # C
    make_case(filed=dt.date(2024, 12, 1))  # D: last year's, open
    make_case(code="宁0424", filed=TODAY)  # E: 泾源, filed today


def test_intake_closed_pending_counts_each_period_per_scope(courts, make_case):
    _intake_data(make_case)
    m01 = get("m01")
    xixia = m01.compute(courts["宁0105"], NOW)
    assert xixia["rows"] == [["今日", 1, 1], ["本月", 2, 1], ["本年", 3, 2]]
    assert kpis(xixia)["存案"] == 2
    # 银川中院's subtree holds only 西夏区's cases; the high court adds 泾源's.
    assert m01.compute(courts["宁01"], NOW)["rows"] == xixia["rows"]
    high = m01.compute(courts["宁"], NOW)
    assert high["rows"] == [["今日", 2, 1], ["本月", 3, 1], ["本年", 4, 2]] and kpis(high)["存案"] == 3
    assert kpis(m01.compute(courts["宁0424"], NOW))["存案"] == 1


def test_today_figures_roll_over_at_midnight_in_shanghai(courts, make_case):
    _intake_data(make_case)
    m01 = get("m01")
    before = m01.compute(courts["宁"], dt.datetime(2025, 6, 15, 23, 59, 59, tzinfo=SHANGHAI))
    after = m01.compute(courts["宁"], dt.datetime(2025, 6, 16, 0, 0, 1, tzinfo=SHANGHAI))
    assert before["rows"][0] == ["今日", 2, 1]
    assert after["rows"][0] == ["今日", 0, 0] and after["rows"][1] == ["本月", 3, 1]
    assert after["day"] == "2025-06-16"


def test_all_scope_pass_equals_per_scope_compute(courts, make_case):
    _intake_data(make_case)
    for code in ("m01", "m02", "m03", "m06"):
        module = get(code)
        ctx = Context(NOW)
        per_court = module.gather(ctx)
        for court in (courts["宁"], courts["宁01"], courts["宁0105"], courts["宁04"]):
            assert ctx.finish(module, per_court, court) == module.compute(court, NOW), (code, court.code)


def test_cases_by_court_lists_children_and_drills_down(courts, make_case):
    _intake_data(make_case)
    data = get("m02").compute(courts["宁"], NOW)
    # The high court has no cases of its own here, so no "own" bar; its five intermediate courts follow.
    assert data["court_codes"] == ["宁01", "宁02", "宁03", "宁04", "宁05"]
    i = data["court_codes"].index("宁01")
    assert [s["values"][i] for s in data["series"]] == [2, 3, 2]
    j = data["court_codes"].index("宁04")
    assert [s["values"][j] for s in data["series"]] == [1, 1, 0]
    assert get("m02").compute(courts["宁0105"], NOW)["court_codes"] == ["宁0105"]
    make_case(code="宁")
    assert get("m02").compute(courts["宁"], NOW)["court_codes"][0] == "宁"


def test_status_funnel_counts_current_stages_and_this_years_closures(courts, make_case):
    _intake_data(make_case)
    make_case(filed=dt.date(2025, 5, 1), status=CaseStatus.CONTROLLING)
    make_case(
        filed=dt.date(2023, 5, 1), closed=dt.date(2024, 1, 1), closure=ClosureType.COMPLETED
    )  # last year: not shown
    data = get("m03").compute(courts["宁0105"], NOW)
    values = dict(zip(data["categories"], data["series"][0]["values"]))
    assert values == {
        "已立案": 0,
        "已分案": 2,
        "财产调查": 0,
        "财产控制": 1,
        "财产处置": 0,
        "中止/和解": 0,
        "已结案": 2,
    }


def test_statutory_deadline_warnings_count_overdue_and_due_soon(courts, make_case):
    judge = OfficerFactory(name="王法官", court=courts["宁0105"])
    make_case(filed=dt.date(2024, 12, 1), assigned_judge=judge)  # deadline 2025-06-01: overdue
    make_case(filed=dt.date(2024, 12, 20))  # deadline 2025-06-20: 5 days left
    make_case(filed=dt.date(2025, 1, 10))  # 2025-07-10: 25 days left
    make_case(filed=dt.date(2025, 3, 1))  # 2025-09-01: not yet
    make_case(filed=dt.date(2024, 11, 1), status=CaseStatus.SUSPENDED)  # suspended: clock stopped
    make_case(filed=dt.date(2024, 11, 1), closed=dt.date(2025, 2, 1), closure=ClosureType.COMPLETED)
    data = get("m04").compute(courts["宁"], NOW)
    assert kpis(data) == {"已超审限": 1, "7日内到期": 1, "30日内到期": 2}
    assert [r[3] for r in data["rows"]] == [-14, 5, 25]
    assert data["rows"][0][2] == "王法官"


def test_long_pending_counts_cases_open_over_12_months_by_age(courts, make_case, judge_xixia):
    make_case(filed=dt.date(2024, 6, 14))  # 12 months + 1 day: long-pending
    make_case(filed=dt.date(2024, 6, 16))  # not yet 12 months
    make_case(filed=dt.date(2023, 10, 1), leading_official=judge_xixia)  # 20 months
    make_case(filed=dt.date(2021, 1, 1))  # > 36 months
    make_case(filed=dt.date(2022, 1, 1), closed=dt.date(2025, 1, 1), closure=ClosureType.COMPLETED)
    data = get("m05").compute(courts["宁0105"], NOW)
    assert kpis(data) == {"长期未结": 3, "未落实包案领导": 2}
    assert data["series"][0]["values"] == [1, 1, 0, 1]
    assert [r[2] for r in data["rows"]] == ["2021-01-01", "2023-10-01", "2024-06-14"]
    assert data["rows"][1][3] == "张伟"


def test_closure_types_count_this_years_closures(courts, make_case):
    _intake_data(make_case)
    make_case(filed=dt.date(2025, 2, 1), closed=dt.date(2025, 4, 1), closure=ClosureType.TERMINATED_THIS_ROUND)
    items = {i["name"]: i["value"] for i in get("m06").compute(courts["宁"], NOW)["slices"]}
    assert items["执行完毕"] == 1 and items["终结本次执行程序"] == 2 and items["销案"] == 0


def test_judge_workload_ranks_open_cases_per_judge(courts, make_case):
    a = OfficerFactory(name="甲法官", court=courts["宁0105"])
    b = OfficerFactory(name="乙法官", court=courts["宁0424"])
    for _ in range(3):
        make_case(assigned_judge=a)
    make_case(code="宁0424", assigned_judge=b)
    make_case(assigned_judge=a, closed=TODAY, closure=ClosureType.COMPLETED)
    make_case()
    data = get("m07").compute(courts["宁"], NOW)
    assert data["categories"] == ["甲法官", "乙法官"] and data["series"][0]["values"] == [3, 1]
    assert kpis(data) == {"承办法官": 2, "人均在办": "2.0", "未分案": 1}
    assert get("m07").compute(courts["宁0424"], NOW)["categories"] == ["乙法官"]


def test_livelihood_and_government_modules_sum_flagged_cases(courts, make_case):
    make_case(is_livelihood=True, recovered_amount=Decimal("100.50"), outstanding_amount=Decimal("900.00"))
    make_case(is_livelihood=True, is_migrant_wages=True, filed=dt.date(2024, 5, 1))
    make_case(is_government=True, outstanding_amount=Decimal("5000.00"))
    make_case(is_government=True, closed=TODAY, closure=ClosureType.COMPLETED, outstanding_amount=Decimal("7.00"))
    rows = get("m08").compute(courts["宁"], NOW)["rows"]
    assert rows == [["涉民生", 2, 1, 0, "100.50"], ["农民工工资", 1, 0, 0, "0.00"]]
    assert kpis(get("m09").compute(courts["宁"], NOW)) == {
        "在办": 1,
        "本年收案": 2,
        "本年结案": 1,
        "未执行金额": "5000.00",
    }


def test_trend_has_thirty_days_ending_today(courts, make_case):
    make_case(filed=TODAY)
    make_case(filed=TODAY - dt.timedelta(days=29), closed=TODAY - dt.timedelta(days=1), closure=ClosureType.COMPLETED)
    make_case(filed=TODAY - dt.timedelta(days=30))
    data = get("m10").compute(courts["宁"], NOW)
    filed, closed = data["series"][0]["values"], data["series"][1]["values"]
    assert len(data["categories"]) == 30 and data["categories"][-1] == "06-15"
    assert filed[0] == 1 and filed[-1] == 1 and sum(filed) == 2
    assert closed[-2] == 1 and sum(closed) == 1
