"""Procedural records of a case: suspension periods, deadline extensions, property investigations and the
post-终本 re-query schedule. Each row is evidence the rules in cases.services read."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from execcenter.models.scoped import scoped_queryset
from execcenter.money import MoneyField

from ..choices import InvestigationMethod, RequeryStatus, SuspensionKind


class CaseSuspension(models.Model):
    """A period the case stood still (中止 / 和解). Its days are excluded from the statutory limit
    (《关于执行案件立案、结案若干问题的意见》 Art. 9 / 审限规定: 中止期间不计入)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="suspensions")
    kind = models.CharField(_("类型"), max_length=16, choices=SuspensionKind.choices)
    reason = models.CharField(_("原因"), max_length=200)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)

    objects = scoped_queryset("case__court").as_manager()

    class Meta:
        verbose_name = _("中止/和解期间")
        verbose_name_plural = _("中止/和解期间")
        ordering = ["started_on", "id"]
        constraints = [
            # At most one open period per case: a second suspend without a resume is a wrong state.
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(ended_on__isnull=True), name="one_open_suspension"
            ),
        ]

    @property
    def days(self):
        return (self.ended_on - self.started_on).days if self.ended_on else None


class DeadlineExtension(models.Model):
    """A president-approved extension of the statutory limit (审限延长须经本院院长批准)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveIntegerField(_("延长天数"))
    reason = models.CharField(_("理由"), max_length=200)
    approved_by = models.ForeignKey(
        "execcenter.Officer", verbose_name=_("批准人"), on_delete=models.PROTECT, related_name="+"
    )
    approval_document_no = models.CharField(_("审批文号"), max_length=64)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_on = models.DateField(_("批准日期"))

    objects = scoped_queryset("case__court").as_manager()

    class Meta:
        verbose_name = _("审限延长")
        verbose_name_plural = _("审限延长")
        ordering = ["approved_on", "id"]


class PropertyInvestigation(models.Model):
    """A property investigation done on the case. Until querycontrol registers its hook in cases.hooks,
    a `network` record with `exhausted` set is what answers 终本 condition 3."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="investigations")
    method = models.CharField(_("调查方式"), max_length=16, choices=InvestigationMethod.choices)
    done_on = models.DateField(_("调查日期"))
    exhausted = models.BooleanField(_("已穷尽调查措施"), default=False)
    found_assets = models.BooleanField(_("发现可供执行财产"), default=False)
    summary = models.CharField(_("调查结果"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = scoped_queryset("case__court").as_manager()

    class Meta:
        verbose_name = _("财产调查记录")
        verbose_name_plural = _("财产调查记录")
        ordering = ["done_on", "id"]


class RequerySchedule(models.Model):
    """After 终本 the network query is repeated every 6 months for 5 years (法〔2016〕373号 Art. 9)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="requeries")
    round_no = models.PositiveSmallIntegerField(_("轮次"))
    due_on = models.DateField(_("应查询日期"), db_index=True)
    status = models.CharField(_("状态"), max_length=16, choices=RequeryStatus.choices, default=RequeryStatus.DUE)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # The round's result as the network query reported it (querycontrol calls cases.closure.record_requery_result).
    found_count = models.PositiveIntegerField(_("发现可供执行财产数"), default=0)
    found_value = MoneyField(_("可供执行财产价值"), default=0)
    failed_count = models.PositiveIntegerField(_("未反馈机构数"), default=0)
    result = models.CharField(_("查询结果"), max_length=200, blank=True)

    objects = scoped_queryset("case__court").as_manager()

    class Meta:
        verbose_name = _("终本定期查询")
        verbose_name_plural = _("终本定期查询")
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "round_no"], name="uniq_requery_round")]
