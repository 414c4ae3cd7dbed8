"""Escalation as a chain: an unacknowledged alert goes to post A, then post B, then the director, then the court's
leader, with the centre's timeout for its severity; each step recorded and notified once; acknowledging stops it."""

import datetime as dt

import pytest

from dashboards.choices import AlertActionKind
from dashboards.models import AlertEscalation, CommandCentre, Shift
from dashboards.services import alerts as alert_services
from execcenter.choices import AlertSeverity, AlertStatus, Role
from execcenter.exceptions import PermissionDenied
from execcenter.models import Alert, Notification, NotificationPreference
from execcenter.services import raise_alert
from tests.factories import OfficerFactory, UserFactory


def _officer(courts, username, name, *roles):
    officer = OfficerFactory(
        user=UserFactory(username=username, email=f"{username}@court.example"),
        court=courts["宁"],
        name=name,
        roles=[str(r) for r in roles],
    )
    NotificationPreference.objects.create(officer=officer, channels=["email"])
    return officer


@pytest.fixture
def chain(courts, monkeypatch):
    from execcenter import notify

    monkeypatch.setattr(notify, "_enqueue", lambda pk: None)  # delivery is the outbox's business (its own tests)
    people = {
        "A": _officer(courts, "post_a", "李静", Role.DUTY),
        "B": _officer(courts, "post_b", "王磊", Role.DUTY),
        "director": _officer(courts, "dir", "马建国", Role.DIRECTOR, Role.DUTY),
        "leader": _officer(courts, "leader", "高院长", Role.APPROVER),
    }
    centre = CommandCentre.objects.create(
        court=courts["宁"],
        name="宁夏高院执行指挥中心",
        director=people["director"],
        court_leader=people["leader"],
        escalate_after_minutes=10,
        warning_escalate_after_minutes=45,
    )
    return centre, people


def _on_shift(centre, people, around):
    return Shift.objects.create(
        centre=centre,
        name="白班",
        starts_at=around - dt.timedelta(hours=1),
        ends_at=around + dt.timedelta(hours=11),
        post_a=people["A"],
        post_b=people["B"],
    )


def _walk(at):
    return [
        (alert.pk, [(level, step, officer.name if officer else None) for level, step, officer in taken])
        for alert, taken in alert_services.escalate_overdue(at)
    ]


def _minutes(t0, m):
    return t0 + dt.timedelta(minutes=m)


def test_unacknowledged_critical_alert_walks_a_b_director_leader_with_one_notification_per_step(courts, chain):
    centre, people = chain
    alert, _ = raise_alert(
        kind="query_failed", court=courts["宁0424"], title="查询失败", dedup_key="c1", severity=AlertSeverity.CRITICAL
    )
    t0 = alert.raised_at
    _on_shift(centre, people, t0)

    assert _walk(t0) == [(alert.pk, [(1, "A", "李静")])]
    assert _walk(_minutes(t0, 9)) == []
    assert _walk(_minutes(t0, 10)) == [(alert.pk, [(2, "B", "王磊")])]
    assert _walk(_minutes(t0, 10)) == []  # the same minute twice takes no step twice
    assert _walk(_minutes(t0, 19)) == []
    assert _walk(_minutes(t0, 20)) == [(alert.pk, [(3, "director", "马建国")])]
    assert _walk(_minutes(t0, 30)) == [(alert.pk, [(4, "leader", "高院长")])]
    assert _walk(_minutes(t0, 120)) == []  # the chain ends with the court's leader

    steps = list(alert.actions.filter(kind=AlertActionKind.ESCALATE).select_related("escalated_to"))
    assert [s.escalated_to.name for s in steps] == ["李静", "王磊", "马建国", "高院长"]
    assert "第2级 B岗：王磊" in steps[1].note and "10 分钟未确认" in steps[1].note
    told = Notification.objects.filter(dedup_key__startswith=f"alert:{alert.pk}:step:").order_by("id")
    assert [(n.recipient.name, n.channel, n.severity) for n in told] == [
        ("李静", "email", "critical"),
        ("王磊", "email", "critical"),
        ("马建国", "email", "critical"),
        ("高院长", "email", "critical"),
    ]
    alert.refresh_from_db()
    assert alert.escalated_at == _minutes(t0, 10)  # escalated (for the wall) once it left post A


def test_acknowledging_stops_the_chain(courts, chain):
    centre, people = chain
    alert, _ = raise_alert(
        kind="x", court=courts["宁0105"], title="冻结失败", dedup_key="c2", severity=AlertSeverity.CRITICAL
    )
    t0 = alert.raised_at
    _on_shift(centre, people, t0)
    _walk(t0)
    alert_services.acknowledge(alert, people["A"].user, "已联系银行", now=_minutes(t0, 4))
    assert _walk(_minutes(t0, 10)) == [] and _walk(_minutes(t0, 60)) == []
    assert AlertEscalation.objects.get(pk=alert.pk).level == 1
    assert Notification.objects.filter(dedup_key__startswith=f"alert:{alert.pk}:").count() == 1


def test_warnings_wait_the_centres_longer_time_and_info_alerts_do_not_escalate(courts, chain):
    centre, people = chain
    warning, _ = raise_alert(
        kind="x", court=courts["宁"], title="一般预警", dedup_key="w1", severity=AlertSeverity.WARNING
    )
    info, _ = raise_alert(kind="x", court=courts["宁"], title="提示", dedup_key="i1", severity=AlertSeverity.INFO)
    t0 = warning.raised_at
    _on_shift(centre, people, t0)
    assert _walk(t0) == [(warning.pk, [(1, "A", "李静")])]
    assert _walk(_minutes(t0, 44)) == []
    assert _walk(_minutes(t0, 45)) == [(warning.pk, [(2, "B", "王磊")])]
    assert not info.actions.exists()


def test_an_empty_post_passes_the_alert_on_at_once_and_says_so(courts, chain):
    centre, people = chain
    alert, _ = raise_alert(
        kind="x", court=courts["宁0105"], title="无人值守", dedup_key="c3", severity=AlertSeverity.CRITICAL
    )
    # No shift on duty: nobody holds post A or B, so the director is told at once.
    assert _walk(alert.raised_at) == [(alert.pk, [(1, "A", None), (2, "B", None), (3, "director", "马建国")])]
    notes = list(alert.actions.values_list("note", flat=True))
    assert notes[0].startswith("第1级 A岗：无人在岗")
    assert _walk(_minutes(alert.raised_at, 10)) == [(alert.pk, [(4, "leader", "高院长")])]


def test_the_court_leader_the_chain_reached_may_acknowledge(courts, chain, judge_xixia):
    centre, people = chain
    alert, _ = raise_alert(
        kind="x", court=courts["宁0105"], title="严重", dedup_key="c4", severity=AlertSeverity.CRITICAL
    )
    with pytest.raises(PermissionDenied):
        alert_services.acknowledge(alert, people["leader"].user, "我来处理")
    for m in (0, 10):
        _walk(_minutes(alert.raised_at, m))
    alert_services.acknowledge(alert, people["leader"].user, "已责成执行局处理")
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.ACKNOWLEDGED
    with pytest.raises(PermissionDenied):
        alert_services.add_note(alert, judge_xixia.user, "不相干的人")
