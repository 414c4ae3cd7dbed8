"""Dirty marks: which kinds of record changed in which courts, written when the change commits (issue 17).

A *kind* is a model label ("cases.Case", "querycontrol.ControlOrder", ...), the same names a module lists in
`sources` (dashboards/registry.py): a module depends on exactly the kinds it reads. A mark names a kind and the
court that owns the changed row (the row's own court, not its ancestors: the refresher adds those).

How marks are written (shapes):
- one counter per kind and court in the shared cache, `dash:dirty:<kind>:<court id>` → int, incremented by every
  committed change of that kind in that court; `<court id>` is "all" when the court could not be told (a row whose
  case is gone); the kind "*" means every kind (a case moved to another court: every record that follows the case
  moved with it);
- one global counter `dash:dirty` incremented after them, so the refresher reads one key per tick and reads the
  per-court counters only when it moved.

Why counters and not a set that the refresher empties: the refresher remembers the value of each counter it read
*before* recomputing and treats a counter as dirty while it differs from that value. A change that commits during
a recompute moves its counter again, so the next round sees it: a mark is never cleared by a recompute that started
before it (no lost update, and no atomic "take" needed, so the file cache of the tests works the same as Redis).

When: marks are collected per transaction and written by one `transaction.on_commit` callback; a rolled-back
transaction (or savepoint) drops its callback with it, so a rollback marks nothing. Writing the marks may fail
(cache down): the change stays committed, the failure is logged, and the modules' interval refresh catches up.

Where changes are seen: `post_save` / `post_delete` of every source model, and `rows_changed` of
`execcenter.models.scoped.ScopedQuerySet` for `update()`, `bulk_create()` and `bulk_update()` (the services' compare-
and-swap updates never call `save()`). Rows written by raw SQL (the demo seeder's COPY) are not marked: a seeding
ends with a full refresh.
"""

import logging

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from execcenter.models.scoped import court_of

log = logging.getLogger(__name__)

GLOBAL_KEY = "dash:dirty"
ALL_COURTS = "all"
ALL_KINDS = "*"


def mark_key(kind, court):
    return f"dash:dirty:{kind}:{court}"


class _Pending:
    """The marks of one transaction, written by its on_commit callback (registered once per transaction)."""

    def __init__(self):
        self.marks = set()
        self.written = False

    def __call__(self):
        self.written = True
        write(self.marks)


def mark(kind, court_ids, using=DEFAULT_DB_ALIAS):
    """Mark `kind` dirty in each of `court_ids` (ints; None → every court) when the current transaction commits.

    Outside a transaction the marks are written at once (autocommit: the change is already committed)."""
    courts = {ALL_COURTS if c is None else int(c) for c in court_ids}
    if not courts:
        return
    connection = connections[using]
    if not connection.in_atomic_block:
        write({(kind, c) for c in courts})
        return
    # Reuse this transaction's callback when it is still queued: Django removes the callbacks of a rolled-back
    # savepoint, so a mark made after such a rollback registers a new one (a mark may be written for a savepoint
    # that rolled back later — a spare recompute, never a lost one).
    pending = next(
        (f for _sids, f, _robust in connection.run_on_commit if isinstance(f, _Pending) and not f.written), None
    )
    if pending is None:
        pending = _Pending()
        transaction.on_commit(pending, using=using, robust=True)
    pending.marks.update((kind, c) for c in courts)


def write(marks):
    """Increment the counter of each (kind, court) mark, then the global counter (that order: a refresher that sees
    the global move finds every counter behind it already moved)."""
    if not marks:
        return
    try:
        for kind, court in sorted(marks, key=str):
            _incr(mark_key(kind, court))
        _incr(GLOBAL_KEY)
    except Exception:  # the change is committed; the interval refresh will show it (issue 16: cache down)
        log.exception("could not write dashboard dirty marks %s", sorted(marks, key=str))


def _incr(key):
    try:
        return cache.incr(key)
    except ValueError:  # missing: the first mark of its kind and court (or the cache was flushed)
        if cache.add(key, 1, None):
            return 1
        return cache.incr(key)


def read(kinds, court_ids):
    """{(kind, court): counter} for every kind (plus "*") × court (plus "all") that has a counter."""
    keys = {
        mark_key(k, c): (k, c) for k in [*kinds, ALL_KINDS] for c in [*court_ids, ALL_COURTS]
    }  # ~20 kinds × 200 courts: one MGET
    found = cache.get_many(list(keys))
    return {keys[k]: v for k, v in found.items()}


def read_global():
    return cache.get(GLOBAL_KEY)


# --- where changes are seen ----------------------------------------------------------------------------------------


def _court_field(model):
    return getattr(model._default_manager.get_queryset(), "court_field", None)


def _saved(sender, instance, using, **kwargs):
    field = _court_field(sender)
    mark(sender._meta.label, [court_of(instance, field) if field else None], using=using)


def _rows_changed(sender, court_ids, using, moved=False, **kwargs):
    # A case moved to another court: everything that belongs to it through the case moved too.
    mark(ALL_KINDS if moved else sender._meta.label, court_ids, using=using)


def connect(kinds):
    """Connect the change signals of every model named in `kinds` (called once from DashboardsConfig.ready)."""
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    from execcenter.models.scoped import rows_changed

    for label in kinds:
        try:
            model = apps.get_model(label)
        except LookupError:  # an app left out of INSTALLED_APPS: its modules report themselves missing
            continue
        uid = f"dashboards.dirty:{label}"
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_saved, sender=model, dispatch_uid=uid)
        rows_changed.connect(_rows_changed, sender=model, dispatch_uid=uid)
