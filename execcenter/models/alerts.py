from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from execcenter.choices import AlertSeverity, AlertStatus

from .scoped import ScopedQuerySet


class Alert(models.Model):
    """An alert raised by any app (freeze expiring, query failed, payout overdue, duty gap, ...).

    Lower apps raise alerts through execcenter.services.raise_alert; the dashboards show, route,
    acknowledge and escalate them. `dedup_key` makes raising idempotent.
    """

    kind = models.CharField(_("类别"), max_length=48, db_index=True)
    severity = models.CharField(_("级别"), max_length=16, choices=AlertSeverity.choices, default=AlertSeverity.WARNING)
    status = models.CharField(
        _("状态"), max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN, db_index=True
    )
    court = models.ForeignKey(
        "execcenter.Court", verbose_name=_("法院"), on_delete=models.PROTECT, related_name="alerts"
    )
    title = models.CharField(_("标题"), max_length=128)
    message = models.TextField(_("内容"), blank=True)
    source_type = models.CharField(_("来源对象类型"), max_length=48, blank=True)
    source_id = models.CharField(_("来源对象"), max_length=64, blank=True)
    link = models.CharField(_("链接"), max_length=256, blank=True)
    dedup_key = models.CharField(max_length=128, unique=True)
    raised_at = models.DateTimeField(_("发生时间"), auto_now_add=True, db_index=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    action_note = models.TextField(_("处置说明"), blank=True)
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("解除时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["court", "status", "severity"])]

    def __str__(self):
        return self.title
