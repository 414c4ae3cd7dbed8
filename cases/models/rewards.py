"""Reward notices (悬赏公告) as a workflow (cases.rewards): the applicant's application and advance, the court's
decision and the published notice, the leads received (财产线索), their check, rewards paid from the advance and the
refund of what is left (《最高人民法院关于民事执行中财产调查若干问题的规定》Art. 21–24).

The advance is the applicant's money held for this purpose only: it lives in its own ledger (RewardEntry), never in
the case account (MoneyEntry), so recovered-money figures, payout clocks and the screens never count it. The notice
row keeps running totals (advanced, paid, refunded) that change only under its row lock together with a ledger
line, and a check constraint keeps paid + refunded ≤ advanced.
"""

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from execcenter.models.scoped import scoped_queryset
from execcenter.money import MoneyField

from ..choices import LeadChannel, RewardEntryKind, RewardLeadStatus, RewardNoticeStatus

ZERO = Decimal("0.00")
DECISION_DAYS = dt.timedelta(days=10)  # Art. 21: 十日内决定是否准许


class RewardNotice(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.CASCADE, related_name="reward_notices"
    )
    applicant = models.ForeignKey(
        "cases.Party", verbose_name=_("申请执行人"), on_delete=models.PROTECT, related_name="+"
    )
    # Art. 21 (一): 悬赏金的数额. The most the notice promises over all leads; the applicant advances at least this.
    reward_amount = MoneyField(_("悬赏金额"))
    property_sought = models.CharField(_("悬赏查找的财产"), max_length=200)
    channels = models.CharField(_("发布方式"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=16, choices=RewardNoticeStatus.choices, default=RewardNoticeStatus.APPLIED, db_index=True
    )
    advanced = MoneyField(_("已预交"), default=ZERO)
    paid = MoneyField(_("已发放悬赏金"), default=ZERO)
    refunded = MoneyField(_("已退还"), default=ZERO)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(_("登记人"), max_length=64)
    applied_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by_label = models.CharField(_("审批人"), max_length=64, blank=True)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)
    notice_no = models.CharField(_("公告编号"), max_length=64, blank=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    measure = models.OneToOneField(
        "cases.Measure",
        verbose_name=_("执行措施"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reward_notice",
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    closed_by_label = models.CharField(_("结束人"), max_length=64, blank=True)
    close_note = models.CharField(_("结束说明"), max_length=200, blank=True)

    objects = scoped_queryset("case__court").as_manager()

    class Meta:
        verbose_name = _("悬赏公告")
        verbose_name_plural = _("悬赏公告")
        ordering = ["-applied_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(reward_amount__gt=0), name="reward_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(advanced__gte=models.F("paid") + models.F("refunded")),
                name="reward_never_more_out_than_in",
            ),
        ]

    def __str__(self):
        return f"{self.notice_no or self.pk} · {self.case_id}"

    @property
    def decision_due(self):
        """Art. 21: the court decides within 10 days of receiving the written application (local date)."""
        from django.utils import timezone

        return timezone.localdate(self.applied_at) + DECISION_DAYS if self.applied_at else None

    @property
    def decision_overdue(self):
        from django.utils import timezone

        return self.status == RewardNoticeStatus.APPLIED and timezone.localdate() > self.decision_due

    @property
    def balance(self):
        """Advance not yet paid out or refunded (yuan)."""
        return self.advanced - self.paid - self.refunded


class RewardLead(models.Model):
    """A lead (财产线索) given in answer to a notice, registered by the court's staff in the order received
    (Art. 23). The informant's identity is personal data: masked for roles that do not need it, never published."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    notice = models.ForeignKey(RewardNotice, verbose_name=_("悬赏公告"), on_delete=models.CASCADE, related_name="leads")
    seq = models.PositiveIntegerField(_("登记顺序"))
    received_at = models.DateTimeField(_("提供时间"))
    channel = models.CharField(_("来源渠道"), max_length=16, choices=LeadChannel.choices)
    informant_name = models.CharField(_("线索提供人"), max_length=64)
    informant_id_number = models.CharField(_("提供人身份证号"), max_length=18)
    informant_phone = models.CharField(_("提供人电话"), max_length=20)
    content = models.CharField(_("线索内容"), max_length=500)
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("与先登记线索相同"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Art. 24: no reward for the applicant's agent, a party, or anyone obliged to report the property.
    excluded_reason = models.CharField(_("不予悬赏的情形"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=RewardLeadStatus.choices, default=RewardLeadStatus.RECEIVED, db_index=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    check_note = models.CharField(_("核查情况"), max_length=200, blank=True)
    checked_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    checked_by_label = models.CharField(_("核查人"), max_length=64, blank=True)
    realised_amount = MoneyField(_("因该线索实现的债权"), null=True, blank=True)
    reward = MoneyField(_("悬赏金"), null=True, blank=True)
    reward_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reward_requested_by_label = models.CharField(_("申请发放人"), max_length=64, blank=True)
    reward_decided_by_label = models.CharField(_("审批人"), max_length=64, blank=True)
    reward_decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    reward_note = models.CharField(_("审批意见"), max_length=200, blank=True)

    objects = scoped_queryset("notice__case__court").as_manager()

    class Meta:
        verbose_name = _("悬赏线索")
        verbose_name_plural = _("悬赏线索")
        ordering = ["notice", "seq"]
        constraints = [models.UniqueConstraint(fields=["notice", "seq"], name="uniq_reward_lead_seq")]

    def __str__(self):
        return f"{self.notice_id}#{self.seq}"

    @property
    def case(self):
        # The policy finds a record's court through its case (execcenter.policy.court_id_of).
        return self.notice.case


class RewardEntry(models.Model):
    """One line of a notice's advance ledger: the applicant's advance in, a reward out, the remainder refunded.
    `reference` makes each step book once (a repeated request returns the first line)."""

    notice = models.ForeignKey(
        RewardNotice, verbose_name=_("悬赏公告"), on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(_("类别"), max_length=8, choices=RewardEntryKind.choices)
    amount = MoneyField(_("金额"))
    lead = models.ForeignKey(
        RewardLead, verbose_name=_("线索"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    counterparty = models.CharField(_("付款人/收款人"), max_length=64)
    reference = models.CharField(_("业务编号"), max_length=80, unique=True)
    occurred_at = models.DateTimeField(_("发生时间"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = scoped_queryset("notice__case__court").as_manager()

    class Meta:
        verbose_name = _("悬赏金流水")
        verbose_name_plural = _("悬赏金流水")
        ordering = ["occurred_at", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="reward_entry_positive")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"

    @property
    def case(self):
        return self.notice.case
