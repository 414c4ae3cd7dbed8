"""What the web and the sweeps know about the message broker (Redis, or the embedded filesystem broker).

`probe()` asks the broker now (healthz); `last_known()` answers from a per-process note refreshed by a
background probe at most every BROKER_PROBE_SECONDS, so the big screen's poll — which must stay free
of blocking I/O — can say "broker down" without ever waiting on a dead broker (issue 16).
"""

import threading
import time

from django.conf import settings

_state = {"ok": None, "checked": 0.0, "error": "", "probing": False}
_lock = threading.Lock()


def probe(timeout=2):
    """Connect to the broker now. Returns {"ok": True, "transport": …}; raises when it cannot be reached."""
    from execcenter.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=timeout)
        transport = conn.transport_cls
    _note(True, "")
    return {"ok": True, "transport": str(transport)}


def _note(ok, error):
    with _lock:
        _state.update(ok=ok, error=error[:200], checked=time.monotonic())


def _probe_in_background():
    try:
        probe(timeout=1)
    except Exception as exc:  # any failure to reach the broker means "down"
        _note(False, f"{type(exc).__name__}: {exc}")
    finally:
        _state["probing"] = False


def last_known():
    """{"ok": True | False | None (not probed yet), "age_s": seconds since the probe}; never blocks."""
    every = float(settings.BROKER_PROBE_SECONDS)
    with _lock:
        due = time.monotonic() - _state["checked"] >= every and not _state["probing"]
        if due:
            _state["probing"] = True
    if due:
        threading.Thread(target=_probe_in_background, name="broker-probe", daemon=True).start()
    return {"ok": _state["ok"], "age_s": round(time.monotonic() - _state["checked"], 1), "error": _state["error"]}


def queue_size(queue):
    """Messages waiting in `queue` (not those a worker holds), or None when the broker cannot say."""
    from execcenter.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            return int(conn.default_channel.queue_declare(queue=queue, passive=True).message_count)
    except Exception:  # an unknown size makes the caller take the safe path (re-send)
        return None
