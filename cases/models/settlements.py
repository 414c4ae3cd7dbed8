"""Settlements paid by instalments (分期履行的执行和解协议, 民事诉讼法 执行和解; 《最高人民法院关于执行和解若干问题的规定》)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from execcenter.models.scoped import scoped_queryset

from ..choices import SettlementStatus
from .core import MONEY


class SettlementPlan(models.Model):
    """The agreement: when it was made and what it promises. What is paid is derived from the case account
    (cases.settlements.schedule: receipts from the agreement on are matched to the instalments in order)."""

    case = models.ForeignKey("cases.Case", verbose_name=_("案件"), on_delete=models.CASCADE, related_name="settlements")
    agreed_on = models.DateField(_("和解日期"))
    total = models.DecimalField(_("和解金额"), **MONEY)
    status = models.CharField(
        _("状态"), max_length=16, choices=SettlementStatus.choices, default=SettlementStatus.ACTIVE, db_index=True
    )
    note = models.CharField(_("协议要点"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_queryset("case__court").as_manager()

    class Meta:
        verbose_name = _("执行和解协议")
        verbose_name_plural = _("执行和解协议")
        ordering = ["-agreed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=models.Q(status="active"), name="one_active_settlement"),
            models.CheckConstraint(condition=models.Q(total__gt=0), name="settlement_total_positive"),
        ]


class SettlementInstalment(models.Model):
    plan = models.ForeignKey(SettlementPlan, on_delete=models.CASCADE, related_name="instalments")
    seq = models.PositiveSmallIntegerField(_("期次"))
    due_on = models.DateField(_("应履行日期"))
    amount = models.DecimalField(_("应履行金额"), **MONEY)

    objects = scoped_queryset("plan__case__court").as_manager()

    class Meta:
        verbose_name = _("分期履行")
        verbose_name_plural = _("分期履行")
        ordering = ["plan", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "seq"], name="uniq_instalment_seq"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="instalment_amount_positive"),
        ]
