"""Downloads of issued documents (电子卷宗): the stored bytes, within the reader's scope.

Out of scope → 404. A document carrying full ID numbers (rulings, notices) is an unmasked read: only the
roles of the policy's "document.read" may download it (403 otherwise); letters and bulletins follow their own
read rules. Every download is audited.
"""

from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from execcenter.exports import require_page
from execcenter.policy_http import requires
from execcenter.services import audit

from . import documents
from .models import DocumentKind, IssuedDocument

READ_ACTION = {
    DocumentKind.RULING: "document.read",
    DocumentKind.NOTICE: "document.read",
    DocumentKind.LETTER: "letter.read",
    DocumentKind.BULLETIN: "bulletin.read",
    DocumentKind.DECISION: "case.read",
    DocumentKind.REWARD_NOTICE: "case.read",  # published to the public; respondents' ID numbers masked in it
}


def read_action(document):
    """The policy action that guards a download: full ID numbers need "document.read"; otherwise the kind's own
    read rule; a kind added later without one falls back to the strictest ("document.read")."""
    return "document.read" if document.contains_personal_data else READ_ACTION.get(document.kind, "document.read")


def document_response(request, document):
    """The stored bytes as an attachment (hash checked), after the personal-data check; audited."""
    require_page(request.user, read_action(document), document)
    content = documents.read(document)
    audit(
        request.user,
        "document.download",
        document,
        court=document.court,
        request=request,
        details={
            "number": document.number,
            "kind": document.kind,
            "sha256": document.sha256,
            "personal_data": document.contains_personal_data,
        },
    )
    response = HttpResponse(content, content_type=document.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(document.filename)}"
    response["ETag"] = f'"{document.sha256}"'
    response["Cache-Control"] = "private, no-store"
    return response


@requires("case.read", model=IssuedDocument)  # then the kind's own read rule (read_action) in document_response
def document_download(request, pk):
    document = get_object_or_404(IssuedDocument.objects.visible_to(request.user).select_related("court"), pk=pk)
    return document_response(request, document)
