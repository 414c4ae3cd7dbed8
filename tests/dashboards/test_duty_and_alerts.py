"""AB-post duty (rosters, check-in, swaps, take-over, handover, gap alerts) and alert handling."""

import datetime as dt

import pytest
from django.urls import reverse

from dashboards.choices import AlertActionKind, SwapStatus
from dashboards.models import CommandCentre
from dashboards.registry import get
from dashboards.services import alerts as alert_services
from dashboards.services import duty
from execcenter.choices import AlertSeverity, AlertStatus, Role
from execcenter.exceptions import InvalidTransition, PermissionDenied
from execcenter.models import Alert
from execcenter.services import raise_alert
from tests.factories import OfficerFactory, UserFactory

from .conftest import NOW, at


@pytest.fixture
def centre(courts, director_high):
    return CommandCentre.objects.create(
        court=courts["宁"],
        name="宁夏高院执行指挥中心",
        director=director_high,
        escalate_after_minutes=10,
        checkin_grace_minutes=15,
    )


@pytest.fixture
def duty_officers(courts):
    return [
        OfficerFactory(user=UserFactory(username=f"duty{i}"), court=courts["宁"], name=n, roles=[Role.DUTY.value])
        for i, n in enumerate(["李静", "王磊", "赵强", "孙悦"])
    ]


@pytest.fixture
def roster(centre, duty_officers):
    a, b, c, d = duty_officers
    return duty.generate_roster(centre, dt.date(2025, 6, 15), 2, [(a, b), (c, d)])


def test_roster_makes_day_and_night_shifts_with_both_posts(roster, duty_officers):
    assert [(s.name, s.starts_at.astimezone(NOW.tzinfo).hour) for s in roster] == [("白班", 8), ("夜班", 20)] * 2
    assert roster[0].post_a == duty_officers[0] and roster[1].post_b == duty_officers[3]


def test_screen_shows_who_is_on_post_a_and_b_now_and_next(courts, roster, duty_officers):
    duty.check_in(roster[0], duty_officers[0].user, now=at(2025, 6, 15, 7, 50))
    board = get("m39").compute(courts["宁"], NOW)
    assert board["current"]["A"] == {"name": "李静", "checked_in": True, "checked_in_at": "07:50"}
    assert board["current"]["B"]["checked_in"] is False
    assert board["next"]["name"] == "夜班" and board["next"]["A"]["name"] == "赵强"
    # Another court's screen does not show the high court's roster.
    assert get("m39").compute(courts["宁0105"], NOW)["centre"] is None


def test_only_the_posted_officer_checks_in_within_the_window(roster, duty_officers):
    with pytest.raises(PermissionDenied):
        duty.check_in(roster[0], duty_officers[2].user, now=at(2025, 6, 15, 8))
    with pytest.raises(Exception):
        duty.check_in(roster[0], duty_officers[0].user, now=at(2025, 6, 15, 7, 0))
    first = duty.check_in(roster[0], duty_officers[0].user, now=at(2025, 6, 15, 8, 1))
    again = duty.check_in(roster[0], duty_officers[0].user, now=at(2025, 6, 15, 8, 5))
    assert again.a_checked_in_at == first.a_checked_in_at == at(2025, 6, 15, 8, 1)


def test_post_not_checked_in_fifteen_minutes_after_start_raises_alert_then_resolves(roster, duty_officers):
    assert duty.check_posts(at(2025, 6, 15, 8, 14)) == 0
    assert duty.check_posts(at(2025, 6, 15, 8, 16)) == 2
    assert duty.check_posts(at(2025, 6, 15, 8, 17)) == 0  # dedup: raised once
    late = Alert.objects.filter(kind="duty_not_checked_in", status=AlertStatus.OPEN)
    assert late.count() == 2 and late.first().severity == AlertSeverity.CRITICAL
    duty.check_in(roster[0], duty_officers[0].user, now=at(2025, 6, 15, 8, 20))
    assert late.count() == 1


def test_empty_post_raises_alert_and_director_takes_over_at_once(roster, duty_officers, director_high):
    shift = roster[1]
    type(shift).objects.filter(pk=shift.pk).update(post_b=None)
    duty.check_posts(NOW)  # night shift starts within 12 h: warned ahead
    gap = Alert.objects.get(kind="duty_gap")
    assert gap.severity == AlertSeverity.WARNING and "B岗" in gap.title
    duty.take_over(shift, "B", duty_officers[0], director_high.user, "临时顶岗", now=NOW)
    shift.refresh_from_db()
    gap.refresh_from_db()
    assert shift.post_b == duty_officers[0] and gap.status == AlertStatus.RESOLVED


def test_swap_needs_the_directors_approval_and_not_the_requesters(roster, duty_officers, director_high):
    a, b, c, d = duty_officers
    swap = duty.request_swap(roster[0], "A", c, "家中有事", a.user, now=NOW)
    assert roster[0].post_a == a  # nothing changes before approval
    with pytest.raises(PermissionDenied):
        duty.decide_swap(swap, True, b.user, now=NOW)  # a duty officer is not the director
    swap = duty.decide_swap(swap, True, director_high.user, now=NOW)
    roster[0].refresh_from_db()
    assert swap.status == SwapStatus.APPROVED and roster[0].post_a == c
    with pytest.raises(InvalidTransition):
        duty.decide_swap(swap, False, director_high.user, now=NOW)
    own = duty.request_swap(roster[1], "A", a, "互换", director_high.user, now=NOW)
    with pytest.raises(PermissionDenied):
        duty.decide_swap(own, True, director_high.user, now=NOW)


def test_handover_is_acknowledged_only_by_the_next_shift(roster, duty_officers):
    a, b, c, d = duty_officers
    handover = duty.write_handover(roster[0], "处理预警3条", "西夏区冻结到期待续冻", a.user)
    with pytest.raises(PermissionDenied):
        duty.acknowledge_handover(handover, b.user)
    assert duty.check_posts(at(2025, 6, 15, 20, 16)) >= 1
    assert Alert.objects.filter(dedup_key=f"duty:handover:{handover.pk}", status=AlertStatus.OPEN).exists()
    duty.acknowledge_handover(handover, d.user, now=at(2025, 6, 15, 20, 20))
    handover.refresh_from_db()
    assert handover.acknowledged_by == d
    assert Alert.objects.get(dedup_key=f"duty:handover:{handover.pk}").status == AlertStatus.RESOLVED


def test_acknowledging_needs_a_note_happens_once_and_is_kept_in_history(courts, duty_yinchuan, judge_xixia):
    alert, _ = raise_alert(kind="freeze_expiring", court=courts["宁0105"], title="冻结7日内到期", dedup_key="a1")
    with pytest.raises(Exception):
        alert_services.acknowledge(alert, duty_yinchuan.user, "  ")
    with pytest.raises(PermissionDenied):
        alert_services.acknowledge(alert, judge_xixia.user, "我看到了")
    alert_services.acknowledge(alert, duty_yinchuan.user, "已通知承办法官续冻")
    with pytest.raises(InvalidTransition):
        alert_services.acknowledge(alert, duty_yinchuan.user, "再次确认")
    alert_services.resolve(alert, duty_yinchuan.user, "已续冻")
    assert [a.kind for a in alert.actions.all()] == [AlertActionKind.ACKNOWLEDGE, AlertActionKind.RESOLVE]
    alert.refresh_from_db()
    assert alert.acknowledged_by == duty_yinchuan.user and alert.action_note == "已通知承办法官续冻"


def test_unacknowledged_critical_alert_reaches_the_director_once_when_nobody_holds_a_post(
    courts, centre, director_high
):
    # The whole chain (A → B → director → leader) is in test_escalation_chain.py; here: no roster, so the director at once.
    alert, _ = raise_alert(
        kind="query_failed", court=courts["宁0424"], title="查询失败", dedup_key="c1", severity=AlertSeverity.CRITICAL
    )
    raised = alert.raised_at
    for minutes in (0, 1, 9):
        alert_services.escalate_overdue(raised + dt.timedelta(minutes=minutes))
    step = alert.actions.get(kind=AlertActionKind.ESCALATE, escalated_to__isnull=False)
    assert step.escalated_to == director_high
    assert list(alert_services.escalated_to_me(director_high.user)) == [alert]


def test_alert_api_acknowledges_in_scope_and_answers_404_outside(api, courts, duty_yinchuan):
    mine, _ = raise_alert(kind="x", court=courts["宁0105"], title="西夏区预警", dedup_key="s1")
    other, _ = raise_alert(kind="x", court=courts["宁0424"], title="泾源预警", dedup_key="s2")
    client = api.as_officer(duty_yinchuan)
    res = client.post(reverse("alert-acknowledge", args=[mine.pk]), {"note": "已处理"}, format="json")
    assert (
        res.status_code == 200
        and res.json()["status"] == "acknowledged"
        and res.json()["actions"][0]["note"] == "已处理"
    )
    assert (
        client.post(reverse("alert-acknowledge", args=[mine.pk]), {"note": "又一次"}, format="json").status_code == 409
    )
    assert client.post(reverse("alert-acknowledge", args=[other.pk]), {"note": "x"}, format="json").status_code == 404
    assert client.post(reverse("alert-acknowledge", args=[mine.pk]), {}, format="json").status_code == 400


def test_alert_desk_and_duty_pages_render_for_duty_officers(
    client, courts, duty_yinchuan, centre, duty_officers, director_high
):
    from django.utils import timezone

    duty.generate_roster(centre, timezone.localdate(), 1, [(duty_officers[0], duty_officers[1])])
    raise_alert(kind="x", court=courts["宁0105"], title="西夏区预警", dedup_key="p1")
    client.force_login(duty_yinchuan.user)
    assert "西夏区预警" in client.get(reverse("dashboards:alert-list")).content.decode()
    client.force_login(director_high.user)
    page = client.get(reverse("dashboards:duty")).content.decode()
    assert "李静" in page and "宁夏高院执行指挥中心" in page
