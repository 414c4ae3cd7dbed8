"""Lawyer investigation orders (律师调查令) as a workflow: the application, the court's decision, the order issued as
a record, its validity and the lawyer's return of findings (cases.lawyer_orders)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from execcenter.models.scoped import scoped_queryset

from ..choices import LawyerOrderStatus


class LawyerOrderApplication(models.Model):
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.CASCADE, related_name="lawyer_orders"
    )
    applicant = models.ForeignKey(
        "cases.Party", verbose_name=_("申请执行人"), on_delete=models.PROTECT, related_name="+"
    )
    lawyer_name = models.CharField(_("律师姓名"), max_length=64)
    licence_no = models.CharField(_("律师执业证号"), max_length=32)
    law_firm = models.CharField(_("律师事务所"), max_length=128)
    targets = models.CharField(_("调查对象及事项"), max_length=200)
    reason = models.CharField(_("申请理由"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=16, choices=LawyerOrderStatus.choices, default=LawyerOrderStatus.APPLIED, db_index=True
    )
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
    order_no = models.CharField(_("调查令编号"), max_length=64, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    measure = models.OneToOneField(
        "cases.Measure",
        verbose_name=_("执行措施"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lawyer_order",
    )
    findings = models.TextField(_("调查结果"), blank=True)
    returned_on = models.DateField(_("交回日期"), null=True, blank=True)

    objects = scoped_queryset("case__court").as_manager()

    class Meta:
        verbose_name = _("律师调查令申请")
        verbose_name_plural = _("律师调查令申请")
        ordering = ["-applied_at", "-id"]

    def __str__(self):
        return f"{self.lawyer_name} · {self.case_id}"
