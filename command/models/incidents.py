from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from execcenter.models.scoped import ScopedQuerySet, scoped_queryset

from ..choices import IncidentEventKind, IncidentKind, IncidentSeverity, IncidentStatus


class Incident(models.Model):
    """A field incident (现场突发事件) reported by a team and handled by the duty officer until closed."""

    court = models.ForeignKey(
        "execcenter.Court", verbose_name=_("法院"), on_delete=models.PROTECT, related_name="incidents"
    )
    operation = models.ForeignKey(
        "command.Operation",
        verbose_name=_("所属行动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    team = models.ForeignKey(
        "command.FieldTeam",
        verbose_name=_("上报小组"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("关联案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    kind = models.CharField(_("事件类型"), max_length=24, choices=IncidentKind.choices)
    severity = models.CharField(_("严重程度"), max_length=8, choices=IncidentSeverity.choices, db_index=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6)
    address = models.CharField(_("地址"), max_length=200)
    description = models.TextField(_("情况描述"))
    status = models.CharField(
        _("状态"), max_length=12, choices=IncidentStatus.choices, default=IncidentStatus.REPORTED, db_index=True
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("上报时间"), auto_now_add=True, db_index=True)
    closed_at = models.DateTimeField(_("处置完毕时间"), null=True, blank=True)
    outcome = models.TextField(_("处置结果"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("突发事件")
        verbose_name_plural = _("突发事件")
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90), name="incident_latitude_range"
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__gte=-180, longitude__lte=180), name="incident_longitude_range"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}·{self.address[:20]}"

    @property
    def is_open(self):
        return self.status != IncidentStatus.CLOSED


def incident_photo_path(instance, filename):
    return f"incidents/{instance.incident_id}/{filename}"


class IncidentPhoto(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("现场照片"), upload_to=incident_photo_path)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_queryset("incident__court").as_manager()

    class Meta:
        verbose_name = _("现场照片")
        verbose_name_plural = _("现场照片")


class Dispatch(models.Model):
    """Help sent to an incident by the duty officer: a field team and/or the police liaison."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="dispatches")
    team = models.ForeignKey(
        "command.FieldTeam",
        verbose_name=_("增援小组"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispatches",
    )
    police_liaison = models.CharField(_("公安联动"), max_length=100, blank=True, help_text=_("联络的派出所/警员"))
    note = models.CharField(_("调度指令"), max_length=200, blank=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dispatched_at = models.DateTimeField(_("调度时间"), auto_now_add=True)

    objects = scoped_queryset("incident__court").as_manager()

    class Meta:
        verbose_name = _("调度")
        verbose_name_plural = _("调度")
        ordering = ["dispatched_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(team__isnull=False) | ~models.Q(police_liaison=""), name="dispatch_sends_someone"
            ),
        ]


class IncidentEvent(models.Model):
    """Append-only timeline of an incident, from the report to its closure."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    kind = models.CharField(_("节点"), max_length=12, choices=IncidentEventKind.choices)
    actor_label = models.CharField(_("操作人"), max_length=64)
    note = models.CharField(_("内容"), max_length=300)

    objects = scoped_queryset("incident__court").as_manager()

    class Meta:
        verbose_name = _("事件节点")
        verbose_name_plural = _("事件节点")
        ordering = ["at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("incident timeline is append-only")
        super().save(*args, **kwargs)


class TeamPosition(models.Model):
    """A dispatched team's position, reported by its phone page (现场查封 + 远程调度); kept with the incident."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="positions")
    team = models.ForeignKey(
        "command.FieldTeam", verbose_name=_("小组"), on_delete=models.PROTECT, related_name="positions"
    )
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("回传时间"), auto_now_add=True, db_index=True)

    objects = scoped_queryset("incident__court").as_manager()

    class Meta:
        verbose_name = _("小组位置")
        verbose_name_plural = _("小组位置")
        ordering = ["reported_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90), name="team_position_latitude_range"
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__gte=-180, longitude__lte=180), name="team_position_longitude_range"
            ),
        ]
