import time

from celery import shared_task
from celery.signals import worker_ready
from django.core.cache import cache

HEARTBEAT_KEY = "worker-heartbeat"


@shared_task(name="execcenter.tasks.heartbeat", ignore_result=True)
def heartbeat():
    """Beat sends this every 15 s; a worker running it proves the broker → worker path end to end."""
    cache.set(HEARTBEAT_KEY, time.time(), None)


@worker_ready.connect
def _heartbeat_on_start(**kwargs):
    cache.set(HEARTBEAT_KEY, time.time(), None)


@shared_task(
    name="execcenter.tasks.deliver_notification", ignore_result=True, acks_late=True, soft_time_limit=60, time_limit=90
)
def deliver_notification(pk):
    """Send one outbox row (idempotent: a row already sent or held by another worker is left alone)."""
    from .notify import deliver

    deliver(pk)


@shared_task(name="execcenter.tasks.flush_notifications", ignore_result=True, soft_time_limit=240, time_limit=300)
def flush_notifications():
    """Every minute: rows whose quiet hours ended, retries that are due, rows of a worker that died mid-send —
    each handed to a worker of its own (one slow gateway does not hold up the sweep)."""
    from .notify import due

    for pk in due():
        deliver_notification.delay(pk)


@shared_task(name="execcenter.tasks.relay_outbox", ignore_result=True)
def relay_outbox():
    """Beat, every few seconds: hand waiting outbox messages to the broker (execcenter.outbox)."""
    from execcenter import outbox

    outbox.relay_pending()


@shared_task(name="execcenter.tasks.prune_idempotency_keys", ignore_result=True)
def prune_idempotency_keys():
    """Hourly: drop stored Idempotency-Key answers past their time to live (idempotent: deleting twice is nothing)."""
    from execcenter.api.idempotency import prune_idempotency_records

    prune_idempotency_records()
