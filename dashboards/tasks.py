"""Beat tasks of the screens queue: thin wrappers over snapshots and services (idempotent)."""

import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(name="dashboards.tasks.refresh_snapshots", ignore_result=True, soft_time_limit=60, time_limit=90)
def refresh_snapshots():
    """Every 10 s: recompute the due modules for every scope and republish the screens' bundles.
    A second copy of this task while one runs does nothing (cache lock), so a slow run never piles up.
    While the refresher loop (`manage.py refresh_screens`, issue 17) is alive it does both jobs, and this does nothing."""
    from .refresher import loop_alive
    from .snapshots import refresh

    if loop_alive():
        return
    summary = refresh()
    if summary and summary["failed"]:
        log.warning("dashboard modules failed: %s", ", ".join(summary["failed"]))


@shared_task(name="dashboards.tasks.check_duty_posts", ignore_result=True)
def check_duty_posts():
    """Every minute: empty posts and officers not checked in 15 min after the start raise alerts (dedup'd)."""
    from .services.duty import check_posts

    check_posts()


@shared_task(name="dashboards.tasks.escalate_alerts", ignore_result=True)
def escalate_alerts():
    """Every minute: unacknowledged critical alerts go to the director after the centre's configured time."""
    from .services.alerts import escalate_overdue

    escalate_overdue()
