"""Issue 11 point 2: login throttling and lockout per account and per address (django-axes) for the site, the
admin and the API's session login; a Chinese message, an audit row, and an administrator's unlock.

The attack that got through before: 40 wrong passwords, then the right one logged in."""

import pytest
from axes.models import AccessAttempt
from django.test import Client

from execcenter.models import AuditLog
from tests.factories import OfficerFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "right-horse-battery-9"

LOGIN_PAGES = ["/accounts/login/", "/admin/login/", "/api-auth/login/"]


@pytest.fixture
def victim(courts):
    user = UserFactory(username="victim", is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    OfficerFactory(user=user, court=courts["宁0105"], roles=["judge"])
    return user


def _post(client, url, username, password):
    return client.post(url, {"username": username, "password": password, "next": "/"})


@pytest.mark.parametrize("url", LOGIN_PAGES)
def test_forty_wrong_passwords_then_the_right_one_does_not_log_in(url, victim, settings):
    client = Client(REMOTE_ADDR="203.0.113.5")
    statuses = [_post(client, url, "victim", f"guess-{i}").status_code for i in range(40)]
    assert statuses[: settings.LOGIN_FAILURES_PER_ACCOUNT - 1].count(429) == 0
    assert statuses[settings.LOGIN_FAILURES_PER_ACCOUNT :] == [429] * (40 - settings.LOGIN_FAILURES_PER_ACCOUNT)
    right = _post(client, url, "victim", PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "登录失败次数过多" in right.content.decode()


def test_the_account_stays_locked_from_another_address(victim, settings):
    attacker = Client(REMOTE_ADDR="203.0.113.5")
    for i in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        _post(attacker, "/accounts/login/", "victim", f"guess-{i}")
    other = Client(REMOTE_ADDR="198.51.100.77")
    assert _post(other, "/accounts/login/", "victim", PASSWORD).status_code == 429


def test_one_address_guessing_many_accounts_is_locked_out(courts, victim, settings):
    settings.LOGIN_FAILURES_PER_IP = 8
    attacker = Client(REMOTE_ADDR="203.0.113.6")
    # A different account each time, so no account reaches its own limit; the 8th failure starts the lock.
    assert [_post(attacker, "/accounts/login/", f"someone{i}", "x").status_code for i in range(8)] == [200] * 7 + [429]
    assert _post(attacker, "/accounts/login/", "victim", PASSWORD).status_code == 429
    assert _post(Client(REMOTE_ADDR="198.51.100.78"), "/accounts/login/", "victim", PASSWORD).status_code == 302


def test_a_forged_forwarded_for_does_not_escape_the_address_lockout(victim, settings):
    settings.LOGIN_FAILURES_PER_IP = 6
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for i in range(6):
        attacker.post("/accounts/login/", {"username": f"u{i}", "password": "x"}, HTTP_X_FORWARDED_FOR=f"1.1.1.{i}")
    response = attacker.post(
        "/accounts/login/", {"username": "victim", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="9.9.9.9"
    )
    assert response.status_code == 429


def test_api_login_lockout_answers_json_in_both_languages(victim, settings):
    client = Client(REMOTE_ADDR="203.0.113.8")
    for i in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        _post(client, "/api-auth/login/", "victim", f"guess-{i}")
    response = client.post(
        "/api-auth/login/", {"username": "victim", "password": PASSWORD}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 429
    body = response.json()
    assert (
        body["code"] == "login_locked"
        and "登录失败次数过多" in body["detail"]
        and "Too many failed logins" in body["detail"]
    )


def test_a_lockout_leaves_one_audit_row_with_the_court_and_the_address(victim, settings):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(settings.LOGIN_FAILURES_PER_ACCOUNT + 10):
        _post(client, "/accounts/login/", "victim", f"guess-{i}")
    rows = AuditLog.objects.filter(action="login.locked_out", object_id="victim")
    assert rows.count() == 1  # not one per refused attempt: the attacker cannot flood the audit log
    row = rows.get()
    assert row.ip == "203.0.113.9" and row.court.code == "宁0105"


def test_an_administrator_unlocks_an_account_and_the_unlock_is_audited(victim, settings):
    client = Client(REMOTE_ADDR="203.0.113.10")
    for i in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        _post(client, "/accounts/login/", "victim", f"guess-{i}")
    assert _post(client, "/accounts/login/", "victim", PASSWORD).status_code == 429
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    staff = Client(REMOTE_ADDR="192.0.2.1")
    staff.force_login(admin)
    ids = [str(pk) for pk in AccessAttempt.objects.filter(username="victim").values_list("pk", flat=True)]
    response = staff.post("/admin/axes/accessattempt/", {"action": "unlock", "_selected_action": ids})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="victim").exists()
    row = AuditLog.objects.get(action="login.unlocked", object_id="victim")
    assert row.user == admin and row.ip == "192.0.2.1"
    assert _post(client, "/accounts/login/", "victim", PASSWORD).status_code == 302
