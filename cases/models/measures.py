"""Enforcement measures: credit punishment, coercive measures, orders and reward notices, each with dates
and a state. The rules that set and move them live in cases.measures."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from execcenter.models.scoped import scoped_queryset

from ..choices import DishonestGround, MeasureKind, MeasureStatus
from .core import MoneyField


class Measure(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(_("措施"), max_length=32, choices=MeasureKind.choices, db_index=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.ACTIVE, db_index=True
    )
    # Who the measure is against (the respondent); a lawyer investigation order names the applicant's lawyer instead.
    party = models.ForeignKey(
        "cases.Party", verbose_name=_("对象"), null=True, blank=True, on_delete=models.PROTECT, related_name="measures"
    )
    legal_ground = models.CharField(_("法律依据/失信情形"), max_length=32, choices=DishonestGround.choices, blank=True)
    document_no = models.CharField(_("决定书文号"), max_length=64, blank=True)
    decided_on = models.DateField(_("决定日期"))
    starts_on = models.DateField(_("起始日期"))
    ends_on = models.DateField(_("届满日期"), null=True, blank=True)
    extension_years = models.PositiveSmallIntegerField(_("延长年数"), default=0)
    amount = MoneyField(_("金额（罚款/悬赏）"), null=True, blank=True)
    days = models.PositiveSmallIntegerField(_("天数（拘留）"), null=True, blank=True)
    holder = models.CharField(_("持令人（律师）"), max_length=64, blank=True)
    performed_on = models.DateField(_("履行完毕日期"), null=True, blank=True)
    # 失信规定 Art. 10: removed within 3 working days once the obligation is performed.
    removal_due = models.DateField(_("应删除日期"), null=True, blank=True, db_index=True)
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_queryset("case__court").as_manager()

    class Meta:
        verbose_name = _("执行措施")
        verbose_name_plural = _("执行措施")
        ordering = ["decided_on", "id"]
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.case_id}"
