"""Issue 11 point 5: a big-screen token ends with the login session that issued it — logout, deactivation, a role or
court change — and the wall then asks for a duty login instead of "reconnecting" for ever.

The attack that got through before: the screen token kept working for 24 h after logout or deactivation."""

import json
import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _screen_token(client, code="宁"):
    page = client.get(f"/screen/{code}/").content.decode()
    return json.loads(
        re.search(r'<script id="screen-config" type="application/json">(.*?)</script>', page, re.S).group(1)
    )["token"]


def _poll(token, code="宁"):
    return Client().get(f"/api/v1/screens/{code}/snapshot", HTTP_X_SCREEN_TOKEN=token).status_code


@pytest.fixture
def wall(director_high):
    client = Client()
    client.force_login(director_high.user)
    return client


def test_a_live_token_is_accepted(wall):
    assert _poll(_screen_token(wall)) in (200, 503)  # 503: no snapshot yet; access itself was granted


def test_logout_ends_the_screen_token_at_once(wall):
    token = _screen_token(wall)
    wall.post("/accounts/logout/")
    assert _poll(token) == 401
    renewal = wall.get("/screen/宁/token")
    assert renewal.status_code == 401 and renewal.json()["code"] == "login_required"
    assert renewal.json()["login_url"].startswith("/accounts/login/?next=")


def test_logging_out_one_session_leaves_the_other_walls_running(director_high):
    first, second = Client(), Client()
    first.force_login(director_high.user)
    second.force_login(director_high.user)
    token1, token2 = _screen_token(first), _screen_token(second)
    first.post("/accounts/logout/")
    assert _poll(token1) == 401 and _poll(token2) != 401


def test_deactivating_the_user_ends_every_screen_token(wall, director_high):
    token = _screen_token(wall)
    user = director_high.user
    user.is_active = False
    user.save()
    assert _poll(token) == 401
    assert wall.get("/screen/宁/token").status_code == 401


def test_removing_the_role_ends_the_token_and_no_new_one_is_issued(wall, director_high):
    token = _screen_token(wall)
    director_high.roles = []
    director_high.save()
    assert _poll(token) == 401
    assert wall.get("/screen/宁/token").status_code == 403


def test_moving_an_officer_to_a_lower_court_ends_the_wider_token(wall, director_high, courts):
    token = _screen_token(wall)
    director_high.court = courts["宁0105"]
    director_high.save()
    assert _poll(token) == 401
    fresh = wall.get("/screen/宁0105/token").json()["token"]
    assert _poll(fresh, "宁0105") != 401 and _poll(fresh, "宁") == 404


def test_a_token_never_outlives_the_login_session(settings):
    from dashboards.screen_access import max_age

    assert max_age() <= settings.SESSION_COOKIE_AGE


@pytest.mark.browser
def test_the_wall_asks_for_a_duty_login_when_its_session_ends(browser_page, log_in, director_high, transactional_db):
    page = browser_page
    log_in(page, director_high.user)
    assert page.goto("/screen/宁/?poll=200").status == 200
    page.wait_for_function("window.__screen && window.__screen.polls >= 1")
    assert not page.locator("#login-prompt").is_visible()
    user = director_high.user
    user.is_active = False
    user.save()
    page.wait_for_selector("#login-prompt", state="visible", timeout=10000)
    assert "值班登录已结束" in page.locator("#login-prompt").inner_text()
    assert page.locator("#login-prompt a").get_attribute("href").startswith("/accounts/login/?next=")
    polls = page.evaluate("window.__screen.polls")
    page.wait_for_timeout(1000)
    assert page.evaluate("window.__screen.polls") == polls  # polling stopped: no "reconnecting" loop
    page.save_screenshot("login-prompt", full_page=False)
