"""The simulator's notion of 'now'. Tests (and demos) move it forward to let terms lapse and
debtors move money, without touching the product's own clock.
"""

import datetime

from django.utils import timezone

_offset = datetime.timedelta(0)


def now() -> datetime.datetime:
    return timezone.now() + _offset


def today() -> datetime.date:
    return timezone.localdate(now())


def advance(**delta) -> None:
    """Move simulated time forward, e.g. advance(days=400)."""
    global _offset
    _offset += datetime.timedelta(**delta)


def reset() -> None:
    global _offset
    _offset = datetime.timedelta(0)
