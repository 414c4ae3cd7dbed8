from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from execcenter.models.scoped import ScopedQuerySet

from ..choices import BulletinKind


def bulletin_path(instance, filename):
    return f"bulletins/{instance.court.code}/{filename}"


class Bulletin(models.Model):
    """A generated 旬调度 / 月通报 for a court scope and period; `data` is the frozen content of both files."""

    kind = models.CharField(_("类别"), max_length=8, choices=BulletinKind.choices)
    court = models.ForeignKey(
        "execcenter.Court", verbose_name=_("法院范围"), on_delete=models.PROTECT, related_name="bulletins"
    )
    period_start = models.DateField(_("期间起"))
    period_end = models.DateField(_("期间止"))
    title = models.CharField(_("标题"), max_length=128)
    data = models.JSONField(_("内容"), default=dict)
    xlsx = models.FileField(_("Excel"), upload_to=bulletin_path, blank=True)
    docx = models.FileField(_("Word"), upload_to=bulletin_path, blank=True)
    generated_at = models.DateTimeField(_("生成时间"), auto_now=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("调度通报")
        verbose_name_plural = _("调度通报")
        ordering = ["-period_end", "court__code", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "court", "period_start", "period_end"], name="uniq_bulletin_per_scope_period"
            ),
        ]

    def __str__(self):
        return self.title
