"""终本 re-queries that run by themselves (法〔2016〕373号 Art. 9: after 终本 the court queries the respondent's
property through the network query system every six months for five years).

The beat calls `start_due` every QUERYCONTROL_REQUERY_EVERY_MINUTES. Each run starts at most a bounded number of
due rounds, spread over the day, as ordinary network queries with the purpose "终本案件定期查询" (so they are
audited, rate-limited per institution across all workers and crash-safe like any query) and records each
round's result through cases.closure.record_requery_result when its query finishes.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from cases.choices import ClosureType, RequeryStatus
from cases.closure import REQUERY_PURPOSE, requeries_due
from cases.models import Case, RequerySchedule
from execcenter.exceptions import DomainError
from querycontrol.models import QueryRequest

from .queries import submit_query

if TYPE_CHECKING:
    from datetime import date

    from django.db.models import QuerySet

logger = logging.getLogger(__name__)


def per_run() -> int:
    """Most rounds one beat run starts (a backlog such as the demo's hundreds of overdue rounds is worked off
    over the day instead of in one burst that would crowd out the judges' own queries)."""
    return int(settings.QUERYCONTROL_REQUERY_PER_RUN)


def max_active() -> int:
    """Most re-query fan-outs in flight at once, across all courts."""
    return int(settings.QUERYCONTROL_REQUERY_MAX_ACTIVE)


def every_minutes() -> int:
    return int(settings.QUERYCONTROL_REQUERY_EVERY_MINUTES)


def runs_left_today(now: datetime | None = None) -> int:
    """Beat runs left before local midnight, this one included (≥ 1)."""
    now = timezone.localtime(now)
    midnight = timezone.make_aware(datetime.combine(now.date() + timedelta(days=1), time.min), now.tzinfo)
    return max(1, math.ceil((midnight - now).total_seconds() / 60 / every_minutes()))


def quota(due_count: int, active_count: int, now: datetime | None = None) -> int:
    """How many rounds to start now: the day's due rounds spread evenly over the runs left today, never more
    than `per_run()` in one run nor more than leave room under `max_active()` fan-outs in flight."""
    if due_count <= 0:
        return 0
    spread = math.ceil(due_count / runs_left_today(now))
    return max(0, min(per_run(), spread, max_active() - active_count))


def due_rounds(today: date | None = None) -> QuerySet[RequerySchedule]:
    """Due rounds of 终本 cases that are still closed and not resumed, one per case (its earliest), oldest first.
    A case with a round already running waits for it."""
    running = RequerySchedule.objects.filter(case=OuterRef("case"), status=RequeryStatus.RUNNING)
    earlier = RequerySchedule.objects.filter(
        case=OuterRef("case"), status=RequeryStatus.DUE, round_no__lt=OuterRef("round_no")
    )
    resumed = Case.objects.filter(origin_case=OuterRef("case"))
    return (
        requeries_due(today=today)
        .filter(case__status="closed", case__closure_type=ClosureType.TERMINATED_THIS_ROUND)
        .exclude(Exists(running))
        .exclude(Exists(earlier))
        .exclude(Exists(resumed))
        .select_related("case__court")
        .order_by("due_on", "id")
    )


def start_due(today: date | None = None, now: datetime | None = None) -> dict[str, int]:
    """Start this run's share of due rounds. Idempotent: a round is started by compare-and-swap, so two beat
    runs (or a beat and a judge) never start the same round twice. Returns {"started", "skipped", "due"}."""
    rounds = due_rounds(today)
    due = rounds.count()
    active = QueryRequest.objects.active().filter(requery__isnull=False).count()
    started = skipped = 0
    for requery in rounds[: quota(due, active, now)]:
        try:
            _qr, created = submit_query(None, requery.case, purpose=REQUERY_PURPOSE, system=True, requery=requery)
        except DomainError as exc:
            # e.g. no respondent on the case, no institution configured, or the round started meanwhile: the round
            # keeps its state and says why; the next run looks again.
            RequerySchedule.objects.filter(pk=requery.pk, status=RequeryStatus.DUE).update(
                result=str(exc.message)[:200]
            )
            logger.warning(
                "终本 re-query round %s of case %s not started: %s", requery.round_no, requery.case_id, exc.message
            )
            skipped += 1
            continue
        started += int(created)
    return {"started": started, "skipped": skipped, "due": due}
