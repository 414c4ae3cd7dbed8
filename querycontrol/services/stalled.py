"""One sweep for work whose message was lost: a killed worker (filesystem broker), a message Redis holds unacked
until its visibility timeout, a broker that was down when the row was committed. The row is the truth (it was
saved before its task was enqueued), so the sweep only has to enqueue the task again."""

import datetime
from collections.abc import Callable

from django.db.models import QuerySet
from django.utils import timezone


def redeliver_stalled(rows: QuerySet, enqueue: Callable[[int], object], *, older_than: datetime.timedelta) -> int:
    """Enqueue `enqueue(pk)` again for each row of `rows` (already filtered to work still owed) whose
    `updated_at` is older than `older_than`. Returns how many were re-enqueued.

    The rows are touched first, so the next sweep leaves them alone while their message waits in the queue.
    Safe to run twice and alongside the first delivery: every task it enqueues is idempotent (chunk versions,
    the order UUID as the institution's idempotency key).
    """
    ids = list(rows.filter(updated_at__lt=timezone.now() - older_than).values_list("pk", flat=True))
    if ids:
        rows.model.objects.filter(pk__in=ids).update(updated_at=timezone.now())
        for pk in ids:
            enqueue(pk)
    return len(ids)
