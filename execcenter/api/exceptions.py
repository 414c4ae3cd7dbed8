import math

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
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
    if isinstance(exc, Throttled) and response is not None:
        # DRF's own text is one language only; partners read both, like every other error here. Retry-After is DRF's.
        wait = math.ceil(exc.wait) if exc.wait is not None else 1
        response.data = {
            "detail": _("请求过于频繁，请 %(s)s 秒后重试 (rate limit exceeded, retry in %(s)s s)") % {"s": wait},
            "code": "throttled",
        }
    return response
