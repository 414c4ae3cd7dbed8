"""Sending one chunk of queries: rate-limited, batched, one answer (or error) per institution.

A chunk task asks its institutions through `Connector.query_many`, which a transport answers in one
round trip per batch (the institutions answer in parallel, so a batch costs its slowest member, not
the sum). The granted institutions are split over a few I/O threads per worker process; the shared
rate limiter decides which institutions may be asked now, the others wait for their next token.

`latency_ms` of a result is the time its batch took: an upper bound of that institution's own
latency (the interface reports answers per batch, not per member).
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import close_old_connections

from querycontrol.connectors import ConnectorError, FoundAsset, Party, TransientConnectorError
from querycontrol.connectors.validation import InvalidAnswer
from querycontrol.ratelimit import get_rate_limiter, limits_for

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from querycontrol.connectors.base import Connector
    from querycontrol.models import Institution

_pool_lock = threading.Lock()
_pool = {"pid": None, "executor": None}


def threads() -> int:
    return int(settings.QUERYCONTROL_QUERY_THREADS)


def _executor():
    """One pool per worker process (created after the fork), reused by every chunk it runs."""
    from concurrent.futures import ThreadPoolExecutor

    with _pool_lock:
        if _pool["pid"] != os.getpid():
            _pool["executor"] = ThreadPoolExecutor(max_workers=threads(), thread_name_prefix="query")
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


def _ask_batch(connector, codes, party, request_ref, attempt):
    started = time.perf_counter()
    try:
        answers = connector.query_many(codes, party, request_ref=request_ref, attempt=attempt)
    except ConnectorError as exc:  # the whole batch failed (gateway down): every member gets the error
        answers = dict.fromkeys(codes, exc)
    latency = int((time.perf_counter() - started) * 1000)
    out = {}
    for code in codes:
        got = answers.get(code, TransientConnectorError("no answer in batch"))
        if not isinstance(got, ConnectorError) and not (
            isinstance(got, list) and all(isinstance(a, FoundAsset) for a in got)
        ):
            got = InvalidAnswer("connector returned no asset list")  # a transport bug, confined to this institution
        out[code] = (
            Answer(error=got, latency_ms=latency)
            if isinstance(got, ConnectorError)
            else Answer(assets=got, latency_ms=latency)
        )
    return out


def _ask_batch_in_pool(*args):
    # Pool threads keep their own database connection (the simulator connector reads its tables);
    # drop it if it went stale, as Django does for request threads.
    close_old_connections()
    return _ask_batch(*args)


def run_queries(
    connector: Connector,
    institutions: Iterable[Institution],
    party: Party,
    *,
    request_ref: str,
    attempt: int = 1,
    should_stop: Callable[[], bool] | None = None,
    deadline: float | None = None,
) -> dict[int, Answer]:
    """Ask every institution about `party`. Returns {institution_id: Answer} for those asked.

    Institutions not asked (stop requested, or no rate-limit token before `deadline`) are absent
    from the result: the caller keeps them pending. `should_stop()` is checked between rounds, so a
    cancelled fan-out sends nothing more.
    """
    limiter = get_rate_limiter()
    by_code = {i.code: i for i in institutions}
    limits = {lim.code: lim for lim in limits_for(institutions)}
    waiting = list(by_code)
    answers = {}
    n = threads()
    while waiting:
        if (should_stop and should_stop()) or (deadline and time.monotonic() > deadline):
            break
        grant = limiter.acquire([limits[c] for c in waiting])
        if grant.granted:
            size = -(-len(grant.granted) // max(1, n))
            groups = [grant.granted[i : i + size] for i in range(0, len(grant.granted), size)]
            try:
                if n <= 1 or len(groups) == 1:
                    results = [_ask_batch(connector, g, party, request_ref, attempt) for g in groups]
                else:
                    pool = _executor()
                    futures = [
                        pool.submit(_ask_batch_in_pool, connector, g, party, request_ref, attempt) for g in groups
                    ]
                    results = [f.result() for f in futures]
            finally:
                limiter.release(grant)
            for batch in results:
                for code, answer in batch.items():
                    answers[by_code[code].pk] = answer
            granted = set(grant.granted)
            waiting = [c for c in waiting if c not in granted]
        if waiting:
            time.sleep(grant.wait)
    return answers
