"""The screens' refresher: a waiting loop that turns dirty marks into new snapshots within a tick (issue 17).

    .venv/bin/python manage.py refresh_screens            # one process per deployment (docker-compose: "screens")

Each round (`Refresher.step`):
1. reads the global mark counter (one cache read); when it moved, reads every (kind, court) counter (one MGET) and
   plans each module that reads a changed kind for the changed courts (dashboards/dirty.py);
2. when it has no per-court work: at most one non-additive module with pending marks (indicators, the ranking: each gathers the whole
   province whatever changed, so they queue and go one a round behind the cheap per-court work), or else at most
   one module whose interval has passed, over the whole province (time alone moves some figures: "today", days to
   a deadline; and it is the safety net for a change that was never marked, e.g. raw SQL);
3. runs the plan (`snapshots.refresh_plan`: dirty modules × dirty scopes only) and republishes the screens it
   touched; then remembers the counters it read *before* computing, so a mark set during the round stays dirty.
Work per round is bounded: the additive modules × at most MAX_INCREMENTAL_COURTS scoped gathers each (or one
province gather), plus one province gather of a queued or due module.

Why a waiting loop and not a shorter Celery beat: a beat task starts cold every time (no partial figures to update,
so every round would gather the province, ≈ 3 s at a million cases), and a beat tick shorter than a second floods
the broker with tasks that mostly find nothing to do. The loop keeps the partial figures in memory, and an idle tick
costs one cache read. While it runs it keeps a heartbeat key fresh; the beat task `refresh_snapshots` then does
nothing, and takes over again if the loop stops (the heartbeat lapses after HEARTBEAT_SECONDS).
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from execcenter.models import Court

from . import dirty, snapshots
from .registry import all_modules, source_kinds

log = logging.getLogger(__name__)

HEARTBEAT_KEY = "dash:refresher:alive"
HEARTBEAT_SECONDS = 15  # longer than one province gather, so a busy loop is not taken for a dead one


def loop_alive():
    """True while a refresher loop has beaten in the last HEARTBEAT_SECONDS (the beat task then stays idle)."""
    return bool(cache.get(HEARTBEAT_KEY))


class Refresher:
    """One loop's memory: the mark counters it has handled and when each module last covered the province."""

    def __init__(self):
        self.seen = {}  # (kind, court) → counter value already refreshed
        self.global_seen = None
        self.covered_at = {}  # module code → epoch seconds of its last province gather
        self.backlog = {}  # non-additive module code → dirty court ids not yet recomputed
        self.started = False

    def plan(self, counters):
        """{module code: set of court ids (None = every court)} for the counters that moved since last round."""
        modules = all_modules()
        plan = {}
        for (kind, court), value in counters.items():
            if self.seen.get((kind, court)) == value:
                continue
            court_id = None if court == dirty.ALL_COURTS else court
            for code, module in modules.items():
                if kind == dirty.ALL_KINDS or kind in module.sources:
                    plan.setdefault(code, set()).add(court_id)
        return plan

    def next_heavy(self, now):
        """The queued non-additive module gathered longest ago, once SCREEN_HEAVY_MIN_SECONDS have passed since its
        last province gather (marks in between coalesce into one gather), or None."""
        ready = [
            (self.covered_at.get(code, 0), code)
            for code in self.backlog
            if now.timestamp() - self.covered_at.get(code, 0) >= settings.SCREEN_HEAVY_MIN_SECONDS
        ]
        return min(ready)[1] if ready else None

    def due(self, now, exclude):
        """The most overdue module not already in `exclude`, or None. Overdue: its interval, but at least
        SCREEN_PROVINCE_REFRESH_SECONDS, has passed (minus a second of jitter) since its last province gather —
        changes arrive as marks, so the loop's province gathers only follow time (today, days to a deadline)."""
        floor = settings.SCREEN_PROVINCE_REFRESH_SECONDS
        late = [
            (now.timestamp() - self.covered_at.get(code, 0) - max(m.interval, floor), code)
            for code, m in all_modules().items()
            if code not in exclude and now.timestamp() - self.covered_at.get(code, 0) >= max(m.interval, floor) - 1
        ]
        return max(late)[1] if late else None

    def step(self, now=None):
        """One round; returns the refresh summary, or None when there was nothing to do or the lock was held."""
        now = now or timezone.now()
        reading = None
        current = dirty.read_global()
        if not self.started or current != self.global_seen:
            courts = list(Court.objects.values_list("pk", flat=True))
            reading = (current, dirty.read(source_kinds(), courts))
        heavy = None
        if not self.started:
            # Nothing in memory yet: gather every module over the province once (marks read before it are covered).
            plan = dict.fromkeys(all_modules())
        else:
            plan = {}
            modules = all_modules()
            for code, courts in (self.plan(reading[1]) if reading else {}).items():
                if modules[code].additive:
                    plan[code] = courts
                else:
                    self.backlog.setdefault(code, set()).update(courts)
            # A non-additive module (indicators, ranking) gathers the province for any change, and so does a module
            # whose interval passed: one of them a round, and only in a round without per-court work, so that
            # counts, money and alerts never wait behind a province gather of their own round.
            if not plan:
                heavy = self.next_heavy(now)
                if heavy is not None:
                    plan[heavy] = self.backlog.pop(heavy)
                else:
                    late = self.due(now, plan)
                    if late is not None:
                        plan[late] = None
        if not plan:
            if reading:
                self.global_seen, self.seen = reading
            return None
        summary = snapshots.refresh_plan(plan, now)
        if summary is None:
            if heavy is not None:  # not done: back in the queue
                self.backlog.setdefault(heavy, set()).update(plan[heavy] or {None})
            return None  # another refresh holds the lock: keep the marks, try again next tick
        self.started = True
        if reading:
            self.global_seen, self.seen = reading
        for code in summary["whole"]:
            # Finished for every scope (planned so, or too many dirty courts for a per-court gather).
            self.covered_at[code] = now.timestamp()
        return summary


def run(stop=None, tick=None, rounds=None):
    """Loop until `stop` (a threading.Event) is set or `rounds` rounds ran; `tick` seconds between idle rounds."""
    tick = settings.SCREEN_REFRESH_TICK_SECONDS if tick is None else tick
    refresher = Refresher()
    done = 0
    while not (stop is not None and stop.is_set()) and (rounds is None or done < rounds):
        cache.set(HEARTBEAT_KEY, time.time(), HEARTBEAT_SECONDS)
        try:
            summary = refresher.step()
        except Exception:  # a database or cache outage: log it and try again next tick (issue 16)
            log.exception("screen refresher round failed")
            summary = None
        if summary and summary["failed"]:
            log.warning("dashboard modules failed: %s", ", ".join(summary["failed"]))
        done += 1
        if summary is None:  # busy rounds go straight on: marks may have arrived while it computed
            if stop is not None:
                stop.wait(tick)
            else:
                time.sleep(tick)
    return refresher
