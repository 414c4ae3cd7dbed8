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
