"""Issue 11 point 9: auditors search the audit log in the browser (policy "audit.read"), within their courts; the
search itself is audited; rows tied to no court (anonymous lookups, lockouts of unknown names) reach the province."""

import datetime as dt

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from execcenter.choices import Role
from execcenter.models import AuditLog
from execcenter.services import audit
from tests.factories import OfficerFactory, UserFactory

pytestmark = pytest.mark.django_db


def _row(action, court=None, ip="198.51.100.1", **kw):
    return audit(
        None,
        action,
        court=court,
        request=RequestFactory().get("/", REMOTE_ADDR=ip),
        object_type="x",
        object_id="1",
        **kw,
    )


def _as(officer):
    client = Client()
    client.force_login(officer.user)
    return client


@pytest.fixture
def rows(courts):
    return {
        "xixia": _row("personal_data.read", courts["宁0105"]),
        "jingyuan": _row("personal_data.read", courts["宁0424"], ip="198.51.100.2"),
        "nowhere": _row("login.locked_out"),
    }


def test_a_provincial_auditor_finds_every_court_and_the_courtless_rows(auditor_high, rows):
    page = _as(auditor_high).get("/audit/").content.decode()
    assert page.count('title="personal_data.read"') == 2 and 'title="login.locked_out"' in page


def test_a_basic_court_auditor_sees_only_their_court(courts, rows):
    auditor = OfficerFactory(user=UserFactory(username="aud_jy"), court=courts["宁0424"], roles=[Role.AUDITOR.value])
    page = _as(auditor).get("/audit/").content.decode()
    assert "198.51.100.2" in page and "198.51.100.1" not in page and "login.locked_out" not in page


def test_a_judge_may_not_open_the_audit_page(judge_xixia, rows):
    response = _as(judge_xixia).get("/audit/")
    assert response.status_code == 403 and "198.51.100" not in response.content.decode()


def test_filters_narrow_the_rows_and_the_search_is_audited(auditor_high, rows, courts):
    client = _as(auditor_high)
    page = client.get("/audit/", {"action": "personal_data", "ip": "198.51.100.2"}).content.decode()
    assert "198.51.100.2" in page and "198.51.100.1" not in page
    page = client.get("/audit/", {"court": "宁01"}).content.decode()
    assert "198.51.100.1" in page and "198.51.100.2" not in page
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert "没有符合条件的记录" in client.get("/audit/", {"since": tomorrow}).content.decode()
    searches = AuditLog.objects.filter(action="audit.search", user=auditor_high.user)
    assert searches.count() == 3 and searches.filter(details__filters__ip="198.51.100.2").exists()


def test_junk_in_the_search_form_is_refused_with_a_message(auditor_high, rows):
    response = _as(auditor_high).get("/audit/", {"ip": "not-an-ip", "since": "2026-13-40"})
    assert response.status_code == 200 and "没有符合条件的记录" in response.content.decode()
    assert 'class="error"' in response.content.decode()
