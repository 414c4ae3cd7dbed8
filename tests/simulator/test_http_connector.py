"""The HTTP connector against the simulator served on a real socket (serve_simulator's server)."""

import socket
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from querycontrol.connectors import ConnectorTimeout, PermanentConnectorError, TransientConnectorError
from querycontrol.connectors.http import HTTPConnector
from querycontrol.models import Institution
from simulator import faults
from simulator.http import make_server
from simulator.models import SimAccount, SimFreeze
from tests.simulator.conftest import clean_deposit, find_holder, order

# The server answers from its own threads and database connections: the data must be committed.
committed = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server():
    srv = make_server("127.0.0.1", 0)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def http(server):
    return HTTPConnector(server, timeout=5)


@committed
def test_query_over_http_returns_the_same_accounts_as_in_process(bank, http, connector):
    party, specs = find_holder(bank, lambda s: len(s) >= 2)
    over_http = http.query(bank.code, party, request_ref="r1")
    in_process = connector.query(bank.code, party, request_ref="r2")
    assert over_http == in_process
    assert [a.asset_ref for a in over_http] == [s.asset_ref for s in specs]
    assert isinstance(over_http[0].balance, Decimal)


@committed
def test_batch_query_over_http_answers_each_institution(bank, village_bank, http):
    party, specs = find_holder(bank, lambda s: True)
    results = http.query_many([bank.code, village_bank.code, "BANK-NOPE"], party, request_ref="r")
    assert [a.asset_ref for a in results[bank.code]] == [s.asset_ref for s in specs]
    assert isinstance(results[village_bank.code], list)
    assert isinstance(results["BANK-NOPE"], PermanentConnectorError)


@committed
def test_orders_over_http_send_the_idempotency_key_and_never_act_twice(bank, http):
    party, _ = find_holder(bank, clean_deposit(5000))
    asset = http.query(bank.code, party, request_ref="r")[0]
    first = http.freeze(bank.code, asset.asset_ref, Decimal("1200.50"), term_days=365, **order(key="uuid-1"))
    again = http.freeze(bank.code, asset.asset_ref, Decimal("1200.50"), term_days=365, **order(key="uuid-1"))
    assert first == again and first.status == "done" and first.effective_amount == Decimal("1200.50")
    deducted = http.deduct(bank.code, asset.asset_ref, Decimal("200.50"), **order(key="uuid-2"))
    http.deduct(bank.code, asset.asset_ref, Decimal("200.50"), **order(key="uuid-2"))
    assert deducted.effective_amount == Decimal("200.50")
    account = SimAccount.objects.get(asset_ref=asset.asset_ref)
    assert account.balance == asset.balance - Decimal("200.50")
    assert account.frozen_total() == Decimal("1000.00")
    renewed = http.renew(bank.code, asset.asset_ref, term_days=30, **order(key="uuid-3"))
    assert renewed.status == "done"
    released = http.unfreeze(bank.code, asset.asset_ref, None, **order(key="uuid-4"))
    assert released.effective_amount == Decimal("1000.00")
    assert SimFreeze.objects.filter(status="active", is_external=False).count() == 0


@committed
def test_refusals_map_to_permanent_errors(bank, http, registry):
    party, _ = find_holder(bank, clean_deposit())
    asset = http.query(bank.code, party, request_ref="r")[0]
    with pytest.raises(PermanentConnectorError):  # unknown institution (404)
        http.query("BANK-NOPE", party, request_ref="r")
    with pytest.raises(PermanentConnectorError):  # deposits: at most one year (422)
        http.freeze(bank.code, asset.asset_ref, Decimal("1"), term_days=400, **order(key="x"))
    http.freeze(bank.code, asset.asset_ref, Decimal("1"), term_days=30, **order(key="y"))
    with pytest.raises(PermanentConnectorError):  # same key, different request (409)
        http.freeze(bank.code, asset.asset_ref, Decimal("2"), term_days=30, **order(key="y"))


@committed
def test_injected_failures_and_timeouts_map_to_retryable_errors(bank, http, settings):
    settings.SIMULATOR_LATENCY = "failures"
    bank.failure_rate, bank.timeout_rate = 0.4, 0.3
    bank.save()
    party, _ = find_holder(bank, lambda s: True)
    refs = [f"r{i}" for i in range(200)]
    failing = next(r for r in refs if faults.plan(bank, r, 1).failure)
    timing_out = next(r for r in refs if faults.plan(bank, r, 1).timeout)
    with pytest.raises(TransientConnectorError) as busy:
        http.query(bank.code, party, request_ref=failing)
    assert not isinstance(busy.value, ConnectorTimeout)
    with pytest.raises(ConnectorTimeout):
        http.query(bank.code, party, request_ref=timing_out)
    batch = http.query_many([bank.code], party, request_ref=timing_out)
    assert isinstance(batch[bank.code], ConnectorTimeout)


@pytest.mark.django_db
def test_a_gateway_slower_than_the_call_timeout_is_a_connector_timeout():
    class Slow(BaseHTTPRequestHandler):
        def do_POST(self):
            time.sleep(1.0)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        slow = HTTPConnector(f"http://127.0.0.1:{srv.server_address[1]}", timeout=0.2)
        with pytest.raises(ConnectorTimeout):
            slow.freeze("BANK-ICBC", "62", Decimal("1"), term_days=30, **order())
    finally:
        srv.shutdown()
        srv.server_close()


@pytest.mark.django_db
def test_an_unreachable_gateway_is_a_transient_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again at once: nobody listens there
    with pytest.raises(TransientConnectorError):
        HTTPConnector(f"http://127.0.0.1:{port}", timeout=1).query("BANK-ICBC", _party(), request_ref="r")


def _party():
    from querycontrol.connectors import Party

    return Party("某某", "640105198501010011")


@committed
def test_an_institution_with_its_own_gateway_is_called_there(bank, village_bank, server):
    """点对点: an institution's own gateway_url wins over the shared base URL (总对总)."""
    product_side = Institution.objects.get(code=bank.code)  # the gateway address is the product's to know
    product_side.gateway_url = server
    product_side.save()
    party, specs = find_holder(bank, lambda s: True)
    shared_is_down = HTTPConnector("http://127.0.0.1:9", timeout=1)
    assert [a.asset_ref for a in shared_is_down.query(bank.code, party, request_ref="r")] == [
        s.asset_ref for s in specs
    ]
    results = shared_is_down.query_many([bank.code, village_bank.code], party, request_ref="r")
    assert isinstance(results[bank.code], list)
    assert isinstance(results[village_bank.code], TransientConnectorError)


def test_one_pooled_client_per_process_made_again_after_a_fork(monkeypatch):
    """A Celery prefork child must not use the sockets of the client it inherited: a new pid, a new client
    (with the TLS settings loaded once for the whole process tree)."""
    import os

    from querycontrol.connectors import http as http_module

    connector = HTTPConnector("http://127.0.0.1:9", timeout=1)
    first = connector.client()
    assert connector.client() is first
    monkeypatch.setattr(os, "getpid", lambda: -12345)
    second = connector.client()
    assert second is not first and connector.client() is second
    assert http_module.ssl_context() is http_module.ssl_context()
    connector.close()
    first.close()


def test_a_body_nested_past_the_recursion_limit_is_a_400_not_a_500(server):
    import httpx

    deep = b"[" * 100_000 + b"]" * 100_000
    response = httpx.post(server + "/v1/query-batch", content=deep, timeout=10)
    assert response.status_code == 400 and response.json()["error"]["type"] == "permanent"
