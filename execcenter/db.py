"""Read replicas for the heavy reads (docs/design.md §6: "PostgreSQL with read replicas for the dashboards").

With DATABASE_REPLICA_URL set, settings define a second alias, `replica`. Code that only reads and may lag a few
seconds behind the primary runs inside `reading_replica()`, and this router sends its reads there: the snapshot
refresh of the 40 screen modules, the indicator pages and API, a bulletin's figures and the streamed exports.
Everything else (every write, and the reads of services that read their own writes or take row locks: sessions,
case state, money, control orders) stays on the primary, as without a replica.

Fallback: entering reading_replica() asks the replica `SELECT 1` (one round trip on the kept connection); when it
does not answer, the block reads the primary and the replica is left alone for DATABASE_REPLICA_RETRY_SECONDS (per
process), so a replica that is down costs one failed connect per interval, not one per page. A replica lost in the
middle of a block fails that block's queries; the snapshot refresh then falls back module by module
(dashboards.snapshots). Lag: replica_lag() (below), shown on the screen's data time (docs/deployment.md).
"""

import contextlib
import contextvars
import logging
import time

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections

log = logging.getLogger(__name__)

REPLICA = "replica"
# The alias the current reading_replica() block chose (None outside any block: everything reads the primary).
_reading = contextvars.ContextVar("reading_replica", default=None)
# Per process: until when (time.monotonic()) the replica counts as down, and why.
_down = {"until": 0.0, "error": ""}

# The errors that mean "the replica is not there" (connection refused, terminated, recovery conflict).
REPLICA_ERRORS = (OperationalError, InterfaceError)


def replica_configured():
    return REPLICA in settings.DATABASES


def replica_alias():
    """The alias heavy reads use now: the one reading_replica() chose, else `default`."""
    return _reading.get() or "default"


def replica_down_reason():
    """Why the replica is not used now ('' when it is, or when none is configured)."""
    return _down["error"] if time.monotonic() < _down["until"] else ""


def mark_replica_down(exc):
    """Leave the replica alone for DATABASE_REPLICA_RETRY_SECONDS after `exc`; close its broken connection."""
    _down["until"] = time.monotonic() + settings.DATABASE_REPLICA_RETRY_SECONDS
    _down["error"] = f"{type(exc).__name__}: {exc}".strip()[:200]
    log.warning(
        "read replica unavailable, reading the primary for %ss: %s", settings.DATABASE_REPLICA_RETRY_SECONDS, exc
    )
    with contextlib.suppress(DatabaseError):
        connections[REPLICA].close()


def probe_replica():
    """True when the replica answers now; False (and marked down) when it does not or was down recently."""
    if not replica_configured() or replica_down_reason():
        return False
    try:
        with connections[REPLICA].cursor() as cur:
            cur.execute("SELECT 1")
        return True
    except REPLICA_ERRORS as exc:
        mark_replica_down(exc)
        return False


@contextlib.contextmanager
def reading_replica():
    """Reads inside go to the replica when one is configured and answers, else to the primary. Yields the alias."""
    token = _reading.set(REPLICA if probe_replica() else "default")
    try:
        yield _reading.get()
    finally:
        _reading.reset(token)


def replica_rows(rows):
    """Iterate `rows` (a lazy generator of database rows, e.g. a streamed export's) reading the replica when there
    is one. The alias is chosen once, at the first row; it is set only around each step, never across a yield, so
    the server code that runs between rows (and a response abandoned half-way) keeps reading the primary."""
    with reading_replica() as alias:
        pass
    iterator = None
    while True:
        token = _reading.set(alias)
        try:
            if iterator is None:
                iterator = iter(rows)
            row = next(iterator)
        except StopIteration:
            return
        finally:
            _reading.reset(token)
        yield row


def fall_back_to_primary(exc):
    """Inside reading_replica(): the replica failed mid-block; the rest of the block reads the primary."""
    mark_replica_down(exc)
    _reading.set("default")


def replica_lag(wait=1.0):
    """Seconds (float) the replica's data is behind the primary's, measured now; None when no replica is in use.

    First the primary's current WAL position is read; then the replica is asked until it has replayed up to
    that position, for at most `wait` seconds: when it gets there, the lag is the time that took (0.0 when
    it already had). When it does not, the lag is the age of the last transaction it replayed
    (now() - pg_last_xact_replay_timestamp(), an upper bound: it has nothing newer), and at least `wait`.
    A replica alias pointing at a server not in recovery (a test mirror) has no lag. Raises REPLICA_ERRORS
    when the replica fails while asked (the caller falls back).
    """
    if not replica_configured() or replica_alias() != REPLICA or connections[REPLICA].vendor != "postgresql":
        return None
    with connections["default"].cursor() as cur:
        cur.execute("SELECT pg_current_wal_lsn()::text")
        primary_lsn = cur.fetchone()[0]
    started = time.monotonic()
    with connections[REPLICA].cursor() as cur:
        while True:
            cur.execute(
                "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn() >= %s::pg_lsn, "
                "EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float",
                [primary_lsn],
            )
            in_recovery, caught_up, last_replayed_age = cur.fetchone()
            waited = time.monotonic() - started
            if not in_recovery:
                return 0.0
            if caught_up:
                return round(waited, 3)
            if waited >= wait:
                return round(max(waited, last_replayed_age or 0.0), 3)
            time.sleep(0.05)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return replica_alias()

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # a replica follows the primary's schema by replication
