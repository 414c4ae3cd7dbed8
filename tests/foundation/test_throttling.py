"""Throttling per partner API key (issue 3): one key's burst never slows another key or the browser's users."""

import pytest

from execcenter.api.throttling import PartnerKeyThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_per_minute(monkeypatch):
    monkeypatch.setattr(PartnerKeyThrottle, "THROTTLE_RATES", {"partner": "3/min"})


def test_a_key_over_its_rate_gets_429_in_both_languages_and_other_keys_do_not(
    api, three_per_minute, case_system_partner, bank_partner, judge_xixia
):
    client = api.as_partner(case_system_partner)
    assert [client.get("/api/v1/cases/").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get("/api/v1/cases/")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    body = refused.json()
    assert body["code"] == "throttled" and "请求过于频繁" in body["detail"] and "rate limit exceeded" in body["detail"]
    assert api.as_partner(bank_partner).get("/api/v1/courts/").status_code == 200  # its own budget
    officer = api.as_officer(judge_xixia)  # browser sessions are not throttled per key
    assert all(officer.get("/api/v1/cases/").status_code == 200 for _ in range(5))
    assert api.as_partner(case_system_partner).get("/api/v1/cases/").status_code == 429  # still over


def test_a_refused_post_changes_nothing(api, three_per_minute, case_system_partner):
    from cases.models import Case

    client = api.as_partner(case_system_partner)
    for _ in range(3):
        client.get("/api/v1/cases/")
    before = Case.objects.count()
    response = client.post("/api/v1/cases/", {}, format="json")
    assert response.status_code == 429 and Case.objects.count() == before
