"""Celery tasks of the query-and-control app: thin wrappers that call the services.

All run on the `query` queue (settings CELERY_TASK_ROUTES), take primary keys, ignore results and are
idempotent; acks_late + reject_on_worker_lost (settings) bring a killed worker's task back.
Only named transient errors are retried, with exponential backoff and a bound (docs/design.md §7).
"""

from celery import shared_task
from celery.signals import worker_init, worker_process_init
from django.core.exceptions import ImproperlyConfigured
from django.db import InterfaceError, OperationalError

from querycontrol.connectors import TransientConnectorError, get_connector

from .services import orders as order_services
from .services import queries as query_services
from .services import sending

# Backoff caps at 60 s, far below the Redis visibility_timeout (3600 s), so a waiting retry is never
# handed to a second worker while the first still holds it. A dropped or refused database connection
# ("too many clients", a restarted server, a terminated backend) is as transient as a busy bank: Django
# opens a fresh connection for the retry (issue 16). Integrity and data errors are not retried.
TRANSIENT = (TransientConnectorError, OperationalError, InterfaceError)
RETRY = dict(
    autoretry_for=TRANSIENT, retry_backoff=2, retry_backoff_max=60, retry_jitter=True, max_retries=3, ignore_result=True
)


@worker_init.connect
def _connector_before_fork(**kwargs):
    """The HTTP connector's TLS settings once in the parent, not in every pool process at its first task:
    eight processes loading them at once on two cores delayed the first answers of a fan-out by seconds.
    A misconfigured connector is left to fail the query tasks (named there), not the whole worker's start."""
    try:
        connector = get_connector()
    except ImproperlyConfigured:
        return
    if hasattr(connector, "prepare"):
        connector.prepare()


@worker_process_init.connect
def _connector_in_pool_process(**kwargs):
    """Each pool process makes its own pooled HTTP client at start (sockets are never shared over a fork)."""
    try:
        connector = get_connector()
    except ImproperlyConfigured:
        return
    if hasattr(connector, "client"):
        connector.client()


class ChunkIncomplete(TransientConnectorError):
    """Some institutions of the chunk failed transiently or were not asked yet: run the rest later."""


@shared_task(bind=True, name="querycontrol.tasks.query_chunk", **RETRY)
def query_chunk(self, chunk_id):
    final = self.request.retries >= self.max_retries
    left = query_services.process_chunk(chunk_id, attempt=self.request.retries + 1, final_attempt=final)
    if left:
        if final:
            # Only institutions never asked (rate limit) can be left after the final attempt: start afresh.
            query_chunk.apply_async((chunk_id,), countdown=5)
            return
        raise ChunkIncomplete(f"{left} institutions to retry")


@shared_task(bind=True, name="querycontrol.tasks.send_order", **{**RETRY, "max_retries": 5})
def send_order(self, order_id):
    sending.send(order_id, attempt=self.request.retries + 1, final_attempt=self.request.retries >= self.max_retries)


@shared_task(bind=True, name="querycontrol.tasks.refresh_queued", **RETRY)
def refresh_queued(self, institution_id, asset_ref):
    sending.refresh_queued(institution_id, asset_ref)


@shared_task(name="querycontrol.tasks.watch_expiry", ignore_result=True)
def watch_expiry():
    """Beat, daily: mark lapsed freezes, raise 30 / 15 / 7-day alerts, look at queued freezes again."""
    sending.lapse_expired()
    sending.watch_expiry()
    from querycontrol.choices import OrderOutcome, OrderStatus
    from querycontrol.models import ControlOrder

    for institution_id, asset_ref in (
        ControlOrder.objects.filter(status=OrderStatus.DONE, outcome=OrderOutcome.QUEUED)
        .values_list("institution_id", "asset__asset_ref")
        .distinct()
    ):
        refresh_queued.delay(institution_id, asset_ref)


@shared_task(name="querycontrol.tasks.resume_stalled", ignore_result=True)
def resume_stalled():
    """Beat, every QUERYCONTROL_SWEEP_SECONDS: re-enqueue chunks and orders whose message or run was lost,
    finish queries whose last chunk is in (settings: execcenter/settings/celery.py)."""
    query_services.resume_stalled_queries()
    sending.resume_stalled_orders()


@shared_task(name="querycontrol.tasks.start_due_requeries", ignore_result=True)
def start_due_requeries():
    """Beat, every QUERYCONTROL_REQUERY_EVERY_MINUTES: start this run's share of due 终本 re-query rounds."""
    from .services import requery

    return requery.start_due()


__all__ = [
    "start_due_requeries",
    "query_chunk",
    "send_order",
    "refresh_queued",
    "watch_expiry",
    "resume_stalled",
    "order_services",
]
