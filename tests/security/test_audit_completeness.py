"""Issue 11 point 9: the audit log is complete — unmasked reads (here: an Idempotency-Key replay, which skips the
serializer), role and rights changes in the admin, key steps (tests/security/test_api_keys.py), external queries
including the queued-freeze refresh, each with who, from where, the court and why; a query purpose that says
nothing is refused."""

import pytest
from django.test import Client

from execcenter.exceptions import RuleViolation
from execcenter.models import AuditLog
from querycontrol.services.queries import check_purpose
from tests.cases.test_api import _case_payload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_idempotency_replay_of_unmasked_data_is_audited_again(api, case_system_partner):
    client = api.as_partner(case_system_partner)
    first = client.post("/api/v1/cases/", _case_payload(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/v1/cases/", _case_payload(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201 and again["Idempotent-Replay"] == "true"
    reads = AuditLog.objects.filter(action="personal_data.read", partner=case_system_partner).order_by("id")
    assert [bool(r.details.get("replay")) for r in reads] == [False, True]
    assert all(r.court.code == "宁01" for r in reads)  # the partner's court: its auditors find the rows


@pytest.fixture
def admin_client(courts):
    user = UserFactory(username="root2", is_staff=True, is_superuser=True)
    client = Client(REMOTE_ADDR="192.0.2.20")
    client.force_login(user)
    return client


def test_a_role_change_in_the_admin_is_audited_with_before_and_after(admin_client, judge_xixia, courts):
    response = admin_client.post(
        f"/admin/execcenter/officer/{judge_xixia.pk}/change/",
        {
            "user": judge_xixia.user.pk,
            "court": courts["宁0105"].pk,
            "name": judge_xixia.name,
            "roles": '["judge", "approver"]',
            "badge_no": judge_xixia.badge_no or "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    row = AuditLog.objects.get(action="officer.roles_changed", object_id=str(judge_xixia.pk))
    assert row.details["before"]["roles"] == ["judge"] and row.details["after"]["roles"] == ["judge", "approver"]
    assert row.court.code == "宁0105" and row.ip == "192.0.2.20"


def test_deactivating_a_login_in_the_admin_is_audited(admin_client, judge_xixia):
    user = judge_xixia.user
    page = admin_client.get(f"/admin/auth/user/{user.pk}/change/")
    assert page.status_code == 200
    data = {
        "username": user.username,
        "is_staff": "",
        "is_superuser": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
        "last_login_0": "",
        "last_login_1": "",
        "first_name": "",
        "last_name": "",
        "email": "",
    }  # is_active left out: off
    response = admin_client.post(f"/admin/auth/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:1500]
    row = AuditLog.objects.get(action="user.rights_changed", object_id=str(user.pk))
    assert row.details["before"]["is_active"] is True and row.details["after"]["is_active"] is False
    assert row.court.code == "宁0105"


@pytest.mark.parametrize("junk", ["x", "111111", "。。。。", "aaaa", "qq"])
def test_a_query_purpose_that_says_nothing_is_refused(junk):
    with pytest.raises(RuleViolation) as refused:
        check_purpose(junk)
    assert refused.value.code == "purpose_invalid"


@pytest.mark.parametrize(
    "purpose", ["执行财产调查", "核查被执行人存款：申请人提供线索", "终本案件定期查询", "asset search before renewal"]
)
def test_listed_and_meaningful_purposes_are_accepted(purpose):
    check_purpose(purpose)


def test_the_query_form_offers_the_listed_purposes():
    from querycontrol.choices import QUERY_PURPOSES
    from querycontrol.forms import QueryStartForm

    html = str(QueryStartForm()["purpose"])
    assert 'list="query-purposes"' in html and "执行财产调查" in [str(p) for p in QUERY_PURPOSES]
