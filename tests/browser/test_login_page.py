"""The login page in a real browser: Chinese UI renders, no script errors, and an officer gets in."""

import pytest

from execcenter.choices import Role
from tests.factories import OfficerFactory, UserFactory

pytestmark = pytest.mark.browser


def test_login_page_renders_in_chinese_and_officer_can_log_in(browser_page, courts):
    officer = OfficerFactory(
        user=UserFactory(username="wangfang"), court=courts["宁0105"], name="王芳", roles=[Role.JUDGE.value]
    )
    page = browser_page

    response = page.goto("/accounts/login/")
    assert response.status == 200
    assert "执行指挥中心" in page.title()
    assert page.locator("h1").inner_text() == "执行指挥中心"
    # The stylesheet is served by our own server and applied (the top bar's dark red).
    assert (
        page.evaluate("getComputedStyle(document.querySelector('header.topbar')).backgroundColor") == "rgb(127, 29, 29)"
    )
    shot = page.save_screenshot()
    assert shot.exists() and shot.stat().st_size > 5_000

    # A wrong password keeps the user on the form with a Chinese error.
    page.fill("input[name=username]", "wangfang")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("p.error").inner_text() == "用户名或密码错误，请重试。"

    page.fill("input[name=username]", "wangfang")
    page.fill("input[name=password]", "pw-12345678")  # UserFactory's password
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    header = page.locator("header .who").inner_text()
    assert officer.name in header and "西夏区法院" in header
    assert page.locator("header").get_by_role("button", name="退出").is_visible()
    page.save_screenshot("after-login")

    # A script error or a missing asset (404) on either page shows up as a console error.
    assert page.console_errors == []
