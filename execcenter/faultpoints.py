"""Named fault points: places in the fan-out and order paths where a test (or `make faults`) can make the
process crash, to prove that every state a crash leaves behind is recovered by the sweeps (issue 16).

A point costs one dict lookup when nothing is armed. It is armed either in-process (`armed(name)`: the
point raises `InjectedCrash`, a BaseException, so no `except Exception` on the way out can swallow it —
as with a real crash, nothing after the point runs and an open transaction rolls back) or for a whole
process through the environment, read once at import:

    EC_FAULT_POINTS="query.chunk.written=kill-once,order.send.claimed=raise"

Actions: `raise` (InjectedCrash every time), `kill` (SIGKILL this process every time), `kill-once` (SIGKILL
the first process that reaches the point; a marker file in EC_FAULT_DIR, default VAR_DIR, keeps the
restarted or redelivered worker from dying again).
"""

import contextlib
import os
import signal
from pathlib import Path

# Every point, in the order the paths reach them (tests crash at each; `make faults` arms them by name).
POINTS = (
    # network query fan-out (querycontrol.services.queries)
    "query.submitted",  # the request and its chunk messages committed, nothing handed to the broker yet
    "query.chunk.claimed",  # the chunk's run is claimed (version bumped), nothing asked yet
    "query.chunk.answered",  # the institutions answered, nothing written yet
    "query.chunk.written",  # the chunk's answers committed, the request's final status not yet written
    "query.request.finished",  # the request's final status committed
    # control orders (querycontrol.services.orders / sending)
    "order.approved",  # the approval committed, the send message not yet handed to the broker
    "order.send.claimed",  # APPROVED → SENT committed, the institution not yet called
    "order.send.answered",  # the institution answered, the answer not yet applied
    "order.apply.saved",  # inside the applying transaction: order saved, receipt booked, not committed
    "order.applied",  # the answer committed
)


class InjectedCrash(BaseException):
    """Raised by an armed fault point: stands for the process dying there."""


_armed: dict[str, str] = {}


def _from_env():
    spec = os.environ.get("EC_FAULT_POINTS", "")
    for item in filter(None, (s.strip() for s in spec.split(","))):
        name, _sep, action = item.partition("=")
        _armed[name] = action or "raise"


_from_env()


def _marker(name):
    base = os.environ.get("EC_FAULT_DIR")
    if not base:
        from django.conf import settings

        base = settings.VAR_DIR
    return Path(base) / f"fault-{name}.fired"


def point(name):
    """Crash here if `name` is armed (see the module docstring); otherwise do nothing."""
    if not _armed:
        return
    action = _armed.get(name)
    if action is None:
        return
    if action == "raise":
        raise InjectedCrash(name)
    if action == "kill-once":
        try:
            fd = os.open(_marker(name), os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return
        os.close(fd)
        os.kill(os.getpid(), signal.SIGKILL)
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)


def arm(name, action="raise"):
    if name not in POINTS:
        raise ValueError(f"unknown fault point {name!r}")
    _armed[name] = action


def disarm(name=None):
    if name is None:
        _armed.clear()
    else:
        _armed.pop(name, None)


@contextlib.contextmanager
def armed(name, action="raise"):
    arm(name, action)
    try:
        yield
    finally:
        disarm(name)
