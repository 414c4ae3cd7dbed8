"""`Idempotency-Key` on every POST (docs/design.md §7): same key + same body → the stored answer, nothing done
twice; same key + different body → 409. Keys are per principal (a user or a partner key)."""

import datetime
import hashlib
import json

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from execcenter.models import IdempotencyRecord

from .permissions import is_partner

HEADER = "Idempotency-Key"
PRUNE_BATCH = 5000  # rows per DELETE: each batch is a short transaction, so a large backlog never holds a long lock


def prune_idempotency_records(now: datetime.datetime | None = None) -> int:
    """Delete stored answers older than IDEMPOTENCY_KEY_TTL_HOURS (a client retries within minutes; the table
    would otherwise grow with every POST forever). A key reused after that is a new request. Returns rows deleted."""
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    deleted = 0
    while True:
        batch = list(IdempotencyRecord.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)[:PRUNE_BATCH])
        if not batch:
            return deleted
        deleted += IdempotencyRecord.objects.filter(pk__in=batch).delete()[0]


class Replay(APIException):
    """Carries a stored response out of `initial()`; turned back into that response below."""

    def __init__(self, response):
        self.response = response
        super().__init__()


def _principal(actor):
    return f"partner:{actor.pk}" if is_partner(actor) else f"user:{actor.pk}"


class IdempotentPostMixin:
    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and request.headers.get(HEADER):
            # The stored record and the handler's writes commit together (or not at all).
            with transaction.atomic():
                return super().dispatch(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        key = request.headers.get(HEADER)
        self._idempotency = None
        if request.method != "POST" or not key:
            return
        if len(key) > 128:
            raise_conflict(
                _("Idempotency-Key 过长（最多128个字符） (Idempotency-Key too long)"), status.HTTP_400_BAD_REQUEST
            )
        digest = hashlib.sha256(request.method.encode() + request.path.encode() + b"\0" + request.body).hexdigest()
        principal = _principal(request.user)
        record = IdempotencyRecord.objects.filter(principal=principal, key=key).first()
        if record is None:
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(principal=principal, key=key, request_hash=digest)
            except IntegrityError:
                record = IdempotencyRecord.objects.get(principal=principal, key=key)
            else:
                self._idempotency = record
                return
        if record.request_hash != digest:
            raise_conflict(_("同一 Idempotency-Key 已用于不同的请求 (Idempotency-Key reused with a different request)"))
        if record.status_code is None:
            raise_conflict(_("相同请求正在处理中 (the same request is still being processed)"))
        response = Response(record.response_body, status=record.status_code)
        response["Idempotent-Replay"] = "true"
        raise Replay(response)

    def handle_exception(self, exc):
        if isinstance(exc, Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record = getattr(self, "_idempotency", None)
        if record is not None:
            if response.status_code >= 500:
                transaction.set_rollback(True)
            else:
                body = json.loads(JSONRenderer().render(response.data)) if response.data is not None else None
                IdempotencyRecord.objects.filter(pk=record.pk).update(
                    status_code=response.status_code, response_body=body
                )
        return response


class _Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT


def raise_conflict(message, code=status.HTTP_409_CONFLICT):
    exc = _Conflict(detail=message)
    exc.status_code = code
    raise exc
