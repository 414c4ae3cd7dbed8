"""Field dispatch on a map (现场查封 + 远程调度): a dispatched team's phone reports its position; the incident page lists
each team with its last position, its live video link and a map; the wall's incident module shows when each team last
reported; positions stay on the incident's timeline."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from command import services
from command.choices import IncidentEventKind
from command.models import TeamPosition
from command.services.incidents import report_position, team_positions
from dashboards.registry import get
from execcenter.exceptions import InvalidTransition, PermissionDenied, RuleViolation
from tests.factories import OfficerFactory, UserFactory


@pytest.fixture
def dispatched(courts, director_high, judge_xixia, officer_xixia, duty_yinchuan):
    now = timezone.now()
    op = services.create_operation(
        director_high.user,
        name="集中查封",
        court=courts["宁"],
        courts=[courts["宁0105"]],
        starts_at=now,
        ends_at=now + dt.timedelta(days=1),
    )
    team = services.add_team(
        director_high.user,
        op,
        name="一组",
        court=courts["宁0105"],
        leader=judge_xixia,
        members=[officer_xixia],
        body_camera_url="https://video.example/live/team-1",
    )
    services.launch_operation(director_high.user, op)
    incident = services.report_incident(
        judge_xixia.user,
        kind="obstruction",
        severity="high",
        latitude=Decimal("38.480000"),
        longitude=Decimal("106.230000"),
        address="西夏区某小区",
        description="被执行人阻挠查封",
    )
    services.dispatch_help(duty_yinchuan.user, incident, team=team, note="一组前往增援")
    return incident, team


def test_a_team_member_reports_its_position_and_it_is_kept_on_the_timeline(
    dispatched, officer_xixia, judge_jingyuan, courts
):
    incident, team = dispatched
    assert team_positions(incident)[0]["latitude"] is None
    report_position(officer_xixia.user, incident, team, Decimal("38.481000"), Decimal("106.231000"))
    report_position(officer_xixia.user, incident, team, Decimal("38.482500"), Decimal("106.232500"))
    [row] = team_positions(incident)
    assert (row["team"], row["leader"], row["latitude"], row["longitude"], row["video"]) == (
        "一组",
        "张伟",
        38.4825,
        106.2325,
        "https://video.example/live/team-1",
    )
    assert incident.events.filter(kind=IncidentEventKind.POSITION).count() == 2

    outsider = OfficerFactory(user=UserFactory(username="outsider"), court=courts["宁0105"], roles=["judge"])
    with pytest.raises(PermissionDenied):
        report_position(outsider.user, incident, team, Decimal("38.4"), Decimal("106.2"))
    with pytest.raises(RuleViolation):
        report_position(officer_xixia.user, incident, team, Decimal("98.0"), Decimal("106.2"))
    assert TeamPosition.objects.count() == 2


def test_the_incident_page_shows_teams_positions_video_and_map_and_the_phone_page_reports(
    client, dispatched, officer_xixia, duty_yinchuan, judge_jingyuan
):
    incident, team = dispatched
    client.force_login(officer_xixia.user)
    phone = reverse("command:incident-position", args=[incident.pk])
    page = client.get(phone).content.decode()
    assert "data-geolocate" in page and "一组" in page
    assert client.post(phone, {"team": team.pk, "latitude": "north", "longitude": "106.2"}).status_code == 400
    assert client.post(phone, {"team": team.pk, "latitude": "38.490000", "longitude": "106.240000"}).status_code == 302

    client.force_login(duty_yinchuan.user)
    html = client.get(reverse("command:incident-detail", args=[incident.pk])).content.decode()
    assert 'id="incident-map"' in html and 'id="incident-map-data"' in html and "incident_map.js" in html
    assert "38.49, 106.24" in html and "https://video.example/live/team-1" in html
    client.force_login(judge_jingyuan.user)  # 泾源 does not see 西夏区's incident: absent
    assert client.get(phone).status_code == 404


def test_the_walls_incident_module_shows_when_each_team_last_reported(dispatched, officer_xixia, courts):
    incident, team = dispatched
    position = report_position(officer_xixia.user, incident, team, Decimal("38.481000"), Decimal("106.231000"))
    data = get("m37").compute(courts["宁"], timezone.now())
    reported = timezone.localtime(position.reported_at).strftime("%H:%M")
    assert data["rows"][0][-1] == f"一组 {reported}"


def test_a_closed_incident_takes_no_more_positions(dispatched, officer_xixia, duty_yinchuan):
    incident, team = dispatched
    services.close_incident(duty_yinchuan.user, incident, "已处置")
    incident.refresh_from_db()
    with pytest.raises(InvalidTransition):
        report_position(officer_xixia.user, incident, team, Decimal("38.4"), Decimal("106.2"))
