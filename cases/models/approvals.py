import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from execcenter.models.scoped import scoped_queryset

from ..choices import ApprovalKind, ApprovalStatus


class ApprovalRequest(models.Model):
    """A payout, closure or deadline extension waiting for a second person's decision (four-eyes).

    `payload` holds what was asked, as JSON (amounts as strings of Decimal); the step itself is carried out only
    when an approver of the right role (执行局长; 院长 for extensions) other than the requester approves it.
    `court` is the case's court at the time of the request, so the approval queue is scoped without a join.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.CASCADE, related_name="approval_requests"
    )
    court = models.ForeignKey("execcenter.Court", verbose_name=_("法院"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("事项"), max_length=16, choices=ApprovalKind.choices)
    status = models.CharField(_("状态"), max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING)
    payload = models.JSONField(_("申请内容"), default=dict)
    reason = models.CharField(_("申请理由"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        "execcenter.Officer",
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        "execcenter.Officer",
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)

    objects = scoped_queryset("court").as_manager()

    class Meta:
        verbose_name = _("审批事项")
        verbose_name_plural = _("审批事项")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["court", "status"], name="approval_court_status")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.case_id} · {self.get_status_display()}"

    @property
    def is_pending(self):
        return self.status == ApprovalStatus.PENDING
