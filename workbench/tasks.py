"""Beat tasks of the workbench: thin wrappers over early_warnings (idempotent)."""

from celery import shared_task
from django.core.cache import cache

LOCK_KEY = "workbench:evaluate-warnings"


@shared_task(name="workbench.tasks.evaluate_warnings", ignore_result=True, soft_time_limit=1500, time_limit=1800)
def evaluate_warnings():
    """Hourly: raise new early warnings for their officers, resolve those whose cause went away. A second copy while
    one runs does nothing (cache lock), so two runs never race to insert the same warning."""
    from .early_warnings import evaluate

    if not cache.add(LOCK_KEY, 1, 1800):
        return
    try:
        evaluate()
    finally:
        cache.delete(LOCK_KEY)


@shared_task(name="workbench.tasks.notify_approvals", ignore_result=True, soft_time_limit=120, time_limit=180)
def notify_approvals():
    """Every 5 minutes: tell each approver of a court about the control orders waiting for their decision (once each)."""
    from .approvals import notify_waiting

    notify_waiting()
