from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from execcenter.models.scoped import ScopedQuerySet

from ..choices import AnswerChannel, LetterStatus, LinkageKind


class LinkageUnit(models.Model):
    """A linkage unit (执行联动单位) or township (乡镇/街道, 协同执行) registered with a court.

    `partner` is the API key the unit answers letters with (PartnerClient kind=linkage, action "answer");
    a key answers only the letters addressed to its own unit.
    """

    name = models.CharField(_("单位名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=24, choices=LinkageKind.choices)
    court = models.ForeignKey(
        "execcenter.Court", verbose_name=_("对接法院"), on_delete=models.PROTECT, related_name="linkage_units"
    )
    contact_name = models.CharField(_("联系人"), max_length=32, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    partner = models.OneToOneField(
        "execcenter.PartnerClient",
        verbose_name=_("接口密钥"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="linkage_unit",
    )
    is_active = models.BooleanField(_("启用"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("联动单位")
        verbose_name_plural = _("联动单位")
        ordering = ["court__code", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["court", "name"], name="uniq_linkage_unit_per_court")]

    def __str__(self):
        return self.name

    @property
    def is_township(self):
        return self.kind == LinkageKind.TOWNSHIP


class AssistanceLetter(models.Model):
    """An electronic assistance letter (协助调查函 / 协助执行函) sent from a case to a linkage unit."""

    number = models.CharField(_("函号"), max_length=48, unique=True)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="assistance_letters"
    )
    # The case's court, copied so that scope filters and per-court counts need no join.
    court = models.ForeignKey(
        "execcenter.Court", verbose_name=_("发函法院"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(LinkageUnit, verbose_name=_("协助单位"), on_delete=models.PROTECT, related_name="letters")
    subject = models.CharField(_("协助事项"), max_length=200)
    request_text = models.TextField(_("协助内容"))
    due_on = models.DateField(_("答复期限"), db_index=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=LetterStatus.choices, default=LetterStatus.SENT, db_index=True
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("推送时间"), auto_now_add=True, db_index=True)
    answer_text = models.TextField(_("答复内容"), blank=True)
    answered_by = models.CharField(_("答复人"), max_length=64, blank=True)
    answered_via = models.CharField(_("答复渠道"), max_length=12, choices=AnswerChannel.choices, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    close_note = models.CharField(_("办结说明"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("协助调查函")
        verbose_name_plural = _("协助调查函")
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return self.number
