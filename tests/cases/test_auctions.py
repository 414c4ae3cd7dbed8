"""网拍规定 rules and the deal / premium rates against hand-computed numbers."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cases import auctions
from cases.choices import AuctionItemStatus, AuctionOutcome, CaseStatus
from cases.models import AuctionItem, AuctionRound
from execcenter.exceptions import InvalidTransition, RuleViolation
from tests.cases.conftest import case_in

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = dt.date(2024, 6, 3)


def at(day, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def house(courts):
    case = case_in(CaseStatus.DISPOSING)
    return auctions.add_item(
        case, name="银川市西夏区某小区住宅", kind="real_estate", appraisal_value="1000000.00", appraised_on=TODAY
    )


def first_round(
    item, start="700000.00", deposit="100000.00", announced=TODAY, starts=TODAY + dt.timedelta(days=30), hours=24
):
    return auctions.list_round(
        item,
        start_price=start,
        deposit=deposit,
        announced_on=announced,
        starts_at=at(starts),
        ends_at=at(starts) + dt.timedelta(hours=hours),
    )


def test_first_round_may_start_at_seventy_percent_of_appraisal_not_below(house):
    with pytest.raises(RuleViolation) as exc:
        first_round(house, start="699999.99", deposit="100000.00")
    assert exc.value.code == "start_price_too_low"
    rnd = first_round(house)
    assert rnd.round_no == 1
    assert AuctionItem.objects.get(pk=house.pk).status == AuctionItemStatus.LISTED


def test_real_estate_needs_thirty_days_notice_and_movables_fifteen(house):
    with pytest.raises(RuleViolation) as exc:
        first_round(house, starts=TODAY + dt.timedelta(days=29))
    assert exc.value.code == "notice_too_short"
    car = auctions.add_item(
        house.case, name="宁A12345 小型轿车", kind="movable", appraisal_value="100000.00", appraised_on=TODAY
    )
    first_round(car, start="70000.00", deposit="7000.00", starts=TODAY + dt.timedelta(days=15))


@pytest.mark.parametrize(
    "deposit, ok", [("34999.99", False), ("35000.00", True), ("140000.00", True), ("140000.01", False)]
)
def test_deposit_is_five_to_twenty_percent_of_start_price(house, deposit, ok):
    if ok:
        first_round(house, deposit=deposit)
    else:
        with pytest.raises(RuleViolation):
            first_round(house, deposit=deposit)


def test_bidding_lasts_at_least_24_hours(house):
    with pytest.raises(RuleViolation) as exc:
        first_round(house, hours=23)
    assert exc.value.code == "bidding_too_short"


def test_after_a_failed_round_the_next_is_within_30_days_and_at_most_20_percent_cheaper(house):
    rnd = first_round(house)
    failed_on = TODAY + dt.timedelta(days=31)
    auctions.conclude_round(rnd, AuctionOutcome.UNSOLD, on=failed_on)
    assert AuctionItem.objects.get(pk=house.pk).status == AuctionItemStatus.UNSOLD
    too_deep = dict(
        start_price="559999.99",
        deposit="60000.00",
        announced_on=failed_on,
        starts_at=at(failed_on + dt.timedelta(days=20)),
        ends_at=at(failed_on + dt.timedelta(days=21)),
    )
    with pytest.raises(RuleViolation) as exc:
        auctions.list_round(house, **too_deep)
    assert exc.value.code == "price_cut_too_deep"
    too_late = dict(
        too_deep,
        start_price="560000.00",
        starts_at=at(failed_on + dt.timedelta(days=31)),
        ends_at=at(failed_on + dt.timedelta(days=32)),
    )
    with pytest.raises(RuleViolation) as exc:
        auctions.list_round(house, **too_late)
    assert exc.value.code == "next_round_too_late"
    short_notice = dict(
        too_late, starts_at=at(failed_on + dt.timedelta(days=14)), ends_at=at(failed_on + dt.timedelta(days=15))
    )
    with pytest.raises(RuleViolation) as exc:
        auctions.list_round(house, **short_notice)  # re-auction of real estate: 15 days' notice (Art. 26)
    assert exc.value.code == "notice_too_short"
    ok = dict(too_late, starts_at=at(failed_on + dt.timedelta(days=30)), ends_at=at(failed_on + dt.timedelta(days=31)))
    assert auctions.list_round(house, **ok).round_no == 2


def test_a_listed_or_sold_item_cannot_be_listed_again_and_a_round_concludes_once(house):
    rnd = first_round(house)
    with pytest.raises(InvalidTransition):
        first_round(house)
    with pytest.raises(RuleViolation):
        auctions.conclude_round(rnd, AuctionOutcome.SOLD, deal_price="699999.00")
    auctions.conclude_round(rnd, AuctionOutcome.SOLD, deal_price="812000.00")
    with pytest.raises(InvalidTransition):
        auctions.conclude_round(rnd, AuctionOutcome.UNSOLD)
    with pytest.raises(InvalidTransition):
        first_round(house)


@pytest.mark.parametrize(
    "outcome, status",
    [(AuctionOutcome.WITHDRAWN, AuctionItemStatus.WITHDRAWN), (AuctionOutcome.SUSPENDED, AuctionItemStatus.SUSPENDED)],
)
def test_withdrawn_and_suspended_outcomes_move_the_item(house, outcome, status):
    auctions.conclude_round(first_round(house), outcome)
    assert AuctionItem.objects.get(pk=house.pk).status == status


def test_deal_rate_and_premium_rate_match_hand_computed_numbers(courts):
    case = case_in(CaseStatus.DISPOSING)

    def lot(start, outcome, deal=None):
        item = AuctionItem.objects.create(
            case=case, name="lot", kind="movable", appraisal_value=D(start) * 2, appraised_on=TODAY
        )
        return AuctionRound.objects.create(
            item=item,
            round_no=1,
            start_price=D(start),
            deposit=D(start) / 10,
            announced_on=TODAY,
            starts_at=at(TODAY),
            ends_at=at(TODAY + dt.timedelta(days=1)),
            outcome=outcome,
            deal_price=D(deal) if deal else None,
        )

    lot("100000.00", AuctionOutcome.SOLD, "130000.00")
    lot("200000.00", AuctionOutcome.SOLD, "200000.00")
    lot("50000.00", AuctionOutcome.UNSOLD)
    lot("80000.00", AuctionOutcome.WITHDRAWN)
    lot("90000.00", AuctionOutcome.SUSPENDED)
    lot("60000.00", AuctionOutcome.PENDING)
    rounds = AuctionRound.objects.all()
    # sold 2 of 3 concluded (withdrawn, suspended, pending do not count) = 0.6667
    assert auctions.deal_rate(rounds) == D("0.6667")
    # (30,000 + 0) / (100,000 + 200,000) = 0.1
    assert auctions.premium_rate(rounds) == D("0.1000")
    assert auctions.deal_rate(rounds.filter(outcome=AuctionOutcome.PENDING)) is None
    assert auctions.premium_rate(rounds.filter(outcome=AuctionOutcome.UNSOLD)) is None
