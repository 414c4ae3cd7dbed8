"""The notifications outbox: one row per message and channel, sent by a worker, retried, never sent twice; e-mail
through Django's SMTP backend to a real SMTP server (aiosmtpd on a port of the test's own), SMS and group-robot
webhooks through simulator.messaging over HTTP; per-person channels and quiet hours (critical ignores them)."""

import datetime as dt
import socket
from email import message_from_bytes
from email.header import decode_header, make_header
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from execcenter import notify
from execcenter.choices import AlertSeverity
from execcenter.models import Notification, NotificationPreference
from simulator.messaging import MessagingGateway

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(hh, mm=0, day=15):
    return dt.datetime(2025, 6, day, hh, mm, tzinfo=SHANGHAI)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", controller.port, False
    yield inbox
    controller.stop()


@pytest.fixture
def gateway(settings):
    gw = MessagingGateway().start()
    settings.NOTIFY_SMS_URL = f"{gw.url}/v1/sms"
    settings.NOTIFY_WEBHOOK_HOSTS = ["127.0.0.1"]  # the local gateway plays the group robot
    yield gw
    gw.stop()


@pytest.fixture
def enqueued(monkeypatch):
    pks = []
    monkeypatch.setattr(notify, "_enqueue", pks.append)
    return pks


def prefer(officer, channels, **kw):
    return NotificationPreference.objects.update_or_create(officer=officer, defaults={"channels": channels, **kw})[0]


def test_email_goes_through_djangos_smtp_backend_to_a_real_smtp_server_once(
    smtp_server, judge_xixia, enqueued, django_capture_on_commit_callbacks
):
    prefer(judge_xixia, ["email"], email="zhangwei@court.example")
    with django_capture_on_commit_callbacks(execute=True):
        [row] = notify.send(
            judge_xixia,
            subject="【预警】案款待发放",
            body="（2025）宁0105执1号 案款待发放",
            dedup_key="t:1",
            link="/cases/1/",
        )
    assert enqueued == [row.pk]  # handed to the worker only after the commit

    assert notify.deliver(row.pk) == "sent"
    assert notify.deliver(row.pk) == "sent"  # the task delivered twice (a redelivered message) sends nothing again
    assert len(smtp_server.messages) == 1
    rcpt, message = smtp_server.messages[0]
    assert rcpt == ["zhangwei@court.example"]
    assert str(make_header(decode_header(message["Subject"]))) == "【预警】案款待发放"
    assert message["Message-ID"] == f"<{row.uuid}@execcenter.local>"
    body = message.get_payload(decode=True).decode(message.get_content_charset())
    assert "宁0105执1号" in body and "http://localhost:8000/cases/1/" in body
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 1 and row.sent_at is not None


def test_email_to_a_server_that_is_down_is_retried_later(settings, judge_xixia, enqueued):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens there
    prefer(judge_xixia, ["email"], email="zhangwei@court.example")
    [row] = notify.send(judge_xixia, subject="s", body="b", dedup_key="t:down")
    assert notify.deliver(row.pk) == "pending"
    row.refresh_from_db()
    assert row.attempts == 1 and "Connection" in row.last_error and row.not_before > row.created_at


def test_sms_and_webhook_share_one_interface_and_the_same_cause_is_queued_once(gateway, judge_xixia, enqueued):
    judge_xixia.phone = "13800000001"
    judge_xixia.save()
    prefer(judge_xixia, ["sms", "webhook"], webhook_url=f"{gateway.url}/robot/send?key=team-1")
    rows = notify.send(
        judge_xixia, subject="【升级】预警", body="西夏区 A岗未确认", dedup_key="alert:9:step:1", severity="critical"
    )
    assert notify.send(judge_xixia, subject="again", body="again", dedup_key="alert:9:step:1") == []
    assert sorted(r.channel for r in rows) == ["sms", "webhook"] and Notification.objects.count() == 2

    assert notify.flush() == {"sent": 2}
    assert [(m["phone"], m["ref"]) for m in gateway.sms] == [
        ("13800000001", str(rows[0].uuid if rows[0].channel == "sms" else rows[1].uuid))
    ]
    assert gateway.robot[0]["robot"] == "team-1" and gateway.robot[0]["msgtype"] == "text"
    assert "西夏区 A岗未确认" in gateway.robot[0]["text"]["content"]
    assert notify.flush() == {}  # nothing left to send


def test_transient_failures_are_retried_with_backoff_and_sent_once(gateway, judge_xixia, enqueued):
    judge_xixia.phone = "13800000002"
    judge_xixia.save()
    prefer(judge_xixia, ["sms"])
    t0 = local(10)
    [row] = notify.send(judge_xixia, subject="s", body="b", dedup_key="t:retry", now=t0)
    gateway.fail_next(2)
    assert notify.deliver(row.pk, now=t0) == "pending"
    assert notify.deliver(row.pk, now=t0 + dt.timedelta(seconds=30)) == "pending"  # not due before its backoff
    assert notify.deliver(row.pk, now=t0 + dt.timedelta(minutes=1)) == "pending"  # second failure: 2 more minutes
    assert notify.due(now=t0 + dt.timedelta(minutes=2)) == []
    assert notify.due(now=t0 + dt.timedelta(minutes=3)) == [row.pk]
    assert notify.deliver(row.pk, now=t0 + dt.timedelta(minutes=3)) == "sent"
    row.refresh_from_db()
    assert row.attempts == 3 and len(gateway.sms) == 1 and gateway.requests == 3


def test_failing_for_good_stops_after_the_attempt_limit_or_at_once_when_permanent(
    gateway, judge_xixia, settings, enqueued
):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    judge_xixia.phone = "13800000003"
    judge_xixia.save()
    prefer(judge_xixia, ["sms", "webhook"], webhook_url=f"{gateway.url}/robot/send?key=blocked")
    gateway.blocked_robots.add("blocked")
    rows = {r.channel: r for r in notify.send(judge_xixia, subject="s", body="b", dedup_key="t:fail", now=local(10))}
    assert notify.deliver(rows["webhook"].pk, now=local(10)) == "failed"
    gateway.fail_next(5)
    assert notify.deliver(rows["sms"].pk, now=local(10)) == "pending"
    assert notify.deliver(rows["sms"].pk, now=local(10, 5)) == "failed"
    assert Notification.objects.get(pk=rows["sms"].pk).attempts == 2


def test_a_worker_that_died_mid_send_leaves_a_row_that_is_resent_with_the_same_id(
    gateway, judge_xixia, settings, enqueued
):
    judge_xixia.phone = "13800000004"
    judge_xixia.save()
    prefer(judge_xixia, ["sms"])
    [row] = notify.send(judge_xixia, subject="s", body="b", dedup_key="t:crash", now=local(10))
    # The gateway got it, then the worker was killed before recording "sent": the row stays claimed.
    from execcenter.channels import get_channel

    get_channel("sms").send(row)
    Notification.objects.filter(pk=row.pk).update(status="sending", claimed_at=local(10), attempts=1)
    assert notify.due(now=local(10, 2)) == []  # still within the claim lease: nobody else takes it
    assert notify.due(now=local(10, 6)) == [row.pk]
    assert notify.deliver(row.pk, now=local(10, 6)) == "sent"
    # The resend carried the same Idempotency-Key: the gateway kept one message.
    assert len(gateway.sms) == 1 and gateway.requests == 2


def test_quiet_hours_hold_ordinary_messages_until_morning_but_not_critical_ones(
    gateway, judge_xixia, enqueued, django_capture_on_commit_callbacks
):
    judge_xixia.phone = "13800000005"
    judge_xixia.save()
    prefer(judge_xixia, ["sms"], quiet_start=dt.time(22, 0), quiet_end=dt.time(7, 0))
    night = local(23, 30)
    with django_capture_on_commit_callbacks(execute=True):
        [ordinary] = notify.send(judge_xixia, subject="提示", body="b", dedup_key="t:night", now=night)
        [critical] = notify.send(
            judge_xixia,
            subject="严重",
            body="b",
            dedup_key="t:night-critical",
            severity=AlertSeverity.CRITICAL,
            now=night,
        )
    assert ordinary.not_before == local(7, 0, day=16) and critical.not_before == night
    assert enqueued == [critical.pk]  # the ordinary one waits for the sweep after 07:00
    assert notify.flush(now=night) == {"sent": 1}
    assert notify.flush(now=local(6, 59, day=16)) == {}
    assert notify.flush(now=local(7, 0, day=16)) == {"sent": 1}
    # Early morning before the end of the quiet hours, and a window that does not cross midnight.
    assert notify.quiet_until(NotificationPreference(quiet_start=dt.time(22), quiet_end=dt.time(7)), local(5)) == local(
        7
    )
    assert notify.quiet_until(
        NotificationPreference(quiet_start=dt.time(12), quiet_end=dt.time(14)), local(13)
    ) == local(14)
    assert notify.quiet_until(NotificationPreference(quiet_start=dt.time(12), quiet_end=dt.time(14)), local(14)) is None


def test_an_officer_without_an_address_for_a_channel_gets_nothing_on_it(judge_xixia, enqueued):
    judge_xixia.phone = ""
    judge_xixia.save()
    prefer(judge_xixia, ["sms", "webhook"])
    assert notify.send(judge_xixia, subject="s", body="b", dedup_key="t:none") == []
