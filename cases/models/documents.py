"""Issued documents (电子卷宗): rulings, assistance notices, letters and bulletins as they were issued.

A document is a record, not a view of live data: rendered once when it takes effect, numbered, stored
through Django's storage API with the SHA-256 of its bytes, and never regenerated or changed (the
model refuses a second save; `cases.documents.read` checks the hash on every read).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from execcenter.models.scoped import ScopedQuerySet


class DocumentKind(models.TextChoices):
    RULING = "ruling", _("执行裁定书")
    NOTICE = "notice", _("协助执行通知书")
    LETTER = "letter", _("协助调查函")
    BULLETIN = "bulletin", _("调度通报")
    DECISION = "decision", _("决定书")
    INVESTIGATION_ORDER = "inv_order", _("律师调查令")
    REWARD_NOTICE = "reward_notice", _("悬赏公告")


def document_path(instance, filename):
    """documents/<court code>/<year>/<sha256><ext>: content-addressed, so a file is never overwritten."""
    ext = filename[filename.rfind(".") :] if "." in filename else ""
    return f"documents/{instance.court.code}/{timezone.localtime(instance.issued_at):%Y}/{instance.sha256}{ext}"


class IssuedDocument(models.Model):
    kind = models.CharField(_("文书类别"), max_length=16, choices=DocumentKind.choices)
    # 文号: the case number with a serial suffix for case documents (（2026）宁0105执保12号之一), a court-and-year
    # series for letters and bulletins. A ruling and the notices that execute it share its number.
    number = models.CharField(_("文号"), max_length=64)
    title = models.CharField(_("标题"), max_length=128)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    court = models.ForeignKey(
        "execcenter.Court", verbose_name=_("出具法院"), on_delete=models.PROTECT, related_name="+"
    )
    # What the document was issued for, e.g. ("querycontrol.controlorder", "42"): one document per source and kind/format.
    source_type = models.CharField(_("来源类型"), max_length=64)
    source_id = models.CharField(_("来源编号"), max_length=32)
    file = models.FileField(_("文件"), upload_to=document_path, max_length=200)
    filename = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("字节数"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # Rulings and notices carry full ID numbers (they go to banks and parties): downloads are unmasked reads.
    contains_personal_data = models.BooleanField(_("含完整身份证号"), default=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_by_label = models.CharField(_("签发人"), max_length=64)
    issued_at = models.DateTimeField(_("签发时间"), db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("已签发文书")
        verbose_name_plural = _("已签发文书")
        ordering = ["issued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "kind", "content_type"], name="uniq_document_per_source"
            ),
            # One number, one instrument: a ruling's 文号 is never given to a second ruling (its notice shares it
            # under another kind; a bulletin's .xlsx and .docx under another content type).
            models.UniqueConstraint(fields=["court", "kind", "number", "content_type"], name="uniq_document_number"),
        ]
        indexes = [models.Index(fields=["case", "issued_at"]), models.Index(fields=["number"])]

    def __str__(self):
        return f"{self.number} {self.title}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("issued documents are never changed")  # a record, not a draft
        super().save(*args, **kwargs)
