"""Issuing and reading documents (电子卷宗): once issued, the same bytes forever.

`issue(...)` → IssuedDocument: stores the bytes through Django's default storage (filesystem in the
embedded profile, any S3-compatible store in production via STORAGES), records the SHA-256, who
issued it and when; idempotent per (source, kind, content type): a second call returns the first
record untouched. `read(document)` → bytes, checked against the recorded hash (DocumentIntegrityError
when the stored file was altered). `court_series_number(court, year, code)` → next number of a court's
yearly series, e.g. （2026）宁01执通3号 (call inside the issuing transaction).
"""

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from execcenter.exceptions import DomainError
from execcenter.models import Court
from execcenter.scope import user_of
from execcenter.services import actor_label, audit

from .models import IssuedDocument

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DocumentIntegrityError(DomainError):
    """The stored file no longer matches the hash recorded when it was issued."""


def source_key(obj):
    return obj._meta.label_lower, str(obj.pk)


def documents_of(obj):
    source_type, source_id = source_key(obj)
    return IssuedDocument.objects.filter(source_type=source_type, source_id=source_id)


def issue(
    *,
    kind,
    number,
    title,
    court,
    source,
    content,
    filename,
    content_type=DOCX,
    case=None,
    actor=None,
    personal_data=False,
    request=None,
):
    """Store `content` (bytes) as the issued document `kind` of `source`; returns the record (the existing
    one when this source already has its document of this kind and type: issuing twice changes nothing)."""
    source_type, source_id = source_key(source)
    with transaction.atomic():
        existing = IssuedDocument.objects.filter(
            source_type=source_type, source_id=source_id, kind=kind, content_type=content_type
        ).first()
        if existing is not None:
            return existing
        digest = hashlib.sha256(content).hexdigest()
        document = IssuedDocument(
            kind=kind,
            number=number,
            title=title[:128],
            case=case,
            court=court,
            source_type=source_type,
            source_id=source_id,
            filename=filename[:200],
            content_type=content_type,
            size=len(content),
            sha256=digest,
            contains_personal_data=personal_data,
            issued_by=user_of(actor),
            issued_by_label=actor_label(actor)[:64],
            issued_at=timezone.now(),
        )
        # The file is written before the row: a rolled-back issue leaves an unreferenced, content-addressed
        # file behind (harmless), never a row without its file.
        document.file.save(filename, ContentFile(content), save=False)
        document.save()
        audit(
            actor,
            "document.issue",
            document,
            court=court,
            request=request,
            details={"kind": kind, "number": number, "sha256": digest, "source": f"{source_type}:{source_id}"},
        )
    return document


def read(document):
    """The issued bytes, verified against the SHA-256 recorded at issue."""
    with document.file.open("rb") as fh:
        content = fh.read()
    if hashlib.sha256(content).hexdigest() != document.sha256:
        raise DocumentIntegrityError(
            _("文书文件已被改动，与签发时的校验值不符 (stored document does not match its hash)"),
            code="document_tampered",
            status=500,
        )
    return content


def court_series_number(court, year, code):
    """（year）<court code><code>N号 with N one more than the court's last number of that series and year.
    Locks the court row so that two issues never share a number."""
    Court.objects.select_for_update().filter(pk=court.pk).first()
    prefix = f"（{year}）{court.code}{code}"
    used = (
        IssuedDocument.objects.filter(court=court, number__startswith=prefix)
        .values_list("number", flat=True)
        .distinct()
    )
    seq = max((int(n[len(prefix) : -1]) for n in used if n[len(prefix) : -1].isdigit()), default=0) + 1
    return f"{prefix}{seq}号"
