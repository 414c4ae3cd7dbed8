"""The wall's incident module (37) puts each dispatched team's last reported position on the province map
(issue #15 item 6), readable at 1920×1080; the page is saved as a screenshot (artifacts/screenshots/)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from command.models import Dispatch, FieldTeam, Incident, Operation, TeamPosition
from dashboards.snapshots import refresh
from execcenter.models import Court, Officer

from .test_screen_browser import demo_province  # noqa: F401  (the fixture)
from .test_screen_readability import PROBLEMS, TOLERANCE, _show

pytestmark = pytest.mark.browser


def _incident_with_teams():
    xixia = Court.objects.get(code="宁0105")
    now = timezone.now()
    op = Operation.objects.create(
        name="雷霆行动",
        court=xixia,
        starts_at=now,
        ends_at=now + dt.timedelta(days=1),
        status="running",
        launched_at=now,
    )
    op.courts.set([xixia])
    leaders = list(Officer.objects.filter(court=xixia).order_by("pk")[:2])
    first, second = (
        FieldTeam.objects.create(operation=op, court=xixia, name=name, leader=leader)
        for name, leader in zip(("西夏一组", "西夏二组"), leaders)
    )
    incident = Incident.objects.create(
        court=xixia,
        operation=op,
        team=first,
        kind="obstruction",
        severity="high",
        latitude=Decimal("38.498100"),
        longitude=Decimal("106.085600"),
        address="西夏区某小区",
        description="阻拦搜查",
        status="dispatched",
    )
    Dispatch.objects.create(incident=incident, team=second)
    TeamPosition.objects.create(
        incident=incident, team=first, latitude=Decimal("38.4981"), longitude=Decimal("106.0856")
    )
    TeamPosition.objects.create(
        incident=incident, team=second, latitude=Decimal("38.4723"), longitude=Decimal("106.1524")
    )


def test_the_incident_module_shows_the_teams_last_positions_on_the_province_map(browser_page, log_in, demo_province):  # noqa: F811
    _incident_with_teams()
    refresh(force=True)
    page = browser_page
    log_in(page, demo_province.user)
    page.set_viewport_size({"width": 1920, "height": 1080})
    assert page.goto("/screen/宁/?poll=200").status == 200
    page.wait_for_function("window.__screen && window.__screen.ok >= 1 && document.querySelector('[data-module=m37]')")
    page.evaluate("clearInterval(window.__screen.pageTimer)")
    index = page.evaluate(
        "[...document.getElementById('pages').children].findIndex(p => p.querySelector('[data-module=m37]'))"
    )
    assert index >= 0, "module 37 is on no carousel page of the default layout"
    _show(page, index)
    page.wait_for_function("document.querySelectorAll('[data-module=m37] [data-incident-map] svg path').length > 20")
    labels = page.evaluate(
        "[...document.querySelectorAll('[data-module=m37] [data-incident-map] svg text')].map(t => t.textContent)"
    )
    assert any(label.startswith("西夏一组 ") for label in labels), labels
    assert any(label.startswith("西夏二组 ") for label in labels), labels
    box = page.evaluate(
        """() => { const r = document.querySelector('[data-module=m37] [data-incident-map]').getBoundingClientRect();
        return [r.width, r.height]; }"""
    )
    assert box[0] > 200 and box[1] > 100, box  # a map one can read at 1920×1080, not a sliver
    page.save_screenshot("m37-1920x1080", full_page=False)
    problems = [p for p in page.evaluate(PROBLEMS, TOLERANCE) if p.startswith("m37")]
    assert problems == []
    assert page.console_errors == []
