"""Modules 21–23 (auctions), 26 (unclaimed money), 27–29 (credit punishment) against known rows."""

import datetime as dt
from decimal import Decimal

from cases.choices import AuctionItemKind, AuctionItemStatus, AuctionOutcome, MeasureKind, MeasureStatus
from cases.models import AuctionItem, AuctionRound, Measure, UnclaimedReceipt
from dashboards.registry import get

from .conftest import NOW, TODAY, at, kpis


def _item(case, status, appraised_on=dt.date(2025, 3, 1), value="100000.00"):
    return AuctionItem.objects.create(
        case=case,
        name="房产",
        kind=AuctionItemKind.REAL_ESTATE,
        appraisal_value=Decimal(value),
        appraised_on=appraised_on,
        status=status,
    )


def _round(item, no, outcome, start, deal=None, concluded=dt.date(2025, 5, 1)):
    return AuctionRound.objects.create(
        item=item,
        round_no=no,
        start_price=Decimal(start),
        deposit=Decimal("1000.00"),
        announced_on=(concluded or TODAY) - dt.timedelta(days=40),
        starts_at=at(2025, 4, 1),
        ends_at=at(2025, 4, 2),
        outcome=outcome,
        deal_price=Decimal(deal) if deal else None,
        concluded_on=concluded,
    )


def test_auction_rates_and_amounts_use_the_cases_apps_definitions(courts, make_case):
    case, other = make_case(), make_case(code="宁0424")
    sold = _item(case, AuctionItemStatus.SOLD)
    _round(sold, 1, AuctionOutcome.UNSOLD, "70000.00", concluded=dt.date(2025, 4, 1))
    _round(sold, 2, AuctionOutcome.SOLD, "56000.00", deal="61600.00", concluded=dt.date(2025, 6, 2))
    _round(_item(case, AuctionItemStatus.LISTED), 1, AuctionOutcome.PENDING, "80000.00", concluded=None)
    _round(
        _item(other, AuctionItemStatus.SOLD),
        1,
        AuctionOutcome.SOLD,
        "10000.00",
        deal="10000.00",
        concluded=dt.date(2025, 2, 1),
    )
    xixia = kpis(get("m21").compute(courts["宁0105"], NOW))
    # 1 sold of 2 concluded = 50%; premium (61600 − 56000) / 56000 = 10%.
    assert xixia == {"拍卖中": 1, "本年成交": 1, "本年流拍": 1, "成交率": "50.00", "溢价率": "10.00"}
    high = kpis(get("m21").compute(courts["宁"], NOW))
    # 2 of 3; premium 5600 / 66000 = 8.48%.
    assert high["成交率"] == "66.67" and high["溢价率"] == "8.48"
    amounts = kpis(get("m22").compute(courts["宁"], NOW))
    assert amounts == {"本年成交额": "71600.00", "本月成交额": "61600.00", "节省佣金": "3580.00"}


def test_stalled_items_flag_old_appraisals_and_late_relisting(courts, make_case):
    case = make_case()
    _item(case, AuctionItemStatus.PENDING, appraised_on=dt.date(2024, 5, 1))  # appraisal > 1 year
    late = _item(case, AuctionItemStatus.UNSOLD)
    _round(late, 1, AuctionOutcome.UNSOLD, "70000.00", concluded=TODAY - dt.timedelta(days=31))
    fresh = _item(case, AuctionItemStatus.UNSOLD)
    _round(fresh, 1, AuctionOutcome.UNSOLD, "70000.00", concluded=TODAY - dt.timedelta(days=10))
    assert kpis(get("m23").compute(courts["宁"], NOW)) == {"评估超期未处置": 1, "流拍逾30日未再拍": 1}


def test_unclaimed_money_counts_unmatched_receipts(courts, make_case):
    UnclaimedReceipt.objects.create(
        court=courts["宁0105"], amount=Decimal("500.00"), received_at=at(2025, 5, 1), bank_reference="b1"
    )
    UnclaimedReceipt.objects.create(
        court=courts["宁0105"], amount=Decimal("20.00"), received_at=at(2025, 6, 10), bank_reference="b2"
    )
    UnclaimedReceipt.objects.create(
        court=courts["宁0105"],
        amount=Decimal("9.00"),
        received_at=at(2025, 6, 10),
        bank_reference="b3",
        matched_case=make_case(),
        matched_at=NOW,
    )
    assert kpis(get("m26").compute(courts["宁01"], NOW)) == {"未认领笔数": 2, "未认领金额": "520.00", "超30日未认领": 1}
    assert kpis(get("m26").compute(courts["宁0424"], NOW))["未认领笔数"] == 0


def _measure(case, kind, status=MeasureStatus.ACTIVE, decided=dt.date(2025, 3, 1), **kw):
    return Measure.objects.create(case=case, kind=kind, status=status, decided_on=decided, starts_on=decided, **kw)


def test_credit_modules_count_listings_restrictions_and_coercive_measures(courts, make_case):
    case = make_case()
    _measure(case, MeasureKind.DISHONEST)
    _measure(case, MeasureKind.DISHONEST, decided=dt.date(2024, 3, 1), removal_due=TODAY - dt.timedelta(days=1))
    _measure(
        case,
        MeasureKind.DISHONEST,
        status=MeasureStatus.REMOVED,
        decided=dt.date(2024, 1, 1),
        ended_on=dt.date(2025, 2, 1),
    )
    _measure(case, MeasureKind.CONSUMPTION_RESTRICTION)
    _measure(
        case,
        MeasureKind.CONSUMPTION_RESTRICTION,
        status=MeasureStatus.REMOVED,
        decided=dt.date(2024, 1, 1),
        ended_on=dt.date(2025, 4, 1),
    )
    _measure(case, MeasureKind.DETENTION, status=MeasureStatus.COMPLETED, days=15)
    _measure(case, MeasureKind.FINE, status=MeasureStatus.COMPLETED, amount=Decimal("10000.00"))
    _measure(case, MeasureKind.FINE, status=MeasureStatus.COMPLETED, amount=Decimal("5000.00"))
    _measure(
        case, MeasureKind.FINE, status=MeasureStatus.COMPLETED, amount=Decimal("1.00"), decided=dt.date(2024, 6, 1)
    )
    assert kpis(get("m27").compute(courts["宁"], NOW)) == {"本年纳入": 1, "本年删除": 1, "名单在册": 2, "逾期未删除": 1}
    assert kpis(get("m28").compute(courts["宁"], NOW)) == {"限高在册": 1, "本年发布": 1, "本年解除": 1}
    coercive = get("m29").compute(courts["宁"], NOW)
    assert coercive["series"][0]["values"] == [1, 2, 0]
    assert kpis(coercive)["罚款金额"] == "15000.00"
