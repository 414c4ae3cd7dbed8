"""Network queries: who may ask, the fan-out in chunks, exactly-once counting, retries, partial results, cancel."""

import pytest
from django.db.models import Sum
from django.test import override_settings

from cases.choices import CaseStatus
from execcenter.exceptions import DomainError, PermissionDenied, RuleViolation
from execcenter.models import AuditLog
from querycontrol.models import FoundAsset, Institution, QueryChunk, QueryRequest, QueryResult
from querycontrol.services import queries as query_services
from simulator.models import SimInstitution
from tests.factories import PartyFactory

from .conftest import make_case, query_case, run_fanout


def submit(case, actor, django_capture_on_commit_callbacks, **kw):
    with django_capture_on_commit_callbacks() as callbacks:
        qr, created = query_services.submit_query(
            actor.user if hasattr(actor, "user") else actor, case, purpose=kw.pop("purpose", "财产调查"), **kw
        )
    return qr, created, callbacks


@override_settings(QUERYCONTROL_CHUNK_SIZE=4)
def test_query_is_saved_then_split_into_chunks_of_institutions_per_respondent(
    case, judge_xixia, institutions, django_capture_on_commit_callbacks
):
    qr, created, callbacks = submit(case, judge_xixia, django_capture_on_commit_callbacks)
    assert created and qr.status == "queued"
    assert qr.total == len(institutions)  # one respondent
    chunks = list(QueryChunk.objects.filter(request=qr))
    assert [len(c.institution_ids) for c in chunks] == [4, 4, 3]
    assert sorted(i for c in chunks for i in c.institution_ids) == sorted(i.pk for i in institutions)
    assert qr.chunks_left == 3
    assert len(callbacks) == 1  # the fan-out is enqueued only once the request is committed


def test_every_query_is_audited_with_its_purpose_case_and_respondent(
    case, judge_xixia, django_capture_on_commit_callbacks
):
    qr, _c, _cb = submit(case, judge_xixia, django_capture_on_commit_callbacks, purpose="核查被执行人存款")
    entry = AuditLog.objects.get(action="querycontrol.query", object_id=str(qr.pk))
    assert entry.user == judge_xixia.user
    assert entry.details["purpose"] == "核查被执行人存款"
    assert entry.details["case"] == case.number
    assert entry.details["respondent"] == case.respondent.pk
    assert "*" in entry.details["respondent_id_number"]


def test_second_identical_submission_returns_the_running_request_without_a_second_fanout(
    case, judge_xixia, officer_xixia, django_capture_on_commit_callbacks
):
    first, created1, _cb = submit(case, judge_xixia, django_capture_on_commit_callbacks)
    second, created2, callbacks = submit(case, officer_xixia, django_capture_on_commit_callbacks)
    assert created1 and not created2
    assert second.pk == first.pk
    assert callbacks == []
    assert QueryRequest.objects.count() == 1
    run_fanout(first)
    third, created3, _cb = submit(case, judge_xixia, django_capture_on_commit_callbacks)
    assert created3 and third.pk != first.pk  # once finished, a new query is a new request


def test_respondent_of_another_case_cannot_be_queried(case, judge_xixia, django_capture_on_commit_callbacks):
    stranger = PartyFactory()
    with pytest.raises(RuleViolation) as exc:
        submit(case, judge_xixia, django_capture_on_commit_callbacks, respondents=[stranger])
    assert exc.value.code == "not_respondent"


def test_case_outside_the_judges_court_cannot_be_queried(case, judge_jingyuan, django_capture_on_commit_callbacks):
    with pytest.raises(DomainError) as exc:
        submit(case, judge_jingyuan, django_capture_on_commit_callbacks)
    assert exc.value.status == 404


def test_closed_case_cannot_be_queried(case, judge_xixia, django_capture_on_commit_callbacks):
    case.status = CaseStatus.CLOSED
    case.save()
    with pytest.raises(RuleViolation):
        submit(case, judge_xixia, django_capture_on_commit_callbacks)


def test_duty_officer_cannot_start_a_query(case, duty_yinchuan, django_capture_on_commit_callbacks):
    with pytest.raises(PermissionDenied):
        submit(case, duty_yinchuan, django_capture_on_commit_callbacks)


def test_query_without_purpose_is_refused(case, judge_xixia, django_capture_on_commit_callbacks):
    with pytest.raises(RuleViolation):
        submit(case, judge_xixia, django_capture_on_commit_callbacks, purpose="  ")


def test_fanout_completes_with_one_result_per_institution_and_counters_that_match_the_rows(
    case, judge_xixia, institutions, django_capture_on_commit_callbacks
):
    qr = query_case(case, judge_xixia, django_capture_on_commit_callbacks)
    assert qr.status == "complete"
    assert qr.active_fingerprint is None
    assert QueryResult.objects.filter(request=qr).count() == qr.total == qr.done == len(institutions)
    assert qr.found == FoundAsset.objects.filter(request=qr).count() > 0
    assert QueryResult.objects.filter(request=qr).aggregate(s=Sum("found_count"))["s"] == qr.found
    icbc = FoundAsset.objects.filter(request=qr, institution__code="BANK-ICBC", kind="deposit")
    assert icbc.exists() and all(a.balance > 0 for a in icbc)
    assert case.events.filter(kind="query").count() == 2  # started, finished


def test_redelivered_chunk_changes_nothing(case, judge_xixia, django_capture_on_commit_callbacks):
    qr = query_case(case, judge_xixia, django_capture_on_commit_callbacks)
    before = (qr.done, qr.failed, qr.found, QueryResult.objects.count(), FoundAsset.objects.count())
    for chunk in QueryChunk.objects.filter(request=qr):
        query_services.process_chunk(chunk.pk)  # the same message delivered again
    qr.refresh_from_db()
    assert (qr.done, qr.failed, qr.found, QueryResult.objects.count(), FoundAsset.objects.count()) == before


def test_two_runs_of_the_same_chunk_at_once_record_its_answers_once(
    case, judge_xixia, monkeypatch, django_capture_on_commit_callbacks
):
    qr, _c, _cb = submit(case, judge_xixia, django_capture_on_commit_callbacks)
    chunk = QueryChunk.objects.get(request=qr)
    real = query_services.run_queries
    calls = []

    def interleaved(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:  # while the first run is asking, a duplicate message runs to the end
            query_services.process_chunk(chunk.pk)
        return real(*args, **kwargs)

    monkeypatch.setattr(query_services, "run_queries", interleaved)
    query_services.process_chunk(chunk.pk)
    qr.refresh_from_db()
    assert len(calls) == 2
    assert QueryResult.objects.filter(request=qr).count() == qr.done + qr.failed == qr.total
    assert qr.status == "complete"


@override_settings(SIMULATOR_LATENCY="failures")
def test_transient_failures_are_retried_then_recorded_and_the_request_ends_partial_listing_them(
    case, judge_xixia, institutions, django_capture_on_commit_callbacks
):
    SimInstitution.objects.filter(code="BANK-CMB").update(failure_rate=1.0)
    SimInstitution.objects.filter(code="BANK-CIB").update(timeout_rate=1.0)
    with django_capture_on_commit_callbacks():
        qr, _ = query_services.submit_query(judge_xixia.user, case, purpose="财产调查")
    chunk = QueryChunk.objects.get(request=qr)
    query_services.process_chunk(chunk.pk, attempt=1, final_attempt=False)
    chunk.refresh_from_db()
    failing = set(Institution.objects.filter(code__in=["BANK-CMB", "BANK-CIB"]).values_list("pk", flat=True))
    assert set(chunk.pending_ids) == failing  # kept for the retry, everything else recorded
    qr.refresh_from_db()
    assert qr.status == "running" and qr.done == len(institutions) - 2
    query_services.process_chunk(chunk.pk, attempt=2, final_attempt=True)
    qr.refresh_from_db()
    assert qr.status == "partial"
    assert qr.failed == 2 and qr.done + qr.failed == qr.total
    rows = {r.institution.code: r for r in query_services.failing_institutions(qr)}
    assert set(rows) == {"BANK-CMB", "BANK-CIB"}
    assert rows["BANK-CIB"].status == "timeout" and rows["BANK-CMB"].status == "failed"
    assert rows["BANK-CMB"].attempts == 10  # two task runs × (first ask + two prompt retries of two copies)


def test_cancelled_query_sends_nothing_that_was_not_sent(case, judge_xixia, django_capture_on_commit_callbacks):
    with override_settings(QUERYCONTROL_CHUNK_SIZE=4):
        qr, _c, _cb = submit(case, judge_xixia, django_capture_on_commit_callbacks)
    first = QueryChunk.objects.filter(request=qr).order_by("seq").first()
    query_services.process_chunk(first.pk)
    query_services.cancel_query(judge_xixia.user, qr)
    run_fanout(qr)
    qr.refresh_from_db()
    assert qr.status == "cancelled"
    assert QueryResult.objects.filter(request=qr).count() == len(first.institution_ids)
    assert set(QueryChunk.objects.filter(request=qr).exclude(pk=first.pk).values_list("status", flat=True)) == {
        "cancelled"
    }


def test_property_investigation_counts_as_done_once_every_respondent_was_queried(
    courts, institutions, judge_xixia, django_capture_on_commit_callbacks
):
    from cases import hooks

    case = make_case()
    assert not hooks.property_investigation_done(case)
    query_case(case, judge_xixia, django_capture_on_commit_callbacks)
    assert hooks.property_investigation_done(case)
