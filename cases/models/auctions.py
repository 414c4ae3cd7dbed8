"""Online judicial auctions (《最高人民法院关于人民法院网络司法拍卖若干问题的规定》2016): items and their rounds."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from execcenter.models.scoped import scoped_queryset

from ..choices import AuctionItemKind, AuctionItemStatus, AuctionOutcome
from .core import MoneyField


class AuctionItem(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="auction_items")
    name = models.CharField(_("拍品名称"), max_length=128)
    kind = models.CharField(_("财产类别"), max_length=16, choices=AuctionItemKind.choices)
    appraisal_value = MoneyField(_("评估价"))
    appraised_on = models.DateField(_("评估日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=AuctionItemStatus.choices, default=AuctionItemStatus.PENDING, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_queryset("case__court").as_manager()

    class Meta:
        verbose_name = _("拍品")
        verbose_name_plural = _("拍品")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(appraisal_value__gt=0), name="auction_appraisal_positive")
        ]

    def __str__(self):
        return self.name


class AuctionRound(models.Model):
    """One listing of an item on the auction platform; a failed round is followed by a cheaper one."""

    item = models.ForeignKey(AuctionItem, on_delete=models.CASCADE, related_name="rounds")
    round_no = models.PositiveSmallIntegerField(_("拍卖轮次"))
    start_price = MoneyField(_("起拍价"))
    deposit = MoneyField(_("保证金"))
    announced_on = models.DateField(_("公告日期"))
    starts_at = models.DateTimeField(_("竞价开始"))
    ends_at = models.DateTimeField(_("竞价结束"))
    outcome = models.CharField(
        _("结果"), max_length=16, choices=AuctionOutcome.choices, default=AuctionOutcome.PENDING, db_index=True
    )
    deal_price = MoneyField(_("成交价"), null=True, blank=True)
    concluded_on = models.DateField(_("结束日期"), null=True, blank=True, db_index=True)

    objects = scoped_queryset("item__case__court").as_manager()

    class Meta:
        verbose_name = _("拍卖轮次")
        verbose_name_plural = _("拍卖轮次")
        ordering = ["item_id", "round_no"]
        constraints = [
            models.UniqueConstraint(fields=["item", "round_no"], name="uniq_auction_round"),
            models.CheckConstraint(condition=models.Q(start_price__gt=0), name="auction_start_positive"),
        ]
