"""Shared fixtures: the courts, personas (so a failing test reads as a sentence) and API clients."""

import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient

from execcenter.choices import PartnerAction, PartnerKind, Role
from execcenter.org import create_demo_partner, load_courts
from tests.browser_fixtures import _playwright, browser_page, log_in  # noqa: F401  (one Chromium for every test area)
from tests.factories import OfficerFactory, UserFactory


def pytest_report_header(config):
    db = settings.DATABASES["default"]
    return [
        f"execcenter: database={db['ENGINE'].rsplit('.', 1)[-1]} name={db['NAME']} "
        f"broker={settings.CELERY_BROKER_URL.split('://')[0]} cache={settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}"
    ]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Approving an order issues and stores its documents (cases.IssuedDocument): each test gets its own media root.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clean_cache():
    # Cached court subtrees and snapshots are keyed by primary keys that differ between tests; the snapshot poll's
    # per-process copy of ETags goes with them.
    from dashboards import snapshots
    from dashboards.api import snapshot

    cache.clear()
    snapshot._local.clear()
    snapshot._bodies.clear()
    # The refresher's partial figures are keyed by court ids, which a rolled-back test database hands out again.
    snapshots.PARTIALS.clear()
    yield


@pytest.fixture
def courts(db):
    return load_courts()


def _officer(courts, username, code, *roles, name=None):
    user = UserFactory(username=username)
    return OfficerFactory(
        user=user, court=courts[code], roles=[str(r) for r in roles], **({"name": name} if name else {})
    )


@pytest.fixture
def judge_xixia(courts):
    """张伟, enforcement judge of 西夏区法院 (宁0105), a basic court under 银川中院."""
    return _officer(courts, "judge_xixia", "宁0105", Role.JUDGE, name="张伟")


@pytest.fixture
def officer_xixia(courts):
    return _officer(courts, "officer_xixia", "宁0105", Role.OFFICER, name="刘洋")


@pytest.fixture
def approver_xixia(courts):
    return _officer(courts, "approver_xixia", "宁0105", Role.APPROVER, name="陈刚")


@pytest.fixture
def judge_jingyuan(courts):
    """马晓东, enforcement judge of 泾源县法院 (宁0424), under 固原中院: a sibling subtree of 西夏区."""
    return _officer(courts, "judge_jingyuan", "宁0424", Role.JUDGE, name="马晓东")


@pytest.fixture
def duty_yinchuan(courts):
    """赵敏, duty officer of 银川中院 (宁01): sees 银川's basic courts, not 固原's."""
    return _officer(courts, "duty_yinchuan", "宁01", Role.DUTY, name="赵敏")


@pytest.fixture
def judge_yinchuan(courts):
    """孙洁, enforcement judge of 银川中院 (宁01): reads 银川's subtree with personal data (and searches by it)."""
    return _officer(courts, "judge_yinchuan", "宁01", Role.JUDGE, name="孙洁")


@pytest.fixture
def president_xixia(courts):
    """吴国强, 院长 of 西夏区法院: approves extensions of the statutory deadline."""
    return _officer(courts, "president_xixia", "宁0105", Role.PRESIDENT, name="吴国强")


@pytest.fixture
def director_high(courts):
    """马建国, command-centre director of the high court (宁): sees the whole province."""
    return _officer(courts, "director_high", "宁", Role.DIRECTOR, Role.DUTY, name="马建国")


@pytest.fixture
def auditor_high(courts):
    return _officer(courts, "auditor_high", "宁", Role.AUDITOR, name="周审")


@pytest.fixture
def bank_partner(courts):
    """The ICBC gateway: an institution-scoped key that reads and answers only its own tasks."""
    client, key = create_demo_partner(
        "工商银行网关", PartnerKind.INSTITUTION, "宁", [PartnerAction.READ, PartnerAction.ANSWER], "BANK-ICBC"
    )
    client.raw_key = key
    return client


@pytest.fixture
def case_system_partner(courts):
    """银川中院's case-handling system: reads and writes cases within 银川's subtree."""
    client, key = create_demo_partner(
        "银川中院办案系统",
        PartnerKind.CASE_SYSTEM,
        "宁01",
        [PartnerAction.READ, PartnerAction.WRITE_CASES, PartnerAction.QUERY, PartnerAction.CONTROL],
    )
    client.raw_key = key
    return client


@pytest.fixture
def api():
    """An APIClient; `api.as_officer(officer)` / `api.as_partner(client)` switch identity."""
    client = APIClient()

    def as_officer(officer):
        client.credentials()
        client.force_authenticate(officer.user)
        return client

    def as_partner(partner):
        client.force_authenticate(None)
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {partner.raw_key}")
        return client

    client.as_officer, client.as_partner = as_officer, as_partner
    return client


@pytest.fixture
def worker(transactional_db):
    """A real Celery worker (its own process) on the test database and broker; stopped afterwards."""
    from tests.workers import WorkerProcess, purge_queues

    purge_queues()
    proc = WorkerProcess().start()
    yield proc
    proc.stop()
