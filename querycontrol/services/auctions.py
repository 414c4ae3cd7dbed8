"""Auctions tied to what the case sealed (网拍规定 2016; 查封规定 Art. 19/31).

An auction item is made from a seal (or freeze) of the same case that holds now: the court sells what it has
put under its control, nothing else. Money (deposits, payment balances, provident fund, insurance) is deducted,
never auctioned. When the item sells, the seal is released: an unfreeze order for the whole seal is filed and
submitted for approval (the four-eyes rule of every control order) by whoever recorded the sale; a withdrawn or
unsold item keeps its seal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from cases import auctions as case_auctions
from cases.choices import AuctionItemKind, AuctionItemStatus, AuctionOutcome
from execcenter.exceptions import DomainError, RuleViolation
from execcenter.policy import require
from querycontrol.choices import AssetKind, OrderKind
from querycontrol.models import AuctionLot, ControlOrder

from . import orders as order_services

if TYPE_CHECKING:
    import datetime as dt
    from decimal import Decimal

    from django.http import HttpRequest

    from cases.models import AuctionItem, AuctionRound, Case
    from execcenter.services import Actor

# Money is deducted (扣划), not sold.
NOT_AUCTIONED = {AssetKind.DEPOSIT, AssetKind.PAYMENT, AssetKind.PROVIDENT_FUND, AssetKind.INSURANCE}
ITEM_KIND = {
    AssetKind.REAL_ESTATE: AuctionItemKind.REAL_ESTATE,
    AssetKind.VEHICLE: AuctionItemKind.MOVABLE,
    AssetKind.SHIP: AuctionItemKind.MOVABLE,
    AssetKind.EQUITY: AuctionItemKind.OTHER_RIGHT,
    AssetKind.SECURITIES: AuctionItemKind.OTHER_RIGHT,
}


def auctionable(order: ControlOrder) -> bool:
    """Can this order's asset be put up for auction now? (holding seal/freeze of a non-money asset, not already
    on an item that is not withdrawn)."""
    return (
        order.is_holding
        and order.asset.kind not in NOT_AUCTIONED
        and not AuctionLot.objects.filter(order=order).exclude(item__status=AuctionItemStatus.WITHDRAWN).exists()
    )


@transaction.atomic
def item_from_control(
    actor: Actor,
    order: ControlOrder,
    *,
    name: str,
    appraisal_value: Decimal | str,
    appraised_on: dt.date,
    kind: str | None = None,
    case: Case | None = None,
    request: HttpRequest | None = None,
) -> AuctionItem:
    """Make an auction item of the asset that `order` (a holding seal or freeze) controls, in the order's case.

    name: lot name; appraisal_value: Decimal yuan > 0 (评估价); appraised_on: date; kind: cases AuctionItemKind,
    default from the asset's kind; case: when given, must be the order's case. Returns the cases.AuctionItem.
    Raises 404 (order out of scope), 403 (role), RuleViolation `not_holding` / `deduct_not_auction` /
    `already_auctioned` / `order_other_case`, and the item's own rules (cases.auctions.add_item).
    """
    require(actor, "order.read", order)
    order = ControlOrder.objects.select_for_update().select_related("asset", "case__court").get(pk=order.pk)
    require(actor, "auction.manage", order.case)
    if case is not None and case.pk != order.case_id:
        raise RuleViolation(_("该查封/冻结不属于本案 (the seal belongs to another case)"), code="order_other_case")
    if not order.is_holding:
        raise RuleViolation(
            _("只有正在生效的查封/冻结财产可以拍卖 (only a seal or freeze in force can be auctioned)"),
            code="not_holding",
        )
    if order.asset.kind in NOT_AUCTIONED:
        raise RuleViolation(
            _("资金类财产应扣划，不能拍卖 (money is deducted, not auctioned)"), code="deduct_not_auction"
        )
    if AuctionLot.objects.filter(order=order).exclude(item__status=AuctionItemStatus.WITHDRAWN).exists():
        raise RuleViolation(
            _("该财产已在拍卖中或已拍卖 (the asset is already up for auction)"), code="already_auctioned"
        )
    kind = kind or ITEM_KIND.get(order.asset.kind, AuctionItemKind.OTHER_RIGHT)
    item = case_auctions.add_item(
        order.case,
        name=name,
        kind=kind,
        appraisal_value=appraisal_value,
        appraised_on=appraised_on,
        actor=actor,
        request=request,
    )
    AuctionLot.objects.create(item=item, order=order)
    return item


def make_item(actor: Actor, case: Case, source: int | str, **fields: object) -> AuctionItem:
    """cases.hooks auction item maker: `source` is the id of the seal/freeze the item sells."""
    order = ControlOrder.objects.visible_to(actor).filter(pk=source).first()
    if order is None:
        raise DomainError(_("记录不存在 (not found)"), code="not_found", status=404)
    return item_from_control(actor, order, case=case, **fields)


def release_sold(
    rnd: AuctionRound, actor: Actor | None = None, request: HttpRequest | None = None
) -> ControlOrder | None:
    """cases.hooks auction listener: a sold item's seal is released by an unfreeze order filed and submitted for
    approval in the same transaction as the sale. Once per lot (the lot row is locked and remembers the order)."""
    if rnd.outcome != AuctionOutcome.SOLD:
        return None
    lot = AuctionLot.objects.select_for_update().select_related("order").filter(item_id=rnd.item_id).first()
    if lot is None or lot.release_order_id is not None or not lot.order.is_holding:
        return None
    release = order_services.file_order(actor, OrderKind.UNFREEZE, target=lot.order, request=request)
    AuctionLot.objects.filter(pk=lot.pk).update(release_order=release)
    return release
