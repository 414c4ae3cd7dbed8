"""The notifications outbox: `send()` writes one row per channel in the caller's transaction; a worker delivers it
after the commit (`deliver`), retries transient failures with backoff, and never sends a row twice.

- Never twice: a cause (dedup_key) makes one row per channel (unique index), and a row is claimed by
  compare-and-swap (pending → sending) before its channel is called, so two workers never both send it.
  A worker killed between sending and recording leaves the row `sending`; after NOTIFY_CLAIM_SECONDS the sweep
  gives it back, and the resend carries the same UUID (Message-ID / Idempotency-Key) for the receiver to drop.
- Quiet hours (免打扰): a non-critical message created inside the recipient's quiet hours waits until they end;
  critical messages go at once.
- Retries: transient errors retry after 1, 2, 4 … minutes (capped at 30), at most NOTIFY_MAX_ATTEMPTS times.
"""

import datetime as dt
import logging
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from execcenter.choices import AlertSeverity, NotificationChannel, NotificationStatus
from execcenter.models import Notification, NotificationPreference

log = logging.getLogger(__name__)


def preference_of(officer):
    return NotificationPreference.objects.filter(officer=officer).first()


def channels_for(officer, preference):
    """The channels this officer receives on: their chosen ones, or e-mail and SMS by default."""
    chosen = (
        preference.channels
        if preference and preference.channels
        else [NotificationChannel.EMAIL, NotificationChannel.SMS]
    )
    return [c for c in chosen if c in NotificationChannel.values]


def quiet_until(preference, now):
    """The end of the quiet hours `now` falls in (an aware datetime), or None outside them.

    Quiet hours may cross midnight (22:00–07:00). Local time is Asia/Shanghai."""
    if (
        preference is None
        or preference.quiet_start is None
        or preference.quiet_end is None
        or preference.quiet_start == preference.quiet_end
    ):
        return None
    local = timezone.localtime(now)
    t, start, end = local.time(), preference.quiet_start, preference.quiet_end
    if start < end:
        inside = start <= t < end
        end_day = local.date()
    else:  # crosses midnight
        inside = t >= start or t < end
        end_day = local.date() + dt.timedelta(days=1) if t >= start else local.date()
    if not inside:
        return None
    return timezone.make_aware(dt.datetime.combine(end_day, end))


_LOOK_UP = object()


def send(officer, *, subject, body, dedup_key, severity=AlertSeverity.WARNING, link="", now=None, preference=_LOOK_UP):
    """Queue a message to `officer` on each of their channels. Returns the rows created now ([] when this cause
    was already queued: calling twice for one cause sends nothing twice).

    A channel the officer has no address for is skipped. Rows are sent after the surrounding transaction commits.
    `preference`: the officer's NotificationPreference (or None) when the caller already read it (a batch)."""
    from .channels import get_channel

    now = now or timezone.now()
    if preference is _LOOK_UP:
        preference = preference_of(officer)
    wait = None if severity == AlertSeverity.CRITICAL else quiet_until(preference, now)
    made = []
    for name in channels_for(officer, preference):
        address = get_channel(name).address(officer, preference)
        if not address:
            continue
        try:
            with transaction.atomic():
                row = Notification.objects.create(
                    recipient=officer,
                    court_id=officer.court_id,
                    channel=name,
                    address=address,
                    severity=severity,
                    subject=subject[:160],
                    body=body,
                    link=link,
                    dedup_key=f"{dedup_key}:{name}"[:160],
                    not_before=wait or now,
                )
        except IntegrityError:  # this cause was queued before (or concurrently): one message per cause
            continue
        made.append(row)
        if wait is None:
            transaction.on_commit(partial(_enqueue, row.pk))
    return made


def _enqueue(pk):
    from .tasks import deliver_notification

    deliver_notification.delay(pk)


def _backoff(attempts):
    return dt.timedelta(minutes=min(2 ** (attempts - 1), 30))


def deliver(pk, now=None):
    """Send one outbox row if it is due and nobody else holds it. Returns its status afterwards (or None if absent)."""
    from .channels import PermanentChannelError, TransientChannelError, get_channel

    now = now or timezone.now()
    # Claim by compare-and-swap: only the worker that moved the row from pending to sending calls the channel.
    claimed = Notification.objects.filter(pk=pk, status=NotificationStatus.PENDING, not_before__lte=now).update(
        status=NotificationStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    row = Notification.objects.filter(pk=pk).select_related("recipient").first()
    if not claimed or row is None:
        return row.status if row else None
    try:
        ref = get_channel(row.channel).send(row)
    except TransientChannelError as exc:
        final = row.attempts >= settings.NOTIFY_MAX_ATTEMPTS
        Notification.objects.filter(pk=pk, status=NotificationStatus.SENDING).update(
            status=NotificationStatus.FAILED if final else NotificationStatus.PENDING,
            last_error=str(exc)[:300],
            not_before=now + _backoff(row.attempts),
        )
        log.warning("notification %s: attempt %s failed: %s", pk, row.attempts, exc)
    except PermanentChannelError as exc:
        Notification.objects.filter(pk=pk, status=NotificationStatus.SENDING).update(
            status=NotificationStatus.FAILED, last_error=str(exc)[:300]
        )
        log.warning("notification %s failed for good: %s", pk, exc)
    else:
        Notification.objects.filter(pk=pk, status=NotificationStatus.SENDING).update(
            status=NotificationStatus.SENT, sent_at=timezone.now(), external_ref=ref[:128], last_error=""
        )
    row.refresh_from_db()
    return row.status


def due(now=None, limit=500):
    """Primary keys of rows to send now: pending and due, or `sending` for longer than the claim lease (their worker
    died); the latter are given back to pending first."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.NOTIFY_CLAIM_SECONDS)
    Notification.objects.filter(status=NotificationStatus.SENDING, claimed_at__lt=stale).update(
        status=NotificationStatus.PENDING
    )
    return list(
        Notification.objects.filter(status=NotificationStatus.PENDING, not_before__lte=now)
        .order_by("not_before", "id")
        .values_list("pk", flat=True)[:limit]
    )


def flush(now=None):
    """Deliver every due row in this process (the beat's sweep; also what tests call). Returns {status: count}."""
    counts = {}
    for pk in due(now):
        status = deliver(pk, now=now)
        counts[status] = counts.get(status, 0) + 1
    return counts
