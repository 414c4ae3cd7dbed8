"""Online judicial auctions, to 《最高人民法院关于人民法院网络司法拍卖若干问题的规定》(2016, 网拍规定):

- Art. 10: the start price of the first auction is not below 70% of the appraisal;
- Art. 12: notice 15 days before for movables, 30 days for real estate and other property rights;
- Art. 17: the deposit is 5%–20% of the start price;
- Art. 20: bidding lasts at least 24 hours (5-minute extensions are the platform's);
- Art. 26: after a failed round the item is auctioned again within 30 days, with notice 7 days (movables) /
  15 days (real estate, other rights) before, and a start price cut of at most 20% of the previous one.

Rates (docs/design.md §3) are functions of a queryset of rounds, so the screens compute them on any scope:
deal rate = rounds sold ÷ rounds concluded (sold + unsold); premium rate = Σ(deal − start) ÷ Σ start over sold rounds.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from execcenter.exceptions import InvalidTransition, RuleViolation
from execcenter.money import MoneySum
from execcenter.policy import require
from execcenter.rounding import ratio, to_cents

from . import hooks
from .choices import AuctionItemKind, AuctionItemStatus, AuctionOutcome, CaseStatus, ReceiptSource
from .models import AuctionItem, AuctionRound, Case
from .services import _check_amount, _record, record_receipt

FIRST_ROUND_MIN_RATIO = Decimal("0.70")
NEXT_ROUND_MIN_RATIO = Decimal("0.80")  # a cut of at most 20%
NEXT_ROUND_WITHIN_DAYS = 30
DEPOSIT_MIN, DEPOSIT_MAX = Decimal("0.05"), Decimal("0.20")
MIN_BIDDING = dt.timedelta(hours=24)
NOTICE_DAYS = {AuctionItemKind.MOVABLE: 15, AuctionItemKind.REAL_ESTATE: 30, AuctionItemKind.OTHER_RIGHT: 30}
RENOTICE_DAYS = {AuctionItemKind.MOVABLE: 7, AuctionItemKind.REAL_ESTATE: 15, AuctionItemKind.OTHER_RIGHT: 15}
ITEM_STATUS_FOR = {
    AuctionOutcome.SOLD: AuctionItemStatus.SOLD,
    AuctionOutcome.UNSOLD: AuctionItemStatus.UNSOLD,
    AuctionOutcome.WITHDRAWN: AuctionItemStatus.WITHDRAWN,
    AuctionOutcome.SUSPENDED: AuctionItemStatus.SUSPENDED,
}


# Item states from which a (next) round may be listed (list_round).
RELISTABLE = (AuctionItemStatus.PENDING, AuctionItemStatus.UNSOLD, AuctionItemStatus.SUSPENDED)


def _money(value):
    return to_cents(value)


@transaction.atomic
def add_item(case, *, name, kind, appraisal_value, appraised_on, actor=None, request=None):
    require(actor, "auction.manage", case)
    case = Case.objects.select_related("court").get(pk=case.pk)
    if case.status == CaseStatus.CLOSED:
        raise InvalidTransition(_("已结案件不能新增拍品 (the case is closed)"), code="case_closed")
    if kind not in AuctionItemKind.values:
        raise RuleViolation(_("财产类别无效 (invalid item kind)"), code="invalid_kind")
    appraisal_value = _check_amount(appraisal_value)
    item = AuctionItem.objects.create(
        case=case, name=name, kind=kind, appraisal_value=appraisal_value, appraised_on=appraised_on
    )
    _record(
        case,
        "auction",
        _("新增拍品：%(n)s（评估价 %(v)s 元）") % {"n": name, "v": appraisal_value},
        actor,
        "auction.item",
        request=request,
        obj=item,
        details={"item": item.pk},
    )
    return item


def check_round(item, previous, start_price, deposit, announced_on, starts_at, ends_at):
    """Every 网拍规定 rule for a new round; raises RuleViolation naming the broken one."""
    if previous is None:
        floor = _money(item.appraisal_value * FIRST_ROUND_MIN_RATIO)
        if start_price < floor:
            raise RuleViolation(
                _("首次拍卖起拍价不得低于评估价的70%%（最低 %(f)s 元） (start ≥ 70%% of appraisal, Art. 10)")
                % {"f": floor},
                code="start_price_too_low",
            )
        notice = NOTICE_DAYS[item.kind]
    else:
        floor = _money(previous.start_price * NEXT_ROUND_MIN_RATIO)
        if start_price < floor:
            raise RuleViolation(
                _("再次拍卖起拍价降幅不得超过前次起拍价的20%%（最低 %(f)s 元） (cut ≤ 20%%, Art. 26)") % {"f": floor},
                code="price_cut_too_deep",
            )
        latest = previous.concluded_on + dt.timedelta(days=NEXT_ROUND_WITHIN_DAYS)
        if timezone.localdate(starts_at) > latest:
            raise RuleViolation(
                _("流拍后应在30日内再次拍卖（最迟 %(d)s） (next round within 30 days, Art. 26)") % {"d": latest},
                code="next_round_too_late",
            )
        notice = RENOTICE_DAYS[item.kind]
    if (timezone.localdate(starts_at) - announced_on).days < notice:
        raise RuleViolation(
            _("拍卖公告期不足 %(n)s 日 (notice period too short, Art. 12/26)") % {"n": notice}, code="notice_too_short"
        )
    if not _money(start_price * DEPOSIT_MIN) <= deposit <= _money(start_price * DEPOSIT_MAX):
        raise RuleViolation(
            _("保证金应为起拍价的5%%至20%% (deposit 5–20%% of start price, Art. 17)"), code="deposit_out_of_range"
        )
    if ends_at - starts_at < MIN_BIDDING:
        raise RuleViolation(_("竞价时间不得少于24小时 (bidding ≥ 24 hours, Art. 20)"), code="bidding_too_short")


@transaction.atomic
def list_round(item, *, start_price, deposit, announced_on, starts_at, ends_at, actor=None, request=None):
    """Put the item up (again). A next round follows only a failed (unsold) or suspended one."""
    require(actor, "auction.manage", item)
    item = AuctionItem.objects.select_for_update().select_related("case__court").get(pk=item.pk)
    if item.case.status == CaseStatus.CLOSED:
        raise InvalidTransition(_("已结案件不能拍卖 (the case is closed)"), code="case_closed")
    if item.status not in RELISTABLE:
        raise InvalidTransition(
            _("拍品当前状态为「%(s)s」，不能再次上拍 (not allowed in this state)") % {"s": item.get_status_display()},
            code="invalid_transition",
        )
    start_price, deposit = _check_amount(start_price), _check_amount(deposit)
    rounds = list(item.rounds.order_by("round_no"))
    # The 20% / 30-day rules run from the last failed round; a suspended round is resumed at its own price floor.
    failed = [r for r in rounds if r.outcome == AuctionOutcome.UNSOLD]
    check_round(item, failed[-1] if failed else None, start_price, deposit, announced_on, starts_at, ends_at)
    rnd = AuctionRound.objects.create(
        item=item,
        round_no=len(rounds) + 1,
        start_price=start_price,
        deposit=deposit,
        announced_on=announced_on,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    AuctionItem.objects.filter(pk=item.pk).update(status=AuctionItemStatus.LISTED)
    _record(
        item.case,
        "auction",
        _("%(n)s 第%(r)s次拍卖，起拍价 %(p)s 元") % {"n": item.name, "r": rnd.round_no, "p": start_price},
        actor,
        "auction.round",
        request=request,
        obj=rnd,
        details={"round": rnd.pk, "start_price": str(start_price)},
    )
    return rnd


@transaction.atomic
def conclude_round(rnd, outcome, *, deal_price=None, on=None, actor=None, request=None):
    """Record the result of a round (sold with its deal price, unsold, withdrawn, suspended). A sale books the
    deal price into the case account; the registered listeners (querycontrol) release the sold asset's seal."""
    require(actor, "auction.manage", rnd)
    rnd = AuctionRound.objects.select_for_update().select_related("item__case__court").get(pk=rnd.pk)
    if rnd.outcome != AuctionOutcome.PENDING:
        raise InvalidTransition(
            _("本轮拍卖已有结果（%(o)s） (the round has concluded)") % {"o": rnd.get_outcome_display()},
            code="round_concluded",
        )
    if outcome not in ITEM_STATUS_FOR:
        raise RuleViolation(_("拍卖结果无效 (invalid outcome)"), code="invalid_outcome")
    if outcome == AuctionOutcome.SOLD:
        deal_price = _check_amount(deal_price if deal_price is not None else 0)
        if deal_price < rnd.start_price:
            raise RuleViolation(_("成交价不得低于起拍价 (deal price below start price)"), code="deal_below_start")
    else:
        deal_price = None
    on = on or timezone.localdate()
    AuctionRound.objects.filter(pk=rnd.pk, outcome=AuctionOutcome.PENDING).update(
        outcome=outcome, deal_price=deal_price, concluded_on=on
    )
    AuctionItem.objects.filter(pk=rnd.item_id).update(status=ITEM_STATUS_FOR[outcome])
    rnd.outcome, rnd.deal_price, rnd.concluded_on = outcome, deal_price, on
    summary = _("%(n)s 第%(r)s次拍卖：%(o)s") % {"n": rnd.item.name, "r": rnd.round_no, "o": rnd.get_outcome_display()}
    if deal_price is not None:
        summary += _("，成交价 %(p)s 元") % {"p": deal_price}
    _record(
        rnd.item.case,
        "auction",
        summary,
        actor,
        "auction.conclude",
        request=request,
        obj=rnd,
        details={
            "round": rnd.pk,
            "outcome": outcome,
            "deal_price": str(deal_price) if deal_price is not None else None,
        },
    )
    if deal_price is not None:
        # The deal price is the case's money (一案一账户), booked once per round: reference "auction:<round id>".
        at = timezone.now() if on == timezone.localdate() else timezone.make_aware(dt.datetime.combine(on, dt.time.min))
        record_receipt(
            rnd.item.case,
            deal_price,
            ReceiptSource.AUCTION,
            reference=f"auction:{rnd.pk}",
            actor=actor,
            request=request,
            received_at=at,
            note=_("%(n)s 拍卖成交") % {"n": rnd.item.name},
        )
    # querycontrol releases the seal of a sold item (cases.hooks: this app does not know about seals).
    hooks.auction_concluded(rnd, actor=actor, request=request)
    return rnd


def totals_aggregates():
    """The counts and sums the rates are made of, as aggregates over AuctionRound rows. Additive: the totals of
    several courts' rounds are the sums of each court's (the screen groups them by court once, module 21)."""
    sold = Q(outcome=AuctionOutcome.SOLD)
    return {
        "sold": Count("id", filter=sold),
        "unsold": Count("id", filter=Q(outcome=AuctionOutcome.UNSOLD)),
        "deal_total": MoneySum("deal_price", filter=sold),
        "start_total": MoneySum("start_price", filter=sold),
        "premium_total": MoneySum(F("deal_price") - F("start_price"), filter=sold),
    }


def auction_totals(rounds):
    """One aggregate over a queryset of AuctionRound: counts and sums the rates are made of."""
    return rounds.aggregate(**totals_aggregates())


def deal_rate_of(t):
    """Rounds sold ÷ rounds concluded (sold + unsold) of auction totals `t`; None when nothing concluded."""
    return ratio(t["sold"], t["sold"] + t["unsold"], 4)


def premium_rate_of(t):
    """Σ(deal price − start price) ÷ Σ start price over the sold rounds of totals `t`; None when nothing sold."""
    if not t["sold"]:
        return None
    return ratio(t["premium_total"], t["start_total"], 4)


def deal_rate(rounds):
    """Rounds sold ÷ rounds concluded (sold + unsold); None when nothing concluded. Withdrawn and
    suspended rounds never concluded, so they count in neither."""
    return deal_rate_of(auction_totals(rounds))


def premium_rate(rounds):
    """Σ(deal price − start price) ÷ Σ start price over sold rounds; None when nothing sold."""
    return premium_rate_of(auction_totals(rounds))
