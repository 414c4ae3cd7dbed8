"""Cases that move between courts of the province: 提级执行, 指定执行, 委托执行 (cases.transfers)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from execcenter.models.scoped import ScopedQuerySet

from ..choices import TransferKind, TransferStatus


class CaseTransferQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        """A transfer is seen from both ends: by the courts that see the case and by the courts that see the receiving
        court (its approver must read the request before the case is theirs)."""
        from execcenter.scope import court_ids_for

        ids = court_ids_for(actor)
        if ids is None:
            return self
        return self.filter(models.Q(from_court__in=ids) | models.Q(to_court__in=ids))


class CaseTransfer(models.Model):
    """One request to move a case to another court, its decision by the receiving court, and what changed.

    The row is the history: the case's court and number before (`from_court`, `previous_number`) and after
    (`to_court`, `new_number`, empty when the case keeps its number)."""

    case = models.ForeignKey("cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="transfers")
    kind = models.CharField(_("移送类型"), max_length=16, choices=TransferKind.choices)
    from_court = models.ForeignKey(
        "execcenter.Court", verbose_name=_("原执行法院"), on_delete=models.PROTECT, related_name="+"
    )
    to_court = models.ForeignKey(
        "execcenter.Court", verbose_name=_("接收法院"), on_delete=models.PROTECT, related_name="+"
    )
    legal_basis = models.CharField(_("法律依据"), max_length=200)
    reason = models.CharField(_("理由"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=16, choices=TransferStatus.choices, default=TransferStatus.PENDING, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_by_label = models.CharField(_("申请人"), max_length=64)
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by_label = models.CharField(_("审批人"), max_length=64, blank=True)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)
    previous_number = models.CharField(_("原案号"), max_length=40)
    new_number = models.CharField(_("接收法院案号"), max_length=40, blank=True)

    objects = CaseTransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件移送")
        verbose_name_plural = _("案件移送")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One open request per case: a second one waits until the first is decided or withdrawn.
            models.UniqueConstraint(fields=["case"], condition=models.Q(status="pending"), name="one_pending_transfer"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.previous_number}"

    def policy_court_ids(self):
        """Both ends own the request (execcenter.policy: scope)."""
        return [self.from_court_id, self.to_court_id]
