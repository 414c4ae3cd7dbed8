"""Beat tasks of the command app: thin, idempotent, they call services and take primary keys."""

import datetime as dt
from functools import partial

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from execcenter.models import Court

from . import indicators
from .bulletins import generate_bulletin, period_for
from .services import raise_overdue_letter_alerts


@shared_task(name="command.tasks.overdue_letters", ignore_result=True)
def overdue_letters():
    """Alerts for assistance letters past their due date (deduplicated per letter)."""
    return raise_overdue_letter_alerts()


@shared_task(name="command.tasks.check_indicator_targets", ignore_result=True)
def check_indicator_targets():
    """Early warnings for the "3+1" set, year to date, for every court."""
    period = indicators.Period.year_to_date(timezone.localdate())
    for court in Court.objects.all():
        indicators.check_targets(court, period)


@shared_task(name="command.tasks.generate_bulletin", ignore_result=True)
def generate_bulletin_task(court_id, kind, start, end):
    """One bulletin; rebuilding the same (court, kind, period) replaces it, so a repeat changes nothing twice."""
    period = indicators.Period(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    generate_bulletin(Court.objects.get(pk=court_id), kind, period)


@shared_task(name="command.tasks.scheduled_bulletins", ignore_result=True)
def scheduled_bulletins(kind):
    """On the 1st/11th/21st (旬) or the 1st (month): one task per court for the period that just ended."""
    period = period_for(kind, timezone.localdate())
    with transaction.atomic():
        for court_id in Court.objects.values_list("pk", flat=True):
            transaction.on_commit(
                partial(generate_bulletin_task.delay, court_id, kind, str(period.start), str(period.end))
            )
