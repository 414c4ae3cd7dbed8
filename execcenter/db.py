"""Read replicas for the dashboards (docs/design.md §6: "PostgreSQL with read replicas for the dashboards").

With DATABASE_REPLICA_URL set, settings define a second alias, `replica`. Code that only reads and may lag a few
seconds behind the primary — the snapshot refresh of the 40 screen modules — runs inside `reading_replica()`, and
this router sends its reads there. Everything else (every write, and the reads of services that read their own
writes or take row locks: case state, money, control orders) stays on the primary, as without a replica.
"""

import contextlib
import contextvars

from django.conf import settings

REPLICA = "replica"
_reading = contextvars.ContextVar("reading_replica", default=False)


def replica_alias():
    """The alias heavy reads should use now: `replica` inside reading_replica() when one is configured."""
    return REPLICA if _reading.get() and REPLICA in settings.DATABASES else "default"


@contextlib.contextmanager
def reading_replica():
    token = _reading.set(True)
    try:
        yield replica_alias()
    finally:
        _reading.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return replica_alias()

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # a replica follows the primary's schema by replication
