"""Sending one chunk of queries: rate-limited, concurrent, one answer (or error) per institution.

A chunk task runs here with its institutions; the I/O happens in a per-process thread pool, so a
chunk of slow institutions costs about one slow answer, not the sum of them. The shared rate
limiter decides which institutions may be asked now; the others wait for their next token.
"""
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from django.conf import settings
from django.db import close_old_connections

from querycontrol.connectors import ConnectorError, Party, TransientConnectorError
from querycontrol.ratelimit import Grant, get_rate_limiter, limits_for

_pool_lock = threading.Lock()
_pool = {"pid": None, "executor": None}


def _executor():
    """One pool per worker process (created after the fork), reused by every chunk it runs."""
    import os

    with _pool_lock:
        if _pool["pid"] != os.getpid():
            threads = int(getattr(settings, "QUERYCONTROL_QUERY_THREADS", 16))
            _pool["executor"] = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="query")
            _pool["pid"] = os.getpid()
        return _pool["executor"]


@dataclass
class Answer:
    assets: list = field(default_factory=list)
    error: ConnectorError | None = None
    latency_ms: int = 0

    @property
    def transient(self):
        return isinstance(self.error, TransientConnectorError)


def _ask_in_pool(connector, code, party, request_ref, attempt):
    # Pool threads keep their own database connection (the simulator connector reads its tables);
    # drop it if it went stale, as Django does for request threads.
    close_old_connections()
    return _ask(connector, code, party, request_ref, attempt)


class _Inline:
    """Runs the call at once in this thread (QUERYCONTROL_QUERY_THREADS=1; in-process unit tests)."""

    def submit(self, _fn, *args):
        from concurrent.futures import Future

        future = Future()
        future.set_result(_ask(*args))
        return future


def _ask(connector, code, party, request_ref, attempt):
    started = time.perf_counter()
    try:
        assets = connector.query(code, party, request_ref=request_ref, attempt=attempt)
        return Answer(assets=assets, latency_ms=int((time.perf_counter() - started) * 1000))
    except ConnectorError as exc:
        return Answer(error=exc, latency_ms=int((time.perf_counter() - started) * 1000))


def run_queries(connector, institutions, party: Party, *, request_ref, attempt=1, should_stop=None, deadline=None):
    """Ask every institution about `party`. Returns {institution_id: Answer} for those asked.

    Institutions not asked (stop requested, or no rate-limit token before `deadline`) are absent
    from the result: the caller keeps them pending. `should_stop()` is checked between rounds, so a
    cancelled fan-out sends nothing more.
    """
    limiter = get_rate_limiter()
    inline = int(getattr(settings, "QUERYCONTROL_QUERY_THREADS", 16)) <= 1
    pool = _Inline() if inline else _executor()
    by_code = {i.code: i for i in institutions}
    limits = {lim.code: lim for lim in limits_for(institutions)}
    waiting = list(by_code)
    running = {}  # future -> (code, grant)
    answers = {}
    pause = 0.0
    while waiting or running:
        if waiting and not (should_stop and should_stop()) and not (deadline and time.monotonic() > deadline):
            grant = limiter.acquire([limits[c] for c in waiting])
            for code in grant.granted:
                running[pool.submit(_ask_in_pool, connector, code, party, request_ref, attempt)] = (code, grant)
            granted = set(grant.granted)
            waiting = [c for c in waiting if c not in granted]
            pause = grant.wait
        elif waiting:
            waiting = []  # stop or deadline: the rest stay pending for a later run
        if not running:
            if waiting:
                time.sleep(pause)
            continue
        done, _ = wait(list(running), timeout=pause if waiting else None, return_when=FIRST_COMPLETED)
        finished = {}  # lease -> codes answered, released in one round trip
        for future in done:
            code, grant = running.pop(future)
            answers[by_code[code].pk] = future.result()
            finished.setdefault(grant.lease, []).append(code)
        for lease, codes in finished.items():
            limiter.release(Grant(codes, lease, 0.0))
    return answers
