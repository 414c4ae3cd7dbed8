"""Prompt retries inside a chunk run (issue 17): a timed-out or busy institution is asked again at once, a
bounded number of times, through the rate limiter; permanent errors and outages are left alone."""

import pytest
from django.test import override_settings

from querycontrol.connectors import ConnectorTimeout, Party, PermanentConnectorError, TransientConnectorError
from querycontrol.connectors.base import Connector
from querycontrol.models import Institution, QueryChunk, QueryResult
from querycontrol.ratelimit import get_rate_limiter
from querycontrol.services import fanout
from querycontrol.services import queries as query_services
from simulator.generation import unit
from simulator.models import SimInstitution

PARTY = Party(name="王富贵", id_number="640105197505050011")


class Scripted(Connector):
    """Answers each code from a script: 'ok', 'timeout', 'busy', 'refused', or a list per attempt."""

    def __init__(self, script):
        self.script = script
        self.calls = []  # (code, attempt)

    def query(self, institution_code, party, *, request_ref, attempt=1):
        self.calls.append((institution_code, attempt))
        what = self.script[institution_code]
        if isinstance(what, list):
            what = what[min(attempt, len(what)) - 1]
        if what == "timeout":
            raise ConnectorTimeout("timed out")
        if what == "busy":
            raise TransientConnectorError("busy")
        if what == "refused":
            raise PermanentConnectorError("unknown party")
        return []

    def _control(self, *args, **kwargs):  # pragma: no cover - queries only
        raise NotImplementedError


def insts(codes):
    out = [fanout_inst(n, c) for n, c in enumerate(codes, start=1)]
    get_rate_limiter().reset(list(codes))
    return out


def fanout_inst(pk, code):
    return query_services._Inst(pk, code, 1000, 50)


def run(connector, institutions, **kw):
    pauses = []
    answers = fanout.run_with_prompt_retries(
        connector, institutions, PARTY, request_ref="ref-1", sleep=pauses.append, **kw
    )
    return answers, pauses


@override_settings(QUERYCONTROL_PROMPT_RETRY_DELAY_MS=250, QUERYCONTROL_QUERY_THREADS=1)
def test_a_timed_out_institution_is_asked_again_at_once_with_the_next_attempt_number(db):
    codes = [f"B{n}" for n in range(10)]
    script = dict.fromkeys(codes, "ok") | {"B3": ["timeout", "ok"]}
    connector = Scripted(script)
    answers, pauses = run(connector, insts(codes), retries=1, hedges=1)
    assert [c for c in connector.calls if c[0] == "B3"] == [("B3", 1), ("B3", 2)]
    assert sorted(c for c, _a in connector.calls).count("B0") == 1  # the others once
    assert answers[4].error is None and answers[4].attempt == 2
    assert len(pauses) == 1 and 0 <= pauses[0] <= 0.25


@override_settings(QUERYCONTROL_QUERY_THREADS=1)
def test_a_permanent_error_is_not_retried_and_attempts_are_bounded(db):
    codes = ["OK1", "NO", "SLOW", "BUSY"] + [f"OK{n}" for n in range(2, 10)]  # 2 of 12 transient: no outage
    script = dict.fromkeys(codes, "ok") | {"NO": "refused", "SLOW": "timeout", "BUSY": ["busy", "busy", "ok"]}
    connector = Scripted(script)
    answers, pauses = run(connector, insts(codes), retries=2, hedges=1)
    asked = {c: [a for code, a in connector.calls if code == c] for c in codes[:5]}
    assert asked == {"OK1": [1], "NO": [1], "SLOW": [1, 2, 3], "BUSY": [1, 2, 3], "OK2": [1]}
    assert isinstance(answers[2].error, PermanentConnectorError) and answers[2].attempt == 1
    assert isinstance(answers[3].error, ConnectorTimeout) and answers[3].attempt == 3
    assert answers[4].error is None and answers[4].attempt == 3
    assert len(pauses) == 2


@override_settings(QUERYCONTROL_QUERY_THREADS=1, QUERYCONTROL_PROMPT_RETRY_MAX_SHARE=0.25)
def test_an_outage_is_left_to_the_task_backoff(db):
    codes = [f"B{n}" for n in range(8)]
    connector = Scripted(dict.fromkeys(codes, "timeout") | {"B0": "ok"})
    answers, pauses = run(connector, insts(codes), retries=1)
    assert len(connector.calls) == 8 and pauses == []  # 7 of 8 failed: nobody asked again at once
    assert all(answers[n].transient for n in range(2, 9))


@override_settings(QUERYCONTROL_QUERY_THREADS=1)
def test_no_prompt_round_past_the_deadline_or_when_stopped(db):
    import time

    codes = ["A", "B", "C", "D"]
    connector = Scripted({"A": "ok", "B": "ok", "C": "ok", "D": "timeout"})
    run(connector, insts(codes), retries=1, deadline=time.monotonic() + 0.0001)
    assert [a for c, a in connector.calls if c == "D"] in ([1], [])
    connector = Scripted({"A": "ok", "B": "ok", "C": "ok", "D": "timeout"})
    stops = iter([False, True])
    run(connector, insts(codes), retries=1, should_stop=lambda: next(stops, True))
    assert [a for c, a in connector.calls if c == "D"] == [1]


def test_attempt_numbers_rise_across_task_attempts():
    assert [fanout.attempt_number(t, r, 1) for t in (1, 2, 3) for r in (0, 1)] == [1, 2, 3, 4, 5, 6]
    assert [fanout.attempt_number(t, 0, 0) for t in (1, 2, 3)] == [1, 2, 3]
    # Hedged: round r ≥ 1 sends copies first .. first + hedges - 1; every number used once, rising.
    sent = []
    for t in (1, 2):
        for r in (0, 1, 2):
            first = fanout.attempt_number(t, r, 2, 2)
            sent += [first] if r == 0 else [first, first + 1]
    assert sent == list(range(1, 11))


@override_settings(QUERYCONTROL_PROMPT_RETRY_DELAY_MS=0)
@pytest.mark.parametrize("threads", [1, 4])
def test_a_prompt_retry_is_sent_as_hedged_copies_and_the_best_answer_wins(db, threads):
    codes = [f"H{n}" for n in range(12)]
    # H1: the first copy fails again, the second answers. H2: both copies fail, the next round's answer.
    # H3: refused on its first copy, answered on the second (a refusal never hides an answer).
    script = dict.fromkeys(codes, "ok") | {
        "H1": ["timeout", "busy", "ok"],
        "H2": ["timeout", "timeout", "busy", "ok", "timeout"],
        "H3": ["busy", "refused", "ok"],
    }
    connector = Scripted(script)
    with override_settings(QUERYCONTROL_QUERY_THREADS=threads):
        answers, pauses = run(connector, insts(codes), retries=2, hedges=2)
    asked = {c: sorted(a for code, a in connector.calls if code == c) for c in ("H0", "H1", "H2", "H3")}
    assert asked == {"H0": [1], "H1": [1, 2, 3], "H2": [1, 2, 3, 4, 5], "H3": [1, 2, 3]}
    assert answers[2].error is None and answers[2].attempt == 3  # attempts = asks, the winner's copy aside
    assert answers[3].error is None and answers[3].attempt == 5
    assert answers[4].error is None and answers[4].attempt == 3
    assert len(pauses) == 2


@override_settings(QUERYCONTROL_QUERY_THREADS=2, QUERYCONTROL_PROMPT_RETRY_DELAY_MS=0)
def test_a_hedged_copy_the_rate_limiter_refuses_is_not_sent(db):
    codes = [f"L{n}" for n in range(6)]
    connector = Scripted(dict.fromkeys(codes, "ok") | {"L0": ["timeout", "ok"]})
    institutions = insts(codes)
    institutions[0] = query_services._Inst(1, "L0", 1000, 1)  # at most one ask in flight at a time
    answers, _ = run(connector, institutions, retries=1, hedges=2)
    assert sorted(a for c, a in connector.calls if c == "L0") == [1, 2]  # the second copy found no slot
    assert answers[1].error is None


def submit(case, judge, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        qr, _ = query_services.submit_query(judge.user, case, purpose="财产调查")
    return qr


@override_settings(SIMULATOR_LATENCY="failures", QUERYCONTROL_PROMPT_RETRIES=1)
def test_a_chunk_answers_a_timed_out_institution_in_the_same_run_exactly_once(
    case, judge_xixia, institutions, django_capture_on_commit_callbacks
):
    SimInstitution.objects.update(failure_rate=0, timeout_rate=0)
    qr = submit(case, judge_xixia, django_capture_on_commit_callbacks)
    ref = str(qr.uuid)
    # The simulator's draws are fixed by (ref, code, attempt): pick an institution whose first draw is
    # below its second, and a timeout rate between them — attempt 1 times out, attempt 2 answers.
    code, u1, u2 = next(
        (c, unit("timeout", ref, c, 1), unit("timeout", ref, c, 2))
        for c in sorted(i.code for i in institutions)
        if unit("timeout", ref, c, 1) < unit("timeout", ref, c, 2)
    )
    SimInstitution.objects.filter(code=code).update(timeout_rate=(u1 + u2) / 2)
    rounds = []
    real = query_services.run_queries

    def counted(connector, insts, *args, **kwargs):
        rounds.append(([i.code for i in insts], kwargs["attempt"]))
        return real(connector, insts, *args, **kwargs)

    chunk = QueryChunk.objects.get(request=qr)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(query_services, "run_queries", counted)
        left = query_services.process_chunk(chunk.pk, attempt=1, final_attempt=False)
    assert left == 0  # no task retry needed
    assert len(rounds) == 2 and rounds[1] == ([code], 2)
    row = QueryResult.objects.get(request=qr, institution__code=code)
    assert (row.status, row.attempts) == ("ok", 3)  # asked once, then two hedged copies (attempts 2 and 3)
    qr.refresh_from_db()
    assert qr.status == "complete" and qr.done == qr.total == QueryResult.objects.filter(request=qr).count()
    # A redelivered message of the finished chunk writes nothing more.
    query_services.process_chunk(chunk.pk, attempt=2, final_attempt=True)
    assert QueryResult.objects.filter(request=qr, institution__code=code).count() == 1


@override_settings(SIMULATOR_LATENCY="failures", QUERYCONTROL_PROMPT_RETRIES=1)
def test_an_institution_that_keeps_timing_out_is_asked_a_bounded_number_of_times(
    case, judge_xixia, institutions, django_capture_on_commit_callbacks
):
    SimInstitution.objects.update(failure_rate=0, timeout_rate=0)
    SimInstitution.objects.filter(code="BANK-CIB").update(timeout_rate=1.0)
    qr = submit(case, judge_xixia, django_capture_on_commit_callbacks)
    chunk = QueryChunk.objects.get(request=qr)
    cib = Institution.objects.get(code="BANK-CIB").pk
    assert query_services.process_chunk(chunk.pk, attempt=1, final_attempt=False) == 1
    chunk.refresh_from_db()
    assert chunk.pending_ids == [cib] and not QueryResult.objects.filter(request=qr, institution_id=cib).exists()
    assert query_services.process_chunk(chunk.pk, attempt=2, final_attempt=True) == 0
    row = QueryResult.objects.get(request=qr, institution_id=cib)
    assert (row.status, row.attempts) == ("timeout", 6)  # two task runs × (first ask + one retry of two copies)
    qr.refresh_from_db()
    assert qr.status == "partial" and qr.failed == 1
