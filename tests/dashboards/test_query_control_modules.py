"""Modules 11, 12, 14–18 (查控) against known query, asset and order rows."""

import datetime as dt
from decimal import Decimal

from cases.models import Party
from dashboards.registry import get
from querycontrol.choices import (
    AssetKind,
    AssetTermClass,
    InstitutionKind,
    OrderKind,
    OrderOutcome,
    OrderStatus,
    QueryResultStatus,
    QueryStatus,
)
from querycontrol.models import ControlOrder, FoundAsset, Institution, QueryRequest, QueryResult
from tests.factories import PartyFactory

from .conftest import NOW, TODAY, at, kpis


def _institution(code, kind):
    return Institution.objects.create(code=code, name=code, kind=kind, asset_term_class=AssetTermClass.DEPOSIT)


def test_query_control_modules_count_todays_work_per_scope(courts, make_case):
    bank, house = _institution("B1", InstitutionKind.BANK), _institution("R1", InstitutionKind.REAL_ESTATE)
    case, other = make_case(), make_case(code="宁0424")
    p1, p2 = PartyFactory(), PartyFactory()
    req = QueryRequest.objects.create(
        case=case,
        court=case.court,
        purpose="查询",
        requested_by_label="张伟",
        status=QueryStatus.RUNNING,
        total=8,
        done=6,
        found=1,
    )
    done = QueryRequest.objects.create(
        case=other, court=other.court, purpose="查询", requested_by_label="马晓东", status=QueryStatus.COMPLETE
    )
    for inst, when, who in (
        (bank, at(2025, 6, 15, 9), p1),
        (house, at(2025, 6, 15, 9, 5), p1),
        (bank, at(2025, 6, 14, 9), p2),
    ):
        QueryResult.objects.create(
            request=req, respondent=who, institution=inst, status=QueryResultStatus.OK, answered_at=when
        )
    QueryResult.objects.create(
        request=done, respondent=p2, institution=bank, status=QueryResultStatus.OK, answered_at=at(2025, 6, 15, 8)
    )
    asset = FoundAsset.objects.create(
        request=req,
        case=case,
        court=case.court,
        respondent=p1,
        institution=bank,
        kind=AssetKind.DEPOSIT,
        asset_ref="6222",
        balance=Decimal("8000.00"),
        found_at=at(2025, 6, 15, 9),
    )

    def order(kind, outcome, requested, effective, completed, expires=None):
        return ControlOrder.objects.create(
            case=case,
            court=case.court,
            kind=kind,
            status=OrderStatus.DONE,
            outcome=outcome,
            asset=asset,
            institution=bank,
            respondent=p1,
            requested_amount=Decimal(requested),
            effective_amount=Decimal(effective),
            held_amount=Decimal(effective),
            completed_at=completed,
            expires_on=expires,
            filed_by_label="张伟",
        )

    order(
        OrderKind.FREEZE,
        OrderOutcome.PARTIALLY_FROZEN,
        "10000.00",
        "8000.00",
        at(2025, 6, 15, 9, 30),
        TODAY + dt.timedelta(days=5),
    )
    order(OrderKind.FREEZE, OrderOutcome.FROZEN, "100.00", "100.00", at(2025, 6, 1), TODAY + dt.timedelta(days=20))
    order(OrderKind.DEDUCT, OrderOutcome.DEDUCTED, "3000.00", "3000.00", at(2025, 6, 15, 10))
    order(OrderKind.DEDUCT, OrderOutcome.DEDUCTED, "500.00", "500.00", at(2025, 6, 2))

    volume = get("m11").compute(courts["宁"], NOW)
    assert kpis(volume) == {"今日查询反馈": 3} and volume["series"][0]["values"][:2] == [2, 1]
    assert kpis(get("m11").compute(courts["宁0105"], NOW)) == {"今日查询反馈": 2}
    live = get("m12").compute(courts["宁"], NOW)
    assert kpis(live) == {"进行中": 1, "总进度": "75.0"} and live["rows"] == [
        [case.number, case.court.short_name, "6/8", 1]
    ]
    assert kpis(get("m14").compute(courts["宁"], NOW)) == {
        "冻结笔数": 1,
        "申请冻结": "10000.00",
        "实际冻结": "8000.00",
        "部分冻结": 1,
        "轮候": 0,
    }
    assert kpis(get("m15").compute(courts["宁"], NOW)) == {
        "今日扣划": 1,
        "今日扣划金额": "3000.00",
        "本月扣划": 2,
        "本月扣划金额": "3500.00",
    }
    assert get("m16").compute(courts["宁"], NOW)["series"][0]["values"] == [1, 1, 2]
    assets = get("m17").compute(courts["宁"], NOW)
    assert kpis(assets) == {"本年查获财产": 1, "价值合计": "8000.00"}
    assert kpis(get("m18").compute(courts["宁"], NOW)) == {"本年被查询人": 3, "查有财产": 1, "命中率": "33.3"}
    assert Party.objects.count() >= 2
