"""Control orders (控制措施): freeze, renew, unfreeze, deduct, seal on found assets.

Every change of `status` is a compare-and-swap in querycontrol.services.orders; `uuid` is the
idempotency key sent to the institution, so a retried send never freezes or deducts twice.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from execcenter.models.scoped import ScopedQuerySet
from execcenter.money import MoneyField

from ..choices import CONTROL_KINDS, HOLDING_OUTCOMES, OrderKind, OrderOutcome, OrderStatus

# Orders that still count against the no-over-freezing limit (查封规定 Art. 19): on their way, or holding.
PENDING_STATUSES = [OrderStatus.DRAFT, OrderStatus.SUBMITTED, OrderStatus.APPROVED, OrderStatus.SENT]


class ControlOrderQuerySet(ScopedQuerySet):
    def controls(self):
        return self.filter(kind__in=CONTROL_KINDS)

    def holding(self):
        """Freezes / seals in force now (what deduct, renew and unfreeze may act on)."""
        return self.controls().filter(status=OrderStatus.DONE, outcome__in=HOLDING_OUTCOMES)

    def counting_against_limit(self):
        """Freezes / seals that hold value, wait in line for it, or are on their way to the institution."""
        return self.controls().filter(
            models.Q(status__in=PENDING_STATUSES)
            | models.Q(status=OrderStatus.DONE, outcome__in=[*HOLDING_OUTCOMES, OrderOutcome.QUEUED])
        )

    def awaiting_approval(self):
        return self.filter(status=OrderStatus.SUBMITTED)


class ControlOrder(models.Model):
    uuid = models.UUIDField(_("幂等键"), default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="control_orders"
    )
    court = models.ForeignKey(
        "execcenter.Court", verbose_name=_("执行法院"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("措施"), max_length=16, choices=OrderKind.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.DRAFT, db_index=True
    )
    outcome = models.CharField(_("执行结果"), max_length=20, choices=OrderOutcome.choices, blank=True)
    asset = models.ForeignKey(
        "querycontrol.FoundAsset", verbose_name=_("财产"), on_delete=models.PROTECT, related_name="orders"
    )
    institution = models.ForeignKey(
        "querycontrol.Institution", verbose_name=_("协助单位"), on_delete=models.PROTECT, related_name="orders"
    )
    respondent = models.ForeignKey(
        "cases.Party", verbose_name=_("被执行人"), on_delete=models.PROTECT, related_name="+"
    )
    # renew / unfreeze / deduct act on an earlier freeze or seal of the same case.
    target = models.ForeignKey(
        "self",
        verbose_name=_("原冻结/查封"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    requested_amount = MoneyField(_("申请金额"), default=0)
    # What the institution actually froze / deducted / released (partial freeze: less than requested).
    effective_amount = MoneyField(_("实际金额"), default=0)
    # Freezes / seals only: what still holds after later deductions and releases.
    held_amount = MoneyField(_("现冻结金额"), default=0)
    term_days = models.PositiveIntegerField(_("期限(天)"), null=True, blank=True)
    expires_on = models.DateField(_("到期日"), null=True, blank=True, db_index=True)
    queue_position = models.PositiveIntegerField(_("轮候顺位"), null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_by_label = models.CharField(_("承办人"), max_length=64)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by_label = models.CharField(_("审批人"), max_length=64, blank=True)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)
    document_no = models.CharField(_("文书编号"), max_length=64, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    institution_ref = models.CharField(_("协助单位回执号"), max_length=64, blank=True)
    message = models.CharField(_("协助单位反馈"), max_length=200, blank=True)
    last_error = models.CharField(_("错误信息"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ControlOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("控制措施")
        verbose_name_plural = _("控制措施")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(requested_amount__gte=0), name="order_requested_not_negative"),
            models.CheckConstraint(condition=models.Q(effective_amount__gte=0), name="order_effective_not_negative"),
            models.CheckConstraint(condition=models.Q(held_amount__gte=0), name="order_held_not_negative"),
            models.UniqueConstraint(
                fields=["document_no"], condition=~models.Q(document_no=""), name="uniq_order_document_no"
            ),
        ]
        indexes = [
            models.Index(fields=["court", "status", "-created_at"]),
            models.Index(fields=["case", "kind", "status"]),
            models.Index(fields=["institution", "asset", "status"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.asset.asset_ref} ({self.case.number})"

    @property
    def is_control(self):
        return self.kind in CONTROL_KINDS

    @property
    def is_holding(self):
        return self.is_control and self.status == OrderStatus.DONE and self.outcome in HOLDING_OUTCOMES
