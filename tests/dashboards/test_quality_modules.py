"""Modules 30–35: the command app's indicator definitions shown per scope (figures by hand)."""

import datetime as dt
from decimal import Decimal

from cases.choices import ClosureType
from cases.models import Case, RequerySchedule
from command.models import Petition
from dashboards.registry import Context, get

from .conftest import NOW, kpis


def _closed(make_case, code, closure, recovered="0.00"):
    case = make_case(code=code, filed=dt.date(2025, 1, 5), closed=dt.date(2025, 5, 1), closure=closure)
    Case.objects.filter(pk=case.pk).update(recovered_amount=Decimal(recovered))
    return case


def test_first_execution_actual_closure_and_recovery_rates(courts, make_case):
    _closed(make_case, "宁0105", ClosureType.COMPLETED, "100000.00")
    _closed(make_case, "宁0105", ClosureType.TERMINATED_THIS_ROUND)
    _closed(make_case, "宁0424", ClosureType.TERMINATED)
    _closed(make_case, "宁0424", ClosureType.WITHDRAWN)
    assert kpis(get("m31").compute(courts["宁0105"], NOW)) == {"实际执结率": "50.00", "分子": "1", "分母": "2"}
    assert kpis(get("m31").compute(courts["宁"], NOW))["分母"] == "4"
    # 100,000 recovered of 400,000 applied (4 closed cases × 100,000) = 25%.
    assert kpis(get("m32").compute(courts["宁"], NOW))["实际执行到位率"] == "25.00"


def test_ranking_lists_children_and_a_basic_court_sees_its_rank(courts, make_case):
    _closed(make_case, "宁0105", ClosureType.COMPLETED)
    _closed(make_case, "宁0424", ClosureType.TERMINATED_THIS_ROUND)
    high = get("m34").compute(courts["宁"], NOW)
    assert high["rows"][0][:2] == [1, courts["宁01"].short_name] and high["rows"][1][:2] == [
        2,
        courts["宁04"].short_name,
    ]
    assert kpis(get("m34").compute(courts["宁0105"], NOW)) == {"首执实际执结率": "100.00", "全区同级排名": 1}
    ctx = Context(NOW)
    module = get("m34")
    assert ctx.finish(module, module.gather(ctx), courts["宁0424"]) == get("m34").compute(courts["宁0424"], NOW)


def test_terminated_requery_due_and_petitions(courts, make_case):
    case = _closed(make_case, "宁0105", ClosureType.TERMINATED_THIS_ROUND)
    RequerySchedule.objects.create(case=case, round_no=1, due_on=dt.date(2025, 6, 1))
    RequerySchedule.objects.create(case=case, round_no=2, due_on=dt.date(2025, 12, 1))
    assert kpis(get("m33").compute(courts["宁"], NOW))["待定期查询"] == 1
    assert kpis(get("m33").compute(courts["宁"], NOW))["本年已定期查询"] == 0


def test_module_33_counts_the_requery_rounds_that_ran_this_year_and_what_they_found(courts, make_case):
    case = _closed(make_case, "宁0105", ClosureType.TERMINATED_THIS_ROUND)
    other = _closed(make_case, "宁0424", ClosureType.TERMINATED_THIS_ROUND)
    at = dt.datetime(2025, 3, 1, 9, 0, tzinfo=NOW.tzinfo)
    RequerySchedule.objects.create(
        case=case, round_no=1, due_on=dt.date(2025, 2, 1), status="done", done_at=at, found_count=2
    )
    RequerySchedule.objects.create(case=other, round_no=1, due_on=dt.date(2025, 2, 1), status="done", done_at=at)
    # Last year's round and a round still running are not "ran this year".
    RequerySchedule.objects.create(
        case=other,
        round_no=2,
        due_on=dt.date(2024, 8, 1),
        status="done",
        done_at=dt.datetime(2024, 12, 31, 23, 0, tzinfo=NOW.tzinfo),
    )
    RequerySchedule.objects.create(case=case, round_no=2, due_on=dt.date(2025, 6, 1), status="running")
    province = kpis(get("m33").compute(courts["宁"], NOW))
    assert (province["本年已定期查询"], province["查询发现财产"], province["待定期查询"]) == (2, 1, 0)
    xixia = kpis(get("m33").compute(courts["宁0105"], NOW))
    assert (xixia["本年已定期查询"], xixia["查询发现财产"]) == (1, 1)
    Petition.objects.create(
        court=courts["宁0105"],
        petitioner="甲",
        subject="催办",
        received_on=dt.date(2025, 3, 1),
        due_on=dt.date(2025, 4, 1),
        status="closed",
        closed_on=dt.date(2025, 3, 20),
    )
    Petition.objects.create(
        court=courts["宁0105"],
        petitioner="乙",
        subject="催办",
        received_on=dt.date(2025, 5, 1),
        due_on=dt.date(2025, 6, 1),
    )
    assert kpis(get("m35").compute(courts["宁01"], NOW)) == {
        "信访办结率": "50.00",
        "本年受理": "2",
        "本年办结": "1",
        "未办结": 1,
    }
    gauge = get("m30").compute(courts["宁"], NOW)["items"]
    assert [g["label"] for g in gauge][2] == "执行信访办结率" and gauge[2]["value"] == "50.00"
