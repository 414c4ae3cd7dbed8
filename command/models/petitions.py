import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from execcenter.models.scoped import ScopedQuerySet

from ..choices import PetitionStatus

# 《信访工作条例》(2022) Art. 32: a petition is handled and answered within 60 days of acceptance.
PETITION_HANDLING_DAYS = 60


class Petition(models.Model):
    """An enforcement complaint (执行信访) about a case; feeds 执行信访办结率 (3+1) and module 35."""

    court = models.ForeignKey(
        "execcenter.Court", verbose_name=_("法院"), on_delete=models.PROTECT, related_name="petitions"
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("关联案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    petitioner = models.CharField(_("信访人"), max_length=64)
    subject = models.CharField(_("信访事项"), max_length=200)
    received_on = models.DateField(_("受理日期"), db_index=True)
    due_on = models.DateField(_("办理期限"))
    status = models.CharField(_("状态"), max_length=8, choices=PetitionStatus.choices, default=PetitionStatus.OPEN)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    reply = models.TextField(_("答复意见"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("执行信访")
        verbose_name_plural = _("执行信访")
        ordering = ["-received_on", "-id"]

    def __str__(self):
        return f"{self.petitioner}：{self.subject[:20]}"

    def save(self, *args, **kwargs):
        if not self.due_on:
            self.due_on = self.received_on + dt.timedelta(days=PETITION_HANDLING_DAYS)
        super().save(*args, **kwargs)
