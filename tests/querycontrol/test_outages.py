"""Outages of the broker, the cache and the database (issue 16).

- Broker down: an approval over the API commits and answers 200 (not a 500 after the commit); its send waits
  as an outbox row, /healthz and the big screen's poll say the broker is down, and the relay sends it once
  the broker is back.
- Cache down: the court scope falls back to the database, so filing and approving still work.
- Database: OperationalError / InterfaceError are retried like a busy bank.
"""

import time
from decimal import Decimal

import pytest
from django.db import OperationalError, transaction
from django.urls import reverse
from kombu.exceptions import OperationalError as BrokerDown

from execcenter import broker, outbox
from execcenter.models import OutboxMessage
from querycontrol.models import ControlOrder
from querycontrol.services import orders as order_services
from querycontrol.services import sending

from .conftest import deposit, query_case


@pytest.fixture
def found(case, judge_xixia, django_capture_on_commit_callbacks):
    query_case(case, judge_xixia, django_capture_on_commit_callbacks)
    return deposit(case)


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6399. Connection refused.")

    monkeypatch.setattr(outbox, "_send", refuse)
    monkeypatch.setattr(broker, "probe", refuse)
    return refuse


def test_approval_with_the_broker_down_commits_answers_200_and_is_sent_when_it_returns(
    api, found, judge_xixia, approver_xixia, broker_down, monkeypatch, client, django_capture_on_commit_callbacks
):
    OutboxMessage.objects.all().delete()  # the query's chunk messages (the fan-out ran in-process)
    order = order_services.file_order(judge_xixia.user, "freeze", asset=found, amount=Decimal("30000.00"))
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_officer(approver_xixia).post(
            f"/api/v1/control-orders/{order.pk}/approve/",
            {"note": "同意"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="approve-1",
        )
    assert response.status_code == 200 and response.json()["status"] == "approved"
    order.refresh_from_db()
    assert order.status == "approved"
    [row] = OutboxMessage.objects.all()
    assert (row.task, row.args, row.attempts) == ("querycontrol.tasks.send_order", [order.pk], 1)
    assert "Connection refused" in row.last_error

    health = client.get("/healthz").json()
    assert health["checks"]["broker"]["ok"] is False
    assert health["checks"]["outbox"]["waiting"] == 1

    # The broker is back: beat's relay hands the message over and the worker sends the order.
    monkeypatch.setattr(outbox, "_send", lambda row: sending.send(*row.args))
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.relay_pending(min_age_seconds=0) == (1, "")
    order.refresh_from_db()
    assert (order.status, order.outcome, order.held_amount) == ("done", "frozen", Decimal("30000.00"))
    assert not OutboxMessage.objects.exists()


def test_query_submitted_with_the_broker_down_is_saved_and_its_chunks_wait_in_the_outbox(
    api, case, judge_xixia, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_officer(judge_xixia).post(
            "/api/v1/query-requests/", {"case": case.pk, "purpose": "财产调查"}, format="json"
        )
    assert response.status_code == 201, response.content
    qr_id = response.json()["id"]
    assert set(OutboxMessage.objects.values_list("task", flat=True)) == {"querycontrol.tasks.query_chunk"}
    from querycontrol.models import QueryChunk

    assert sorted(a[0] for a in OutboxMessage.objects.values_list("args", flat=True)) == sorted(
        QueryChunk.objects.filter(request_id=qr_id).values_list("pk", flat=True)
    )


def test_relay_stops_at_the_first_broker_error_and_keeps_every_row(db, broker_down):
    with transaction.atomic():
        ids = outbox.enqueue("execcenter.tasks.heartbeat", [(), (), ()])
    sent, error = outbox.relay(ids)
    assert sent == 0 and "refused" in error
    assert list(OutboxMessage.objects.values_list("attempts", flat=True)) == [1, 0, 0]


def test_screen_poll_says_broker_down_without_waiting_for_it(client, director_high, broker_down, settings):
    from dashboards import snapshots

    settings.BROKER_PROBE_SECONDS = 0
    snapshots.refresh(force=True)
    client.force_login(director_high.user)
    broker._state.update(ok=None, checked=0.0, probing=False)
    broker.last_known()  # starts the background probe
    for _ in range(50):
        if broker._state["ok"] is False:
            break
        time.sleep(0.02)
    response = client.get("/api/v1/screens/宁/snapshot")
    assert response.status_code == 200 and response["X-Broker"] == "down"
    page = client.get(reverse("dashboards:screen", args=["宁"]))
    assert b'id="broker-banner"' in page.content  # screen.js shows it while X-Broker says "down"


def test_court_scope_and_approval_work_with_the_cache_down(
    found, judge_xixia, approver_xixia, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to redis")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    assert set(judge_xixia.court.subtree_ids()) == {judge_xixia.court.pk}
    with django_capture_on_commit_callbacks():
        order = order_services.approve_order(
            approver_xixia.user,
            order_services.file_order(judge_xixia.user, "freeze", asset=found, amount=Decimal("10000.00")),
        )
    assert ControlOrder.objects.get(pk=order.pk).status == "approved"


def test_transient_database_errors_are_retried_like_connector_errors(monkeypatch, db):
    from querycontrol import tasks

    calls = []

    def flaky(order_id, attempt, final_attempt):
        calls.append(attempt)
        if len(calls) == 1:
            raise OperationalError("FATAL: sorry, too many clients already")

    monkeypatch.setattr(tasks.sending, "send", flaky)
    result = tasks.send_order.apply(args=(1,))
    assert result.successful() and calls == [1, 2]
    assert OperationalError in tasks.query_chunk.autoretry_for


def test_integrity_errors_are_not_retried(monkeypatch, db):
    from django.db import IntegrityError

    from querycontrol import tasks

    calls = []

    def broken(order_id, attempt, final_attempt):
        calls.append(attempt)
        raise IntegrityError("duplicate key")

    monkeypatch.setattr(tasks.sending, "send", broken)
    assert tasks.send_order.apply(args=(1,)).failed() and calls == [1]


def test_after_commit_relay_sends_every_message_of_a_large_fan_out(db, monkeypatch):
    sent = []
    monkeypatch.setattr(outbox, "_send", lambda row: sent.append(row.args[0]))
    with transaction.atomic():
        ids = outbox.enqueue("querycontrol.tasks.query_chunk", [(n,) for n in range(2500)])
    assert outbox.relay(ids) == (2500, "")
    assert sent == list(range(2500)) and not OutboxMessage.objects.exists()
