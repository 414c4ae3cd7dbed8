"""Answers to requests whose body cannot be read (issue 11, point 8): too large → 413, too many fields or files →
413, malformed → 400, always with a message in Chinese and English and, for the API, as JSON like every other
API error. Nothing is changed: the body is refused before any view code runs on it.

Used by the API's exception handler and by Django's handler400 (bodies read outside DRF: forms, CSRF checks).
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _


def body_refusal(exc):
    """(status, code, message) for an unreadable-body exception, or None for any other exception."""
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return (
            413,
            "body_too_large",
            _("请求体过大：上限为 %(n)s 字节 (request body too large: at most %(n)s bytes)") % {"n": limit},
        )
    if isinstance(exc, TooManyFieldsSent):
        return 413, "too_many_fields", _("表单字段过多 (too many form fields)")
    if isinstance(exc, TooManyFilesSent):
        return 413, "too_many_files", _("上传文件过多 (too many files)")
    return None


def malformed_body_message(detail):
    return _("请求体格式错误，无法解析 (malformed request body): %(detail)s") % {"detail": detail}


def _wants_json(request):
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def bad_request(request, exception=None):
    """handler400: a body refusal gets its own status; the API always answers JSON."""
    refusal = body_refusal(exception)
    status, code, message = refusal or (400, "bad_request", _("请求无效 (bad request)"))
    if _wants_json(request):
        return JsonResponse({"detail": message, "code": code}, status=status)
    return HttpResponse(
        f"<!doctype html><meta charset=utf-8><title>{status}</title><h1>{status}</h1><p>{escape(message)}</p>",
        status=status,
    )


def not_found(request, exception=None):
    """handler404: an API path that matches no route (`/api/v1/alerts/-5.9e-08/`) answers JSON like every other API
    error (the schema declares application/json); pages keep Django's own 404 page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("不存在或不在可见范围内 (not found)"), "code": "not_found"}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)
