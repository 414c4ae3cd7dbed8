"""Sending one chunk of queries: rate-limited, batched, one answer (or error) per institution.

A chunk task asks its institutions through `Connector.query_many`, which a transport answers in one
round trip per batch (the institutions answer in parallel, so a batch costs its slowest member, not
the sum). The granted institutions are split over a few I/O threads per worker process; the shared
rate limiter decides which institutions may be asked now, the others wait for their next token.

`latency_ms` of a result is the time its batch took: an upper bound of that institution's own
latency (the interface reports answers per batch, not per member).

Prompt retries (issue 17): an institution that timed out or answered "busy" (a TransientConnectorError) is
asked again inside the same chunk run after a short jittered pause, a bounded number of times, instead of
waiting for the task's backoff (0–2 s, then 0–4 s) and a second delivery. The retry goes through the same
rate limiter (rate per second, max in flight), so it never exceeds what the institution allows. When most
of a chunk failed at once the gateway itself is down, and hammering it again at once helps nobody: the
chunk then leaves them to the task-level backoff, which stays the fallback for everything still failing.

Hedged prompt retries: a query is a read, so a prompt retry is sent as QUERYCONTROL_PROMPT_HEDGES copies at
once (each its own attempt number, each through the rate limiter) and the best answer wins. With ~2 % of
institutions failing an ask, one copy left ~80 % of realistic fan-outs with an institution that failed twice
and waited a third whole latency; two copies make that ~3 % for ~2 % more requests (bench/README.md). Orders
(freeze, deduct) never come here: an act is never sent twice.
"""

from __future__ import annotations

import os
import random
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
    attempt: int = 1  # the attempt number this answer came from (sent to the institution)

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
            Answer(error=got, latency_ms=latency, attempt=attempt)
            if isinstance(got, ConnectorError)
            else Answer(assets=got, latency_ms=latency, attempt=attempt)
        )
    return out


def _ask_batch_in_pool(*args):
    # Pool threads keep their own database connection (the simulator connector reads its tables);
    # drop it if it went stale, as Django does for request threads.
    close_old_connections()
    return _ask_batch(*args)


def _rank(answer: Answer) -> int:
    """Which of two answers of one institution counts: assets, then a refusal, then a transient error."""
    if answer.error is None:
        return 0
    return 2 if answer.transient else 1


def _merge(old: Answer | None, new: Answer) -> Answer:
    """The better answer of one institution asked several times at once (hedged copies). Its `attempt` is
    the highest attempt number sent, so QueryResult.attempts stays the number of asks."""
    if old is None:
        return new
    best = old if _rank(old) <= _rank(new) else new
    best.attempt = max(old.attempt, new.attempt)
    return best


def run_queries(
    connector: Connector,
    institutions: Iterable[Institution],
    party: Party,
    *,
    request_ref: str,
    attempt: int = 1,
    copies: int = 1,
    should_stop: Callable[[], bool] | None = None,
    deadline: float | None = None,
) -> dict[int, Answer]:
    """Ask every institution about `party`. Returns {institution_id: Answer} for those asked.

    `copies` > 1 hedges a read: each institution is asked that many times at once, copy h with attempt
    number `attempt` + h, each copy taking its own rate-limit token and in-flight slot (a copy the limiter
    refuses is simply not sent); the best answer wins (`_merge`). Institutions not asked (stop requested,
    or no rate-limit token before `deadline`) are absent from the result: the caller keeps them pending.
    `should_stop()` is checked between rounds, so a cancelled fan-out sends nothing more.
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
        grants = [limiter.acquire([limits[c] for c in waiting])]
        for _ in range(1, copies if grants[0].granted else 1):
            grants.append(limiter.acquire([limits[c] for c in grants[0].granted]))
        # At most about n batches in all, each of one attempt number, so the copies go out side by side.
        size = -(-sum(len(g.granted) for g in grants) // max(1, n))
        batches = [
            (g.granted[i : i + size], attempt + h) for h, g in enumerate(grants) for i in range(0, len(g.granted), size)
        ]
        try:
            if n <= 1 or len(batches) == 1:
                results = [_ask_batch(connector, codes, party, request_ref, number) for codes, number in batches]
            else:
                pool = _executor()
                futures = [
                    pool.submit(_ask_batch_in_pool, connector, codes, party, request_ref, number)
                    for codes, number in batches
                ]
                results = [f.result() for f in futures]
        finally:
            for grant in grants:
                limiter.release(grant)
        for batch in results:
            for code, answer in batch.items():
                pk = by_code[code].pk
                answers[pk] = _merge(answers.get(pk), answer)  # one limiter round per code: only its copies
        granted = set(grants[0].granted)
        waiting = [c for c in waiting if c not in granted]
        if waiting:
            time.sleep(grants[0].wait)
    return answers


# This many failing institutions are always asked again at once, whatever their share of a (small) chunk.
PROMPT_RETRY_FEW = 4


def prompt_retries() -> int:
    """Prompt retries per institution within one chunk run (QUERYCONTROL_PROMPT_RETRIES, default 2; 0: off)."""
    return max(0, int(settings.QUERYCONTROL_PROMPT_RETRIES))


def prompt_hedges() -> int:
    """Copies of each prompt-retry ask sent at once (QUERYCONTROL_PROMPT_HEDGES, default 2; 1: no hedging)."""
    return max(1, int(settings.QUERYCONTROL_PROMPT_HEDGES))


def attempt_number(task_attempt: int, round_no: int, retries: int, hedges: int = 1) -> int:
    """The attempt number sent to the institution (the first copy's, for a hedged round): unique per (task
    attempt, round, copy), rising.

    Task attempt t (1, 2, ...) asks once in round 0 and `hedges` copies in each of rounds 1..retries, so it
    uses 1 + retries × hedges numbers: round 0 is (t - 1) × (1 + retries × hedges) + 1, round r ≥ 1 starts at
    that + 1 + (r - 1) × hedges, and its copy h is that + h. With hedges = 1 it is (t - 1) × (retries + 1)
    + round + 1, and with retries = 0 the task attempt, as before. An institution draws its faults per attempt
    (the simulator; a real gateway logs it), so every retry and every copy is a fresh try.
    """
    first = (task_attempt - 1) * (1 + retries * hedges) + 1
    return first if round_no == 0 else first + 1 + (round_no - 1) * hedges


def run_with_prompt_retries(
    connector: Connector,
    institutions: Iterable[Institution],
    party: Party,
    *,
    request_ref: str,
    attempt: int = 1,
    retries: int | None = None,
    hedges: int | None = None,
    should_stop: Callable[[], bool] | None = None,
    deadline: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    ask: Callable[..., dict[int, Answer]] | None = None,
    of_total: int | None = None,
) -> dict[int, Answer]:
    """`run_queries`, then ask again at once (after a pause of 0..QUERYCONTROL_PROMPT_RETRY_DELAY_MS, full
    jitter) the institutions whose answer is a named transient error, at most `retries` more rounds, each ask
    sent as `hedges` copies at once (default QUERYCONTROL_PROMPT_HEDGES; the best answer wins).

    Returns {institution_id: Answer}, each the latest answer of that institution (Answer.attempt says which
    attempt). Nothing is recorded here: the caller writes one result per institution, once. No prompt round
    runs when stop is requested, when the pause would pass `deadline`, or when more than
    QUERYCONTROL_PROMPT_RETRY_MAX_SHARE of `of_total` (the chunk's institutions; default: those asked now) and
    more than PROMPT_RETRY_FEW failed transiently: that is an outage, left to the task's backoff. The share
    counts against the whole chunk because a task retry asks only the few that failed before, all of
    which may fail again without any outage. An institution the round could not ask (rate limit up to the
    deadline) keeps its earlier answer.
    """
    ask = ask or run_queries  # each round of asking (a test wraps it)
    institutions = list(institutions)
    retries = prompt_retries() if retries is None else max(0, retries)
    hedges = prompt_hedges() if hedges is None else max(1, hedges)
    by_pk = {i.pk: i for i in institutions}
    answers = ask(
        connector,
        institutions,
        party,
        request_ref=request_ref,
        attempt=attempt_number(attempt, 0, retries, hedges),
        should_stop=should_stop,
        deadline=deadline,
    )
    delay_s = max(0, int(settings.QUERYCONTROL_PROMPT_RETRY_DELAY_MS)) / 1000.0
    max_share = float(settings.QUERYCONTROL_PROMPT_RETRY_MAX_SHARE)
    for round_no in range(1, retries + 1):
        again = [pk for pk, a in answers.items() if a.transient]
        if not again or len(again) > max(PROMPT_RETRY_FEW, max_share * (of_total or len(answers))):
            break
        # Full jitter: the chunks of one fan-out failed at about the same moment, and their retries
        # should not reach the same institution's gateway in one burst.
        pause = delay_s * random.random()
        if (should_stop and should_stop()) or (deadline and time.monotonic() + pause > deadline):
            break
        sleep(pause)
        answers.update(
            ask(
                connector,
                [by_pk[pk] for pk in again],
                party,
                request_ref=request_ref,
                attempt=attempt_number(attempt, round_no, retries, hedges),
                copies=hedges,
                should_stop=should_stop,
                deadline=deadline,
            )
        )
    return answers
