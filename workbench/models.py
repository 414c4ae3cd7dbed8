"""Early warnings per judge (预警): the rules as data, and the warnings they raise for the responsible officer."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from execcenter.choices import AlertSeverity
from execcenter.models.scoped import ScopedQuerySet

from .choices import WarningRuleKind


class WarningRule(models.Model):
    """One rule's threshold and severity for a court and every court below it (the nearest court's row wins).

    The row without a court is the province-wide default (seeded from choices.RULE_DEFAULTS); a director adds or
    changes their own court's row. A disabled row switches the rule off for that subtree."""

    kind = models.CharField(_("规则"), max_length=32, choices=WarningRuleKind.choices)
    court = models.ForeignKey(
        "execcenter.Court",
        verbose_name=_("适用法院（含下级）"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    threshold_days = models.PositiveIntegerField(_("阈值（天）"))
    severity = models.CharField(_("级别"), max_length=16, choices=AlertSeverity.choices, default=AlertSeverity.WARNING)
    enabled = models.BooleanField(_("启用"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("预警规则")
        verbose_name_plural = _("预警规则")
        ordering = ["kind", "court__code"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "court"], name="uniq_warning_rule_per_court"),
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(court__isnull=True), name="uniq_warning_rule_default"
            ),
            models.CheckConstraint(
                condition=models.Q(threshold_days__lte=3650), name="warning_threshold_at_most_ten_years"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.court.short_name if self.court_id else _('全省默认')})"


class EarlyWarning(models.Model):
    """A warning addressed to the officer who answers for its subject (the case's judge, the ledger's责任人).

    `key` names the cause (rule and subject); while a warning is open no second one with the same key exists, so
    hourly evaluation raises each cause once. When the cause goes away the warning is resolved; if it comes back
    later, that is a new warning."""

    rule_kind = models.CharField(_("规则"), max_length=32, choices=WarningRuleKind.choices, db_index=True)
    key = models.CharField(_("预警键"), max_length=96)
    severity = models.CharField(_("级别"), max_length=16, choices=AlertSeverity.choices)
    court = models.ForeignKey("execcenter.Court", verbose_name=_("法院"), on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    officer = models.ForeignKey(
        "execcenter.Officer",
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="early_warnings",
    )
    title = models.CharField(_("标题"), max_length=160)
    link = models.CharField(_("链接"), max_length=256, blank=True)
    raised_at = models.DateTimeField(_("预警时间"), db_index=True)
    resolved_at = models.DateTimeField(_("解除时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("个人预警")
        verbose_name_plural = _("个人预警")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(resolved_at__isnull=True), name="uniq_open_warning_key"
            ),
        ]
        indexes = [
            models.Index(fields=["officer", "resolved_at"]),
            models.Index(fields=["court", "resolved_at"]),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.resolved_at is None
