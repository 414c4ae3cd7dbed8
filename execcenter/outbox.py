"""Enqueue tasks through the transactional outbox (execcenter.models.OutboxMessage), so that a decision
never depends on the broker being up at the moment it commits (issue 16, "the broker down").

    with transaction.atomic():
        ...decide...
        outbox.enqueue("querycontrol.tasks.send_order", [(order.pk,)])

The rows commit with the decision; after commit `relay(ids)` hands them to the broker at once. If the
broker is down the request still succeeds, the rows stay, and beat's `execcenter.tasks.relay_outbox`
(every OUTBOX_RELAY_SECONDS, itself delivered by the broker, so it runs as soon as the broker is back)
sends whatever is left, oldest first.
"""

import logging
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from execcenter import faultpoints
from execcenter.models import OutboxMessage

log = logging.getLogger(__name__)


def enqueue(task, arg_tuples, *, fault_point=None):
    """Write one outbox row per argument tuple (inside the caller's transaction); relay them on commit."""
    rows = OutboxMessage.objects.bulk_create([OutboxMessage(task=task, args=list(args)) for args in arg_tuples])
    ids = [r.pk for r in rows]

    def after_commit():
        if fault_point:
            faultpoints.point(fault_point)
        relay(ids)

    transaction.on_commit(after_commit)
    return ids


def _send(row):
    from execcenter.celery import app

    # retry=False: with the broker down, fail at once (the row stays) instead of holding the request.
    app.send_task(row.task, args=row.args, retry=False)


def relay(ids=None, *, limit=None, min_age_seconds=0):
    """Send waiting rows (only `ids` when given), oldest first, in batches of 1,000; stop at the first broker
    error. `limit` caps how many are sent in this call (None: all of them).

    Returns (sent, error): the number sent, and the error that stopped it ("" when none).
    """
    qs = OutboxMessage.objects.order_by("id")
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    if min_age_seconds:
        qs = qs.filter(created_at__lt=timezone.now() - timedelta(seconds=min_age_seconds))
    sent, last = 0, 0
    while limit is None or sent < limit:
        batch = list(qs.filter(pk__gt=last)[: min(1000, limit - sent) if limit else 1000])
        if not batch:
            break
        done = []
        try:
            for row in batch:
                _send(row)
                done.append(row.pk)
        except Exception as exc:  # whatever the transport raises, the row stays for the next relay
            OutboxMessage.objects.filter(pk=row.pk).update(
                attempts=row.attempts + 1, last_error=f"{type(exc).__name__}: {exc}"[:200]
            )
            log.warning("outbox: broker unavailable, %s message(s) wait: %s", qs.count() - len(done), exc)
            return sent + len(done), str(exc)
        finally:
            OutboxMessage.objects.filter(pk__in=done).delete()  # one statement per batch, also when stopped early
        sent += len(done)
        last = batch[-1].pk
    return sent, ""


def relay_pending(limit=1000, min_age_seconds=2):
    """Beat's relay: rows older than a few seconds (the ones the after-commit relay could not send).

    On PostgreSQL the rows are locked with SKIP LOCKED so that two relays (two beat processes at once)
    do not both send them."""
    if connection.vendor == "postgresql":
        with transaction.atomic():
            ids = list(
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .order_by("id")
                .values_list("pk", flat=True)[:limit]
            )  # the rest: the next relay, a few seconds later
            return relay(ids, limit=limit)
    return relay(None, limit=limit, min_age_seconds=min_age_seconds)


def backlog():
    """(waiting messages, age in seconds of the oldest) — for /healthz."""
    oldest = OutboxMessage.objects.order_by("id").values_list("created_at", flat=True).first()
    n = OutboxMessage.objects.count() if oldest else 0
    return n, (round((timezone.now() - oldest).total_seconds(), 1) if oldest else 0)
