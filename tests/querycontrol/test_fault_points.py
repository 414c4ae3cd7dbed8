"""Every state a crash can leave behind is recovered (issue 16): the process "dies" at each named fault point
of the fan-out and order paths (execcenter.faultpoints), then the sweeps run, then the invariants are checked —
every institution answered exactly once and the request final; every order applied once at the bank, its
receipt booked once, and nothing left in an intermediate state.

In-process: a crash is the InjectedCrash the armed point raises (nothing after it runs, an open transaction
rolls back); redelivery is the sweep calling the task body here. The real-worker SIGKILL runs are in
test_worker_crash.py and `make faults`.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Count, Sum
from django.test import override_settings

from cases.models import MoneyEntry
from execcenter import faultpoints, outbox
from execcenter.faultpoints import InjectedCrash
from querycontrol.models import ControlOrder, FoundAsset, QueryChunk, QueryRequest, QueryResult
from querycontrol.services import orders as order_services
from querycontrol.services import queries as query_services
from querycontrol.services import sending
from simulator.models import SimFreeze, SimRequest

from .conftest import deposit, query_case

QUERY_POINTS = [p for p in faultpoints.POINTS if p.startswith("query.chunk.") or p == "query.request.finished"]
ORDER_POINTS = [p for p in faultpoints.POINTS if p.startswith("order.")]
NOW = dt.timedelta(0)


@pytest.fixture(autouse=True)
def _in_process_delivery(monkeypatch):
    """The broker hands every message to a worker that runs it here; the query queue looks empty to the sweep."""
    from execcenter.celery import app

    monkeypatch.setattr(outbox, "_send", lambda row: app.tasks[row.task].run(*row.args))
    monkeypatch.setattr("querycontrol.tasks.query_chunk.delay", lambda pk: query_services.process_chunk(pk))
    monkeypatch.setattr("querycontrol.tasks.send_order.delay", lambda pk: sending.send(pk))
    monkeypatch.setattr("querycontrol.tasks.refresh_queued.delay", lambda *a: None)
    monkeypatch.setattr("execcenter.broker.queue_size", lambda queue: 0)
    yield
    faultpoints.disarm()


def assert_fanout_settled(qr):
    qr.refresh_from_db()
    assert qr.status == "complete"
    assert qr.active_fingerprint is None
    rows = QueryResult.objects.filter(request=qr)
    assert rows.count() == qr.total == qr.done + qr.failed
    assert not rows.values("respondent", "institution").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert qr.found == FoundAsset.objects.filter(request=qr).count() == (rows.aggregate(s=Sum("found_count"))["s"] or 0)
    assert not QueryChunk.objects.filter(request=qr, status="pending").exists()


@pytest.mark.parametrize("point", QUERY_POINTS)
@override_settings(QUERYCONTROL_CHUNK_SIZE=4)
def test_fanout_crash_at_each_point_is_finished_by_the_sweep_with_every_answer_once(
    point, case, judge_xixia, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        qr, _ = query_services.submit_query(judge_xixia.user, case, purpose="财产调查")
    *first, last = QueryChunk.objects.filter(request=qr).order_by("seq").values_list("pk", flat=True)
    for pk in first:
        query_services.process_chunk(pk)
    with faultpoints.armed(point), pytest.raises(InjectedCrash):
        query_services.process_chunk(last)  # the last chunk: a crash after its commit strands the request

    query_services.resume_stalled_queries(older_than=NOW)
    assert_fanout_settled(qr)
    assert query_services.resume_stalled_queries(older_than=NOW) == 0  # settled: the next sweep has nothing to do


@override_settings(QUERYCONTROL_CHUNK_SIZE=4)
def test_crash_after_submitting_before_the_broker_got_the_chunks_is_sent_by_the_relay(
    case, judge_xixia, django_capture_on_commit_callbacks
):
    with faultpoints.armed("query.submitted"), pytest.raises(InjectedCrash):
        with django_capture_on_commit_callbacks(execute=True):
            query_services.submit_query(judge_xixia.user, case, purpose="财产调查")
    qr = QueryRequest.objects.get()
    assert outbox.backlog()[0] == qr.chunks_total == 3
    outbox.relay_pending(min_age_seconds=0)
    assert_fanout_settled(qr)


@override_settings(QUERYCONTROL_CHUNK_SIZE=4)
def test_resubmitting_a_query_stranded_after_its_last_chunk_starts_a_new_one(
    case, judge_xixia, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        stuck, _ = query_services.submit_query(judge_xixia.user, case, purpose="财产调查")
    *first, last = QueryChunk.objects.filter(request=stuck).order_by("seq").values_list("pk", flat=True)
    for pk in first:
        query_services.process_chunk(pk)
    with faultpoints.armed("query.chunk.written"), pytest.raises(InjectedCrash):
        query_services.process_chunk(last)
    stuck.refresh_from_db()
    assert stuck.status == "running" and stuck.chunks_left == 0  # the state the issue found

    with django_capture_on_commit_callbacks():
        again, created = query_services.submit_query(judge_xixia.user, case, purpose="财产调查")
    assert created and again.pk != stuck.pk
    assert_fanout_settled(stuck)


def test_sweep_leaves_a_chunk_that_is_still_beating_alone(case, judge_xixia, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        qr, _ = query_services.submit_query(judge_xixia.user, case, purpose="财产调查")
    QueryChunk.objects.filter(request=qr).update(runs=1)  # started, and its row was touched just now
    assert query_services.resume_stalled_queries() == 0
    QueryChunk.objects.filter(request=qr).update(
        updated_at=QueryChunk.objects.get(request=qr).updated_at - dt.timedelta(minutes=5)
    )
    assert query_services.resume_stalled_queries() == 1
    assert_fanout_settled(qr)


def test_sweep_does_not_copy_never_started_chunks_while_the_queue_still_holds_messages(
    case, judge_xixia, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        qr, _ = query_services.submit_query(judge_xixia.user, case, purpose="财产调查")
    monkeypatch.setattr("execcenter.broker.queue_size", lambda queue: 7)
    assert query_services.resume_stalled_queries(older_than=NOW) == 0  # they are waiting their turn
    monkeypatch.setattr("execcenter.broker.queue_size", lambda queue: 0)
    assert query_services.resume_stalled_queries(older_than=NOW) == 1  # queue empty: the message is gone
    assert_fanout_settled(qr)


@pytest.fixture
def found(case, judge_xixia, django_capture_on_commit_callbacks):
    query_case(case, judge_xixia, django_capture_on_commit_callbacks)
    return deposit(case)


def _approve(judge, approver, capture, kind, **kw):
    order = order_services.file_order(judge.user, kind, **kw)
    with capture(execute=True):
        order_services.approve_order(approver.user, order)
    return order


def assert_order_settled(order):
    order.refresh_from_db()
    assert order.status == "done", (order.status, order.message)
    assert SimRequest.objects.filter(key=str(order.uuid)).count() == 1  # the bank acted on it once
    return order


@pytest.mark.parametrize("point", ORDER_POINTS)
def test_freeze_and_deduction_crash_at_each_point_are_applied_once_after_the_sweeps(
    point, found, judge_xixia, approver_xixia, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    with faultpoints.armed(point), pytest.raises(InjectedCrash):
        freeze = _approve(judge_xixia, approver_xixia, capture, "freeze", asset=found, amount=Decimal("40000.00"))
    freeze = ControlOrder.objects.get(kind="freeze")
    with capture(execute=True):
        outbox.relay_pending(min_age_seconds=0)  # beat's relay: the approval's message, if it never left
        sending.resume_stalled_orders(older_than=NOW)  # the order sweep: a send that died on the way
    freeze = assert_order_settled(freeze)
    assert (freeze.outcome, freeze.effective_amount) == ("frozen", Decimal("40000.00"))
    assert SimFreeze.objects.filter(account__asset_ref=found.asset_ref, case_number=found.case.number).count() == 1

    with faultpoints.armed(point), pytest.raises(InjectedCrash):
        _approve(judge_xixia, approver_xixia, capture, "deduct", target=freeze, amount=Decimal("25000.00"))
    deduct = ControlOrder.objects.get(kind="deduct")
    with capture(execute=True):
        outbox.relay_pending(min_age_seconds=0)
        sending.resume_stalled_orders(older_than=NOW)
    deduct = assert_order_settled(deduct)
    assert deduct.effective_amount == Decimal("25000.00")
    assert MoneyEntry.objects.filter(reference=f"deduct:{deduct.uuid}").count() == 1
    freeze.refresh_from_db()
    assert freeze.held_amount == Decimal("15000.00")
    sim = SimFreeze.objects.get(account__asset_ref=found.asset_ref, case_number=found.case.number)
    assert (sim.frozen_amount, sim.deducted_amount) == (Decimal("15000.00"), Decimal("25000.00"))
    assert not ControlOrder.objects.filter(status__in=["approved", "sent"]).exists()
    assert not outbox.backlog()[0]


def test_unknown_fault_point_cannot_be_armed():
    with pytest.raises(ValueError):
        faultpoints.arm("query.chunk.typo")
