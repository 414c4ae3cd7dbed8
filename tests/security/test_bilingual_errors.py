"""Every API refusal carries its message in Chinese and English and a stable code (house rule; issue 11, point 8).

Found by the attack pass: the product's own refusals were bilingual, but what DRF and Django answered by themselves
was one language: `{"detail": "No Case matches the given query."}` (English, naming the model) for a record out of
scope, "身份认证信息未提供。" for no credentials, "CSRF Failed: CSRF token missing." for a forged browser POST,
"不支持请求中的媒体类型" for a wrong Content-Type, "该字段是必填项。" for a missing field, and an invalid cursor had no code.
"""

import re

import pytest
from rest_framework.test import APIClient

from cases.choices import CaseStatus
from cases.models import MoneyEntry
from tests.cases.conftest import case_in

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]{2}")


def bilingual(text):
    return bool(CJK.search(text)) and bool(LATIN.search(text))


def assert_bilingual_refusal(response, status, code=None):
    assert response.status_code == status
    body = response.json()
    assert bilingual(body["detail"]), body
    assert body.get("code"), body
    if code:
        assert body["code"] == code
    return body


def test_out_of_scope_and_absent_records_answer_the_same_bilingual_404(api, courts, judge_jingyuan):
    case = case_in(CaseStatus.DISPOSING, court=courts["宁0105"])
    client = api.as_officer(judge_jingyuan)
    hidden = assert_bilingual_refusal(client.get(f"/api/v1/cases/{case.pk}/"), 404, "not_found")
    absent = assert_bilingual_refusal(client.get("/api/v1/cases/999999999/"), 404, "not_found")
    acting = assert_bilingual_refusal(
        client.post(f"/api/v1/cases/{case.pk}/notice/", {}, format="json"), 404, "not_found"
    )
    assert hidden == absent == acting
    assert "Case" not in hidden["detail"]  # the model's name is not the client's business


def test_no_credentials_and_a_bad_key_are_bilingual_401s(courts):
    client = APIClient()
    assert_bilingual_refusal(client.get("/api/v1/cases/"), 401)
    client.credentials(HTTP_AUTHORIZATION="Api-Key ec_nope0000_not-a-key")
    assert_bilingual_refusal(client.get("/api/v1/cases/"), 401)


def test_wrong_method_and_media_type_are_bilingual(api, courts, judge_xixia):
    case = case_in(CaseStatus.DISPOSING, court=courts["宁0105"])
    client = api.as_officer(judge_xixia)
    assert_bilingual_refusal(client.put(f"/api/v1/cases/{case.pk}/", {}, format="json"), 405, "method_not_allowed")
    before = MoneyEntry.objects.count()
    response = client.post(f"/api/v1/cases/{case.pk}/receipt/", "<a/>", content_type="application/xml")
    assert_bilingual_refusal(response, 415, "unsupported_media_type")
    assert MoneyEntry.objects.count() == before


def test_a_browser_post_without_its_csrf_token_is_a_bilingual_403(courts, judge_xixia):
    case = case_in(CaseStatus.DISPOSING, court=courts["宁0105"])
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(judge_xixia.user)
    before = MoneyEntry.objects.count()
    response = client.post(
        f"/api/v1/cases/{case.pk}/receipt/", {"amount": "1.00", "source": "voluntary"}, format="json"
    )
    assert_bilingual_refusal(response, 403, "csrf_failed")
    assert MoneyEntry.objects.count() == before


def test_every_field_error_is_bilingual(api, courts, judge_xixia):
    case = case_in(CaseStatus.DISPOSING, court=courts["宁0105"])
    client = api.as_officer(judge_xixia)
    before = MoneyEntry.objects.count()
    response = client.post(
        f"/api/v1/cases/{case.pk}/receipt/", {"reference": "r" * 500, "payee": 999999999}, format="json"
    )
    assert response.status_code == 400
    messages = [m for field in response.json().values() for m in (field if isinstance(field, list) else [field])]
    assert messages and all(bilingual(m) for m in messages), messages
    assert MoneyEntry.objects.count() == before
    response = client.post(f"/api/v1/cases/{case.pk}/receipt/", [], format="json")
    assert all(bilingual(m) for m in response.json()["non_field_errors"]), response.json()


def test_an_invalid_cursor_is_a_bilingual_404(api, courts, judge_xixia):
    response = api.as_officer(judge_xixia).get("/api/v1/cases/?cursor=not-a-cursor")
    assert_bilingual_refusal(response, 404, "not_found")


def test_english_readers_get_english_only(api, courts, judge_jingyuan):
    case = case_in(CaseStatus.DISPOSING, court=courts["宁0105"])
    response = api.as_officer(judge_jingyuan).get(f"/api/v1/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404 and not CJK.search(response.json()["detail"])
