import math
import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions as drf
from rest_framework import status
from rest_framework.exceptions import ParseError, Throttled
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from execcenter.bad_requests import body_refusal, malformed_body_message
from execcenter.exceptions import DomainError


def exception_handler(exc, context):
    """DomainError → its status with a stable code; Django ValidationError → 400 with field errors."""
    if isinstance(exc, DomainError):
        body = {"detail": str(exc.message), "code": exc.code}
        if exc.details:
            body["details"] = exc.details
        return Response(body, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        return Response(as_serializer_error(exc), status=status.HTTP_400_BAD_REQUEST)
    refusal = body_refusal(exc)  # oversized body or too many fields: JSON 413, not Django's HTML 400 page
    if refusal:
        code_status, code, message = refusal
        return Response({"detail": message, "code": code}, status=code_status)
    if isinstance(exc, ParseError):
        return Response(
            {"detail": malformed_body_message(exc.detail), "code": "malformed_body"}, status=status.HTTP_400_BAD_REQUEST
        )
    response = drf_exception_handler(exc, context)
    if response is not None and translation.get_language() and translation.get_language().startswith("zh"):
        # DRF's and Django's own refusals are one language (English for Http404's "No Case matches the given
        # query.", Chinese for the rest); every answer of this API carries both and a stable code.
        response.data = _bilingual(exc, response.data)
    if isinstance(exc, Throttled) and response is not None:
        # DRF's own text is one language only; partners read both, like every other error here. Retry-After is DRF's.
        wait = math.ceil(exc.wait) if exc.wait is not None else 1
        response.data = {
            "detail": _("请求过于频繁，请 %(s)s 秒后重试 (rate limit exceeded, retry in %(s)s s)") % {"s": wait},
            "code": "throttled",
        }
    return response


# DRF's exceptions by class: (code, message). Http404 arrives here as DRF's NotFound.
_GENERIC = (
    (drf.NotFound, "not_found", gettext_lazy("不存在或不在可见范围内 (not found)")),
    (drf.NotAuthenticated, "not_authenticated", gettext_lazy("请先登录或提供 API 密钥 (authentication required)")),
    (drf.AuthenticationFailed, "authentication_failed", gettext_lazy("身份认证失败 (authentication failed)")),
    (drf.MethodNotAllowed, "method_not_allowed", gettext_lazy("该接口不支持此请求方法 (method not allowed)")),
    (drf.NotAcceptable, "not_acceptable", gettext_lazy("无法提供所要求的响应格式 (not acceptable)")),
    (
        drf.UnsupportedMediaType,
        "unsupported_media_type",
        gettext_lazy("不支持该请求体类型，请使用 application/json (unsupported media type)"),
    ),
)
CSRF_FAILED = gettext_lazy("跨站请求校验失败，请刷新页面后重试 (CSRF check failed)")
# DRF's field-error codes → the English half of a Chinese-only message.
_FIELD_ENGLISH = {
    "required": "this field is required",
    "null": "may not be null",
    "blank": "may not be blank",
    "invalid": "invalid value",
    "does_not_exist": "no such object",
    "incorrect_type": "wrong type",
    "max_length": "too long",
    "min_length": "too short",
    "max_value": "too large",
    "min_value": "too small",
    "invalid_choice": "not a valid choice",
    "not_a_list": "a list is expected",
    "empty": "may not be empty",
    "max_digits": "too many digits",
    "max_decimal_places": "too many decimal places",
    "max_whole_digits": "too many digits before the decimal point",
    "date": "a date is expected",
    "datetime": "a date and time are expected",
    "unique": "already exists",
    "surrogate_characters_not_allowed": "invalid characters",
    "null_characters_not_allowed": "null characters are not allowed",
    "make_aware": "invalid time in this time zone",
    "overflow": "out of range",
}
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]{2}")


def _is_bilingual(text):
    return bool(_CJK.search(text)) and bool(_LATIN.search(text))


def _bilingual(exc, data):
    """`data` (the response body DRF built for `exc`) with every message in Chinese and English."""
    if isinstance(exc, Http404):
        exc = drf.NotFound()  # as DRF's handler turned it (get_object_or_404's "No Case matches …")
    if isinstance(exc, drf.ValidationError):
        return _bilingual_fields(data)
    if not isinstance(data, dict) or not isinstance(data.get("detail"), str):
        return data
    detail = data["detail"]
    if isinstance(exc, drf.PermissionDenied) and detail.startswith("CSRF Failed"):
        return {"detail": str(CSRF_FAILED), "code": "csrf_failed"}
    for cls, code, message in _GENERIC:
        if isinstance(exc, cls):
            if _is_bilingual(detail):
                return {**data, "code": data.get("code") or code}
            return {"detail": str(message), "code": code}
    if not _is_bilingual(detail):
        code = getattr(detail, "code", None) or "error"
        return {**data, "detail": f"{detail} ({_FIELD_ENGLISH.get(code, code.replace('_', ' '))})", "code": code}
    return data


def _bilingual_fields(data):
    if isinstance(data, dict):
        return {key: _bilingual_fields(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_bilingual_fields(value) for value in data]
    if isinstance(data, str) and not _is_bilingual(data):
        code = getattr(data, "code", None) or "invalid"
        english = _FIELD_ENGLISH.get(code, code.replace("_", " "))
        if _CJK.search(data):
            return drf.ErrorDetail(f"{data} ({english})", code)
        return drf.ErrorDetail(f"输入有误 ({data})", code)
    return data
