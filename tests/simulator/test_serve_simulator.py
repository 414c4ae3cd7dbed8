"""The HTTP connector against `manage.py serve_simulator` running as a process of its own (gunicorn), as in
production and in bench/fanout.py --http: pooled keep-alive connections counted by the server, timeouts
as the transient ConnectorTimeout, a malformed answer failing its own institution only (issues 16, 17).

The server is started once for the module (about 2 s) on a free port, in "realistic" latency mode with one
institution answering garbage; each test sets the behaviour of its institutions in the database, which the
server reads on every request."""

import threading
import time

import httpx
import pytest

from querycontrol.choices import InstitutionCategory, InstitutionKind
from querycontrol.connectors import ConnectorTimeout, PermanentConnectorError, TransientConnectorError
from querycontrol.connectors.http import HTTPConnector
from querycontrol.connectors.validation import InvalidAnswer
from tests.simulator.conftest import find_holder, played
from tests.simulator.process import serve_simulator

GARBAGE_CODE = "BANK-GARBAGE"  # answers [["not", "an", "asset"]]-like junk (simulator.faults.GARBAGE)


@pytest.fixture(scope="module")
def served(django_db_setup):
    with serve_simulator(SIMULATOR_LATENCY="realistic", SIMULATOR_GARBAGE_CODES=GARBAGE_CODE) as url:
        yield url


def stats(url):
    return httpx.get(url + "/healthz", timeout=5).json()


def steady(inst, *, latency_ms=(0, 0), timeout_rate=0.0):
    """Make `inst` answer every time (no injected failure) after a fixed latency range."""
    inst.latency_min_ms, inst.latency_max_ms = latency_ms
    inst.failure_rate, inst.timeout_rate = 0.0, timeout_rate
    inst.save()
    return inst


@pytest.fixture
def http(served):
    connector = HTTPConnector(served, timeout=5, pool_size=4)
    yield connector
    connector.close()


@pytest.mark.django_db(transaction=True)
def test_the_connector_keeps_its_connections_alive_and_the_server_counts_them(bank, http, served):
    steady(bank)
    party, specs = find_holder(bank, lambda s: True)
    before = stats(served)
    for n in range(20):  # one after the other: one connection, reused
        assert [a.asset_ref for a in http.query(bank.code, party, request_ref=f"k{n}")] == [s.asset_ref for s in specs]

    def batches(t):
        for n in range(10):
            assert isinstance(http.query_many([bank.code], party, request_ref=f"t{t}-{n}")[bank.code], list)

    threads = [threading.Thread(target=batches, args=(t,)) for t in range(4)]  # 4 at once: at most the pool of 4
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    after = stats(served)
    assert after["requests"] - before["requests"] == 20 + 40 + 1  # + the first /healthz's own request
    assert 1 <= after["connections"] - before["connections"] <= 4 + 1

    # A client without a pool opens one connection per request: the count would have shown it.
    before = stats(served)
    for _ in range(5):
        httpx.get(served + "/healthz", timeout=5)
    assert stats(served)["connections"] - before["connections"] == 5 + 1


@pytest.mark.django_db(transaction=True)
def test_an_answer_slower_than_the_client_timeout_is_a_connector_timeout_and_the_pool_recovers(bank, served):
    steady(bank, latency_ms=(1500, 1500))
    party, _ = find_holder(bank, lambda s: True)
    impatient = HTTPConnector(served, timeout=0.3, pool_size=2)
    try:
        started = time.monotonic()
        with pytest.raises(ConnectorTimeout) as waited:
            impatient.query(bank.code, party, request_ref="slow")
        assert isinstance(waited.value, TransientConnectorError)  # retried by the tasks' named-transient rule
        assert time.monotonic() - started < 1.2  # the client gave up; it did not wait for the answer
        batch = impatient.query_many([bank.code], party, request_ref="slow-batch")
        assert isinstance(batch[bank.code], ConnectorTimeout)
        steady(bank)
        assert isinstance(impatient.query(bank.code, party, request_ref="fast"), list)  # a fresh connection
    finally:
        impatient.close()


@pytest.mark.django_db(transaction=True)
def test_an_institution_timing_out_at_the_gateway_is_a_connector_timeout_alone(bank, registry, http):
    steady(bank, latency_ms=(10, 10), timeout_rate=1.0)  # the gateway says: this bank did not answer
    steady(registry)
    party, _ = find_holder(bank, lambda s: True)
    with pytest.raises(ConnectorTimeout):
        http.query(bank.code, party, request_ref="gw")
    batch = http.query_many([bank.code, registry.code], party, request_ref="gw-batch")
    assert isinstance(batch[bank.code], ConnectorTimeout)
    assert isinstance(batch[registry.code], list)


@pytest.mark.django_db(transaction=True)
def test_a_malformed_answer_fails_that_institution_only(bank, registry, http):
    garbage = steady(
        played(code=GARBAGE_CODE, name="乱码银行", kind=InstitutionKind.BANK, category=InstitutionCategory.CITY_BANK)
    )
    steady(bank)
    steady(registry)
    party, specs = find_holder(bank, lambda s: True)
    batch = http.query_many([bank.code, garbage.code, registry.code, "BANK-NOPE"], party, request_ref="mixed")
    assert [a.asset_ref for a in batch[bank.code]] == [s.asset_ref for s in specs]
    assert isinstance(batch[registry.code], list)
    assert isinstance(batch[garbage.code], InvalidAnswer)
    assert isinstance(batch[garbage.code], PermanentConnectorError)  # never retried: the same gateway, the same junk
    assert isinstance(batch["BANK-NOPE"], PermanentConnectorError)
