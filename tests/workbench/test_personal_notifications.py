"""Approvals waiting and missed check-ins notify the person (once), not only the queue and the wall."""

import datetime as dt
from decimal import Decimal

import pytest

from dashboards.models import CommandCentre, Shift
from dashboards.services import duty
from execcenter.models import Notification, NotificationPreference
from querycontrol.choices import OrderKind, OrderStatus
from querycontrol.models import ControlOrder
from workbench.approvals import notify_waiting

from .conftest import NOW, TODAY, days


@pytest.fixture
def approver_judge(courts):
    """A second approver of 西夏区法院 who also files orders of their own."""
    from execcenter.choices import Role
    from tests.factories import OfficerFactory, UserFactory

    return OfficerFactory(
        user=UserFactory(username="approver_judge"),
        court=courts["宁0105"],
        name="兼审批法官",
        roles=[Role.APPROVER, Role.JUDGE],
    )


def _email(officer):
    officer.user.email = f"{officer.user.username}@court.example"
    officer.user.save()
    NotificationPreference.objects.update_or_create(officer=officer, defaults={"channels": ["email"]})


def test_each_approver_of_the_court_is_told_once_about_an_order_waiting_but_not_its_filer(
    make_case, found_asset, judge_xixia, approver_xixia, approver_judge, enqueued
):
    for officer in (approver_xixia, approver_judge):
        _email(officer)
    case = make_case(judge_xixia, TODAY + days(100))
    asset = found_asset(case, "6222-77", NOW)
    common = dict(
        case=case,
        court=case.court,
        kind=OrderKind.FREEZE,
        status=OrderStatus.SUBMITTED,
        asset=asset,
        institution=asset.institution,
        respondent=asset.respondent,
        requested_amount=Decimal("900.00"),
    )
    by_judge = ControlOrder.objects.create(filed_by=judge_xixia.user, filed_by_label="张伟", **common)
    by_approver = ControlOrder.objects.create(filed_by=approver_judge.user, filed_by_label="兼审批法官", **common)
    ControlOrder.objects.create(
        filed_by=judge_xixia.user, filed_by_label="张伟", **{**common, "status": OrderStatus.APPROVED}
    )

    assert notify_waiting() == 3
    assert notify_waiting() == 0  # the next sweep tells nobody again
    told = sorted((n.dedup_key.rsplit(":", 1)[0], n.recipient.name) for n in Notification.objects.all())
    assert told == sorted(
        [
            (f"approval:{by_judge.pk}:{approver_xixia.pk}", approver_xixia.name),
            (f"approval:{by_judge.pk}:{approver_judge.pk}", approver_judge.name),
            (f"approval:{by_approver.pk}:{approver_xixia.pk}", approver_xixia.name),
        ]
    )


def test_an_officer_who_missed_check_in_is_told_in_person_once(courts, duty_yinchuan, director_high, enqueued):
    _email(duty_yinchuan)
    centre = CommandCentre.objects.create(court=courts["宁01"], name="银川中院执行指挥中心", checkin_grace_minutes=15)
    colleague = type(duty_yinchuan).objects.create(
        user=type(duty_yinchuan.user).objects.create(username="b"), court=courts["宁01"], name="钱多", roles=["duty"]
    )
    start = NOW.replace(hour=8)
    Shift.objects.create(
        centre=centre,
        name="白班",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=12),
        post_a=duty_yinchuan,
        post_b=colleague,
    )
    duty.check_posts(now=start + dt.timedelta(minutes=10))
    assert not Notification.objects.exists()
    for minutes in (16, 30):
        duty.check_posts(now=start + dt.timedelta(minutes=minutes))
    [message] = Notification.objects.filter(recipient=duty_yinchuan)
    assert message.severity == "critical" and "签到" in message.subject and "已开始 16 分钟" in message.body
