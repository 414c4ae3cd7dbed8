"""Downloads of issued documents (电子卷宗): the stored bytes, within the reader's scope.

Out of scope → 404. A document carrying full ID numbers (rulings, notices) is an unmasked read: only a
role that sees personal data may download it (403 otherwise), and every download is audited.
"""
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from execcenter.services import audit

from . import documents
from .api.personal_data import sees_personal_data
from .models import IssuedDocument


def document_response(request, document):
    """The stored bytes as an attachment (hash checked), after the personal-data check; audited."""
    # policy: switch to require(request.user, "document.download", document) once execcenter/policy.py lands.
    if document.contains_personal_data and not sees_personal_data(request.user):
        raise PermissionDenied
    content = documents.read(document)
    audit(request.user, "document.download", document, court=document.court, request=request,
          details={"number": document.number, "kind": document.kind, "sha256": document.sha256,
                   "personal_data": document.contains_personal_data})
    response = HttpResponse(content, content_type=document.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(document.filename)}"
    response["ETag"] = f'"{document.sha256}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def document_download(request, pk):
    document = get_object_or_404(IssuedDocument.objects.visible_to(request.user).select_related("court"), pk=pk)
    return document_response(request, document)
