"""Every demo role logs in through the login form in a real browser and lands on its workbench (我的工作台), with
its own sections, the navigation the policy allows it, and no script, stylesheet or CSP error on the way."""

import datetime as dt

import pytest
from django.utils import timezone

from execcenter.choices import AlertSeverity
from execcenter.models import Court, Officer
from execcenter.org import DEMO_PASSWORD, create_demo_logins
from execcenter.services import raise_alert
from tests.factories import CaseFactory

pytestmark = pytest.mark.browser

# username → the workbench section(s) its roles give it (demo logins of execcenter.org).
EXPECTED = {
    "admin": ["wb-none"],
    "director": ["wb-duty", "wb-director"],
    "high_duty_a": ["wb-duty"],
    "high_duty_b": ["wb-duty"],
    "auditor": ["wb-none"],
    "yc_director": ["wb-duty", "wb-director"],
    "yc_duty": ["wb-duty"],
    "yc_approver": ["wb-approver"],
    "xixia_judge": ["wb-judge"],
    "xixia_officer": ["wb-judge"],
    "xixia_approver": ["wb-approver"],
    "xixia_duty": ["wb-duty"],
    "xixia_president": ["wb-approver"],
    "jingyuan_judge": ["wb-judge"],
    "jingyuan_approver": ["wb-approver"],
}
SECTIONS = ("wb-judge", "wb-approver", "wb-duty", "wb-director", "wb-none")


def test_every_demo_role_logs_in_and_lands_on_its_workbench_without_errors(browser_page, courts):
    create_demo_logins()
    assert {o.user.username for o in Officer.objects.select_related("user")} == set(EXPECTED)
    judge = Officer.objects.get(user__username="xixia_judge")
    today = timezone.localdate()
    overdue = CaseFactory(
        court=Court.objects.get(code="宁0105"), assigned_judge=judge, statutory_deadline=today - dt.timedelta(days=3)
    )
    raise_alert(
        kind="demo",
        court=courts["宁0105"],
        title="西夏区严重预警",
        dedup_key="browser:1",
        severity=AlertSeverity.CRITICAL,
    )
    page = browser_page

    for username, sections in EXPECTED.items():
        page.context.clear_cookies()
        page.goto("/")
        page.wait_for_url("**/accounts/login/**")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/workbench/")
        assert page.locator("h1.workbench-title").is_visible(), username
        present = [s for s in SECTIONS if page.locator(f"#{s}").count()]
        assert present == sections, username
        # The menu leads home, and only to pages this role may open (the policy's test is in tests/workbench).
        assert page.locator("header nav a[href='/workbench/']").count() == 1, username
        if username == "xixia_judge":
            tile = page.locator("[data-bucket=overdue] b")
            assert tile.inner_text() == "1"
            page.click("[data-bucket=overdue]")
            page.wait_for_url("**/cases/?**")
            assert overdue.number in page.content()
            page.go_back()
        if username == "xixia_duty":
            assert page.locator("[data-bucket=alerts_critical] b").inner_text() == "1"
        page.save_screenshot(username)
    assert page.console_errors == []
