from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from execcenter.models.scoped import ScopedQuerySet, scoped_queryset
from execcenter.money import MoneyField

from ..choices import OperationStatus


class OperationQuerySet(ScopedQuerySet):
    """An operation is visible to the organising court's scope and to the scope of every court taking part:
    a basic court's officers must see (and record results in) the high court's province-wide operation.
    Still the one rule, applied to each court the operation belongs to."""

    def visible_to(self, actor):
        from execcenter.scope import court_ids_for

        ids = court_ids_for(actor)
        if ids is None:
            return self
        return self.filter(models.Q(court__in=ids) | models.Q(courts__in=ids)).distinct()


class Operation(models.Model):
    """A collective operation (集中执行行动) launched and commanded from the centre."""

    name = models.CharField(_("行动名称"), max_length=100)
    court = models.ForeignKey(
        "execcenter.Court", verbose_name=_("组织法院"), on_delete=models.PROTECT, related_name="organised_operations"
    )
    courts = models.ManyToManyField("execcenter.Court", verbose_name=_("参战法院"), related_name="operations")
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    target_cases = models.ManyToManyField(
        "cases.Case", verbose_name=_("目标案件"), blank=True, related_name="operations"
    )
    description = models.TextField(_("行动方案"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=OperationStatus.choices, default=OperationStatus.PLANNED, db_index=True
    )
    launched_at = models.DateTimeField(_("启动时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间（实际）"), null=True, blank=True)

    def policy_court_ids(self):
        """The courts it belongs to for the visibility rule (execcenter.policy): organiser and participants."""
        return {self.court_id, *self.courts.values_list("id", flat=True)}

    # The final tally, frozen when the operation ends, so the report never changes afterwards.
    summary = models.JSONField(_("总结"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OperationQuerySet.as_manager()

    class Meta:
        verbose_name = _("集中执行行动")
        verbose_name_plural = _("集中执行行动")
        ordering = ["-starts_at", "-id"]

    def __str__(self):
        return self.name


class FieldTeam(models.Model):
    """A field team (执行小组) of an operation: officers, vehicle and the body-camera stream."""

    operation = models.ForeignKey(Operation, verbose_name=_("行动"), on_delete=models.CASCADE, related_name="teams")
    court = models.ForeignKey(
        "execcenter.Court", verbose_name=_("所属法院"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("小组名称"), max_length=64)
    leader = models.ForeignKey("execcenter.Officer", verbose_name=_("组长"), on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField("execcenter.Officer", verbose_name=_("组员"), related_name="field_teams")
    vehicle = models.CharField(_("车辆"), max_length=32, blank=True)
    body_camera_url = models.URLField(_("执法记录仪视频流"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("执行小组")
        verbose_name_plural = _("执行小组")
        ordering = ["operation", "name"]
        constraints = [models.UniqueConstraint(fields=["operation", "name"], name="uniq_team_name_per_operation")]

    def __str__(self):
        return f"{self.operation.name}·{self.name}"

    def includes(self, officer):
        return officer is not None and (self.leader_id == officer.pk or self.members.filter(pk=officer.pk).exists())


class OperationResult(models.Model):
    """What a team achieved on one case during the operation (recorded from the field, phone-sized page)."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="results")
    team = models.ForeignKey(FieldTeam, verbose_name=_("执行小组"), on_delete=models.PROTECT, related_name="results")
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="operation_results"
    )
    case_closed = models.BooleanField(_("当场执结"), default=False)
    amount_recovered = MoneyField(_("执行到位金额"), default=Decimal("0.00"))
    measures = models.JSONField(_("采取措施"), default=list, blank=True)
    people_detained = models.PositiveSmallIntegerField(_("司法拘留人数"), default=0)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = scoped_queryset("case__court").as_manager()

    class Meta:
        verbose_name = _("行动战果")
        verbose_name_plural = _("行动战果")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_recovered__gte=0), name="result_amount_not_negative"),
        ]
