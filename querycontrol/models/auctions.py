"""Auction lots: which seal (or freeze) of the case an auction item sells (网拍规定; 查封规定)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from execcenter.models.scoped import scoped_queryset


class AuctionLot(models.Model):
    """Ties a cases.AuctionItem to the holding control order over the asset it sells. When the item is sold the
    seal is released (`release_order`, an unfreeze order filed for approval); a withdrawn item keeps it."""

    item = models.OneToOneField(
        "cases.AuctionItem", verbose_name=_("拍品"), on_delete=models.PROTECT, related_name="lot"
    )
    order = models.ForeignKey(
        "querycontrol.ControlOrder",
        verbose_name=_("查封/冻结措施"),
        on_delete=models.PROTECT,
        related_name="auction_lots",
    )
    release_order = models.OneToOneField(
        "querycontrol.ControlOrder",
        verbose_name=_("解除查封措施"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="released_lot",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_queryset("order__court").as_manager()

    class Meta:
        verbose_name = _("拍卖标的")
        verbose_name_plural = _("拍卖标的")
        ordering = ["id"]
