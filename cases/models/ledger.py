"""Supervision records: the long-pending ledger (长期未结案件台账) and unclaimed money (不明款)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from execcenter.models.scoped import ScopedQuerySet, scoped_queryset

from ..choices import LedgerStatus, LedgerStep
from .core import MoneyField


class LongPendingEntry(models.Model):
    """A case open > 12 months: who answers for it, who leads it (包案领导), why it is stuck and the plan."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="long_pending")
    responsible_officer = models.ForeignKey(
        "execcenter.Officer",
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    leading_official = models.ForeignKey(
        "execcenter.Officer",
        verbose_name=_("包案领导"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cause = models.CharField(_("未结原因"), max_length=200, blank=True)
    plan = models.TextField(_("化解计划"), blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=LedgerStatus.choices, default=LedgerStatus.OPEN, db_index=True
    )
    opened_on = models.DateField(_("列入台账日期"))
    resolved_on = models.DateField(_("销号日期"), null=True, blank=True)

    objects = scoped_queryset("case__court").as_manager()

    class Meta:
        verbose_name = _("长期未结案件台账")
        verbose_name_plural = _("长期未结案件台账")
        ordering = ["opened_on", "id"]


class LongPendingFollowUp(models.Model):
    entry = models.ForeignKey(LongPendingEntry, on_delete=models.CASCADE, related_name="follow_ups")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("督办人"), max_length=64)
    note = models.TextField(_("督办情况"))

    objects = scoped_queryset("entry__case__court").as_manager()

    class Meta:
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")
        ordering = ["at", "id"]


class LongPendingAction(models.Model):
    """The "123 method" (一清二查三防) on a ledger entry: 一清 items clearing the stock, 二查 findings of the
    check into why the case stalls, 三防 follow-ups with a due date (overdue ones are alerted by the scan)."""

    entry = models.ForeignKey(LongPendingEntry, on_delete=models.CASCADE, related_name="actions")
    step = models.CharField(_("环节"), max_length=16, choices=LedgerStep.choices)
    text = models.CharField(_("内容"), max_length=200)
    due_on = models.DateField(_("完成期限"), null=True, blank=True, db_index=True)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("登记人"), max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_queryset("entry__case__court").as_manager()

    class Meta:
        verbose_name = _("一清二查三防")
        verbose_name_plural = _("一清二查三防")
        ordering = ["step", "created_at", "id"]


class UnclaimedReceipt(models.Model):
    """Money that reached the court's account without an identifiable case (不明款) until matched to one."""

    court = models.ForeignKey("execcenter.Court", verbose_name=_("法院"), on_delete=models.PROTECT, related_name="+")
    amount = MoneyField(_("金额"))
    received_at = models.DateTimeField(_("到账时间"), db_index=True)
    payer_name = models.CharField(_("付款人"), max_length=128, blank=True)
    bank_reference = models.CharField(_("银行流水号"), max_length=80, unique=True)
    # What the payer wrote (附言/用途) and the statement it came from, so that a person can tell whose money it is.
    remark = models.CharField(_("附言"), max_length=200, blank=True)
    statement = models.ForeignKey(
        "cases.BankStatementImport",
        verbose_name=_("对账单导入"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="unclaimed",
    )
    matched_case = models.ForeignKey(
        "cases.Case", verbose_name=_("认领案件"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    matched_at = models.DateTimeField(_("认领时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("不明款")
        verbose_name_plural = _("不明款")
        ordering = ["received_at", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="unclaimed_amount_positive")]


class BankStatementImport(models.Model):
    """One import of the court account's bank statement (cases.statements): who imported which file, and what
    became of each line (booked to a case, parked as 不明款, or recognised as already imported)."""

    court = models.ForeignKey("execcenter.Court", verbose_name=_("法院"), on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(_("文件摘要"), max_length=64, db_index=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported_by_label = models.CharField(_("导入人"), max_length=64)
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True, db_index=True)
    lines = models.PositiveIntegerField(_("明细行数"), default=0)
    booked = models.PositiveIntegerField(_("入案款账户"), default=0)
    parked = models.PositiveIntegerField(_("转不明款"), default=0)
    duplicates = models.PositiveIntegerField(_("重复行"), default=0)
    booked_amount = MoneyField(_("入账金额"), default=0)
    parked_amount = MoneyField(_("不明款金额"), default=0)
    # [{"line": n, "outcome": "booked"|"parked"|"duplicate", "amount": "…", "case": "案号"|"", "payer": "…"}]
    report = models.JSONField(_("逐行结果"), default=list, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("银行对账单导入")
        verbose_name_plural = _("银行对账单导入")
        ordering = ["-imported_at", "-id"]

    def __str__(self):
        return self.file_name
