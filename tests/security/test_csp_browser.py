"""Issue 11 point 7: a Content-Security-Policy (django-csp) that the big screen and the pages pass in a real browser
with no violation: each page is opened in headless Chromium listening for `securitypolicyviolation` events and
console errors."""

import io
import random

import pytest

from cases.demo_bulk import generate_cases
from cases.models import Case
from dashboards import demo
from execcenter.models import Officer
from execcenter.org import create_demo_logins

pytestmark = pytest.mark.browser

LISTEN = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' @ ' + e.sourceFile + ':' + e.lineNumber));"""


@pytest.fixture
def province(courts, transactional_db):
    create_demo_logins()
    generate_cases(300, seed=11, stdout=io.StringIO())
    demo.enrich(random.Random(11), io.StringIO())
    return {o.user.username: o.user for o in Officer.objects.select_related("user")}


def _visit(page, url, ready=None):
    response = page.goto(url)
    assert response.status == 200, url
    assert "default-src 'self'" in response.headers.get("content-security-policy", ""), url
    if ready:
        page.wait_for_function(ready)
    page.wait_for_timeout(300)  # late violations (styles applied by scripts) arrive after load
    return page.evaluate("window.__csp")


def _check(browser_page, log_in, user, urls):
    page = browser_page
    page.add_init_script(LISTEN)
    if user is not None:
        log_in(page, user)
    violations = {}
    for url, ready in urls:
        found = _visit(page, url, ready)
        if found:
            violations[url] = found
    assert violations == {}
    assert [e for e in page.console_errors if "Content Security Policy" in e or "Refused to" in e] == []


def test_the_big_screen_runs_with_no_csp_violation(browser_page, log_in, province):
    page = browser_page
    page.set_viewport_size({"width": 1920, "height": 1080})
    _check(
        page,
        log_in,
        province["director"],
        [
            (
                "/screen/宁/?poll=300",
                "window.__screen && window.__screen.ok >= 2 && document.querySelectorAll('[data-module=m38] svg path').length > 20",
            ),
        ],
    )


def test_officers_pages_have_no_csp_violation(browser_page, log_in, province):
    case = Case.objects.filter(court__code="宁0105").order_by("pk").first()
    _check(
        browser_page,
        log_in,
        province["xixia_judge"],
        [
            ("/workbench/", None),
            ("/cases/", None),
            (f"/cases/{case.pk}/", None),
            ("/command/", None),
            ("/command/incidents/report/", None),
            ("/command/indicators/", None),
        ],
    )


def test_duty_desk_and_audit_pages_have_no_csp_violation(browser_page, log_in, province):
    _check(
        browser_page,
        log_in,
        province["director"],
        [("/alerts/", None), ("/duty/", None), ("/audit/?action=duty.", None)],
    )


def test_admin_api_docs_and_public_pages_have_no_csp_violation(browser_page, log_in, province):
    _check(
        browser_page,
        log_in,
        province["admin"],
        [
            ("/admin/", None),
            ("/admin/execcenter/partnerclient/", None),
            ("/admin/execcenter/partnerclient/add/", None),
            ("/admin/axes/accessattempt/", None),
            ("/api/docs/", "document.querySelectorAll('.opblock').length > 5"),
        ],
    )


def test_login_and_public_lookup_have_no_csp_violation(browser_page, province):
    _check(
        browser_page,
        None,
        None,
        [
            ("/accounts/login/", None),
            ("/command/disclosure/", "document.querySelector('img.captcha').naturalWidth > 0"),
        ],
    )
