"""A whole fan-out through the HTTP connector to `manage.py serve_simulator` running as its own process
(issue 17): every institution of the catalogue answered over the wire and recorded, the one whose gateway
answers garbage failed alone and named (issue 16), the connections kept alive."""

import httpx
import pytest

from querycontrol.choices import InstitutionCategory, InstitutionKind
from querycontrol.models import Institution, QueryResult
from simulator.models import SimInstitution
from tests.simulator.process import serve_simulator

from .conftest import query_case

GARBAGE_CODE = "BANK-GARBAGE"


@pytest.fixture(scope="module")
def served(django_db_setup):
    with serve_simulator(SIMULATOR_LATENCY="realistic", SIMULATOR_GARBAGE_CODES=GARBAGE_CODE) as url:
        yield url


@pytest.mark.django_db(transaction=True)
def test_a_fanout_over_real_http_records_every_institution_and_fails_the_garbage_one_alone(
    case, judge_xixia, institutions, settings, served, django_capture_on_commit_callbacks
):
    Institution.objects.create(
        code=GARBAGE_CODE, name="乱码银行", kind=InstitutionKind.BANK, category=InstitutionCategory.CITY_BANK
    )
    # The server plays "realistic" latency: here every institution answers at once and never times out.
    SimInstitution.objects.update(latency_min_ms=0, latency_max_ms=0, failure_rate=0.0, timeout_rate=0.0)
    settings.QUERYCONTROL_CONNECTOR, settings.QUERYCONTROL_HTTP_BASE_URL = "http", served
    before = httpx.get(served + "/healthz", timeout=5).json()

    qr = query_case(case, judge_xixia, django_capture_on_commit_callbacks)

    total = Institution.objects.active().count()
    assert qr.total == total and (qr.done, qr.failed) == (total - 1, 1)
    assert qr.status == "partial" and qr.found >= 1  # 王富贵's account at 工商银行, at least
    bad = QueryResult.objects.get(request=qr, status="failed")
    assert bad.institution.code == GARBAGE_CODE and bad.error
    after = httpx.get(served + "/healthz", timeout=5).json()
    requests = after["requests"] - before["requests"] - 1
    assert requests >= 1 and after["connections"] - before["connections"] - 1 <= settings.QUERYCONTROL_QUERY_THREADS
