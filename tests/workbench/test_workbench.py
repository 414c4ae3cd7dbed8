"""我的工作台: each role lands on it, and a judge's buckets hold exactly their cases at fixed dates."""

import datetime as dt
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse

from cases.choices import CaseStatus, RequeryStatus
from cases.models import RequerySchedule
from execcenter.choices import AlertSeverity, Role
from execcenter.services import raise_alert
from querycontrol.choices import OrderKind, OrderStatus
from querycontrol.models import ControlOrder
from workbench import buckets

from .conftest import NOW, TODAY, at, days


def _numbers(key, officer, today):
    return set(buckets.bucket_queryset(key, officer, today).values_list("number", flat=True))


def test_judge_deadline_buckets_hold_exactly_their_cases_at_fixed_dates(make_case, judge_xixia, courts):
    from tests.factories import OfficerFactory, UserFactory

    other_judge = OfficerFactory(user=UserFactory(username="other"), court=courts["宁0105"], roles=[Role.JUDGE])
    c = {
        name: make_case(judge_xixia, TODAY + days(offset)).number
        for name, offset in (
            ("crit", -31),
            ("crit_edge", -30),
            ("over", -1),
            ("today", 0),
            ("d7", 7),
            ("d8", 8),
            ("d30", 30),
            ("d31", 31),
        )
    }
    # Not mine or not running: never in a bucket.
    make_case(judge_xixia, TODAY - days(5), status=CaseStatus.SUSPENDED, status_before_suspension=CaseStatus.ASSIGNED)
    make_case(judge_xixia, TODAY - days(5), status=CaseStatus.CLOSED)
    make_case(other_judge, TODAY - days(5))

    expected = {
        "critically_overdue": {"crit"},
        "overdue": {"crit_edge", "over"},
        "due_7": {"today", "d7"},
        "due_30": {"d8", "d30"},
    }
    for key, names in expected.items():
        assert _numbers(key, judge_xixia, TODAY) == {c[n] for n in names}, key
    # One day later every case has moved along by a day.
    tomorrow = {
        "critically_overdue": {"crit", "crit_edge"},
        "overdue": {"over", "today"},
        "due_7": {"d7", "d8"},
        "due_30": {"d30", "d31"},
    }
    for key, names in tomorrow.items():
        assert _numbers(key, judge_xixia, TODAY + days(1)) == {c[n] for n in names}, key

    counted = {b.key: b.count for b in buckets.judge_buckets(judge_xixia, TODAY)["deadlines"]}
    assert counted == {"critically_overdue": 1, "overdue": 2, "due_7": 2, "due_30": 2}


def test_deadline_counts_link_to_a_case_list_showing_the_same_cases(client, make_case, judge_xixia):
    for offset in (-40, -3, 2, 2, 20):
        make_case(judge_xixia, TODAY + days(offset))
    client.force_login(judge_xixia.user)
    today = dt.date.today()  # the case list filters at the real date: count with the same one
    for bucket in buckets.judge_buckets(judge_xixia, today)["deadlines"]:
        url = urlsplit(bucket.url)
        assert url.path == reverse("cases:case-list")
        page = client.get(bucket.url).context["page"]
        expected = set(buckets.bucket_queryset(bucket.key, judge_xixia, today).values_list("pk", flat=True))
        assert {case.pk for case in page} == expected and page.paginator.count == bucket.count, parse_qsl(url.query)


def test_judge_steps_due_count_notices_leads_requeries_and_waiting_money(
    make_case, receipt, found_asset, judge_xixia, courts
):
    due_notice = make_case(judge_xixia, TODAY + days(100), filed=TODAY - days(7), notice_sent_on=None)  # due in 3 days
    make_case(judge_xixia, TODAY + days(100), filed=TODAY - days(6), notice_sent_on=None)  # due in 4 days: not yet
    money_case = make_case(judge_xixia, TODAY + days(100))
    waiting = receipt(money_case, "1000.00", at(TODAY - days(20)))
    receipt(money_case, "1000.00", at(TODAY - days(19)))  # 19 days: not yet
    receipt(money_case, "1000.00", at(TODAY - days(25)), paid_out="1000.00")  # paid out in full
    lead = found_asset(money_case, "6222-1", at(TODAY - days(2)))
    acted = found_asset(money_case, "6222-2", at(TODAY - days(2)))
    ControlOrder.objects.create(
        case=money_case,
        court=money_case.court,
        kind=OrderKind.FREEZE,
        status=OrderStatus.SUBMITTED,
        asset=acted,
        institution=acted.institution,
        respondent=acted.respondent,
        requested_amount=Decimal("100.00"),
        filed_by=judge_xixia.user,
        filed_by_label="张伟",
        created_at=NOW,
    )
    closed = make_case(judge_xixia, TODAY - days(100), status=CaseStatus.CLOSED)
    due = RequerySchedule.objects.create(case=closed, round_no=1, due_on=TODAY + days(30))
    RequerySchedule.objects.create(case=closed, round_no=2, due_on=TODAY + days(31))
    RequerySchedule.objects.create(case=closed, round_no=3, due_on=TODAY - days(1), status=RequeryStatus.DONE)

    pks = {
        key: set(buckets.bucket_queryset(key, judge_xixia, TODAY).values_list("pk", flat=True))
        for key in ("notice_due", "leads_due", "requeries_due", "payouts_waiting")
    }
    assert pks == {
        "notice_due": {due_notice.pk},
        "leads_due": {lead.pk},
        "requeries_due": {due.pk},
        "payouts_waiting": {waiting.pk},
    }


def test_bucket_list_page_shows_the_counted_rows_and_only_to_its_owner(
    client, make_case, receipt, judge_xixia, judge_jingyuan
):
    case = make_case(judge_xixia, TODAY + days(100))
    receipt(case, "800.00", NOW - days(40))
    client.force_login(judge_xixia.user)
    home = client.get(reverse("workbench:home"))
    tile = next(b for b in home.context["judge"]["steps"] if b.key == "payouts_waiting")
    assert tile.count == 1 and tile.url == reverse("workbench:bucket", args=["payouts_waiting"])
    page = client.get(tile.url)
    assert page.status_code == 200 and case.number in page.content.decode()
    assert client.get(reverse("workbench:bucket", args=["no_such_bucket"])).status_code == 404
    client.force_login(judge_jingyuan.user)
    # Another judge's drill-down shows their own (empty) bucket, never mine.
    assert case.number not in client.get(tile.url).content.decode()


@pytest.mark.parametrize(
    "persona, section",
    [
        ("judge_xixia", "wb-judge"),
        ("officer_xixia", "wb-judge"),
        ("approver_xixia", "wb-approver"),
        ("duty_yinchuan", "wb-duty"),
        ("director_high", "wb-director"),
    ],
)
def test_every_role_lands_on_its_workbench(db, client, request, persona, section):
    officer = request.getfixturevalue(persona)
    client.force_login(officer.user)
    landing = client.get("/")
    assert landing.status_code == 302 and landing["Location"] == reverse("workbench:home")
    page = client.get(landing["Location"])
    assert page.status_code == 200 and f'id="{section}"' in page.content.decode()


def test_duty_officer_sees_open_alerts_of_their_scope_by_severity(client, duty_yinchuan, courts):
    raise_alert(kind="t", court=courts["宁0105"], title="西夏", dedup_key="t1", severity=AlertSeverity.CRITICAL)
    raise_alert(
        kind="t", court=courts["宁0424"], title="泾源", dedup_key="t2", severity=AlertSeverity.CRITICAL
    )  # outside 银川
    client.force_login(duty_yinchuan.user)
    tiles = {b.key: b for b in client.get(reverse("workbench:home")).context["duty"]["alerts"]}
    assert tiles["critical"].count == 1 and tiles["warning"].count == 0
    listed = client.get(tiles["critical"].url).context["page"]
    assert [a.title for a in listed] == ["西夏"]


def test_approver_counts_orders_waiting_in_their_court_but_not_their_own(
    client, approver_xixia, judge_xixia, make_case, found_asset
):
    case = make_case(judge_xixia, TODAY + days(100))
    for who in (judge_xixia.user, approver_xixia.user):
        asset = found_asset(case, f"ref-{who.pk}", NOW)
        ControlOrder.objects.create(
            case=case,
            court=case.court,
            kind=OrderKind.FREEZE,
            status=OrderStatus.SUBMITTED,
            asset=asset,
            institution=asset.institution,
            respondent=asset.respondent,
            requested_amount=Decimal("1.00"),
            filed_by=who,
            filed_by_label="x",
        )
    from cases.models import ApprovalRequest

    ApprovalRequest.objects.create(
        case=case, court=case.court, kind="payout", requested_by=judge_xixia, reason="发放案款"
    )
    ApprovalRequest.objects.create(
        case=case, court=case.court, kind="closure", requested_by=approver_xixia, reason="本人申请"
    )
    ApprovalRequest.objects.create(
        case=case, court=case.court, kind="extension", requested_by=judge_xixia, reason="延长"
    )
    ApprovalRequest.objects.create(
        case=case, court=case.court, kind="payout", requested_by=judge_xixia, status="approved"
    )
    client.force_login(approver_xixia.user)
    tiles = {b.key: b for b in client.get(reverse("workbench:home")).context["approver"]["tiles"]}
    # 执行局长 decides orders, payouts and closures (not their own); extensions are the president's.
    assert {k: b.count for k, b in tiles.items()} == {
        "orders_waiting": 1,
        "approvals_payout": 1,
        "approvals_closure": 0,
    }
    listed = client.get(tiles["approvals_payout"].url).content.decode()
    assert "发放案款" in listed and "本人申请" not in listed


NAV = {
    "workbench:home",
    "cases:case-list",
    "cases:transfers",
    "cases:statements",
    "querycontrol:approvals",
    "dashboards:alert-list",
    "dashboards:duty",
    "dashboards:roster",
    "dashboards:my-screen",
    "command:home",
    "command:indicators",
    "audit-log",
    "admin:index",
}
EVERYONE = {"workbench:home", "cases:case-list", "dashboards:my-screen", "command:home", "command:indicators"}


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("judge_xixia", EVERYONE | {"cases:statements"}),
        (
            "approver_xixia",
            EVERYONE | {"querycontrol:approvals", "dashboards:alert-list", "cases:transfers", "cases:statements"},
        ),
        ("duty_yinchuan", EVERYONE | {"dashboards:alert-list", "dashboards:duty"}),
        ("director_high", EVERYONE | {"dashboards:alert-list", "dashboards:duty", "dashboards:roster", "audit-log"}),
    ],
)
def test_navigation_offers_each_role_what_the_policy_lets_it_use(db, client, request, persona, expected):
    from execcenter.policy import may
    from workbench.nav import ENTRIES

    user = request.getfixturevalue(persona).user
    client.force_login(user)
    page = client.get(reverse("workbench:home")).content.decode()
    nav = page.split("<nav>", 1)[1].split("</nav>", 1)[0]
    offered = {name for name in NAV if f'href="{reverse(name)}"' in nav}
    assert offered == expected
    # The menu is the policy's answer, entry by entry, and every page it offers opens.
    assert offered == {e.url_name for e in ENTRIES if may(user, e.action)}
    for name in offered - {"dashboards:my-screen"}:
        assert client.get(reverse(name)).status_code == 200, name
    # The English switch is on every page.
    assert 'name="language"' in page


def test_settings_pages_are_linked_from_the_workbench_for_those_who_may_use_them(client, director_high, judge_xixia):
    client.force_login(director_high.user)
    links = {label: url for label, url, _current in client.get(reverse("workbench:home")).context["settings_links"]}
    assert set(links.values()) == {
        reverse("workbench:warning-rules"),
        reverse("dashboards:layout-edit"),
        reverse("workbench:warnings"),
        reverse("workbench:preferences"),
    }
    client.force_login(judge_xixia.user)
    links = {url for _label, url, _current in client.get(reverse("workbench:home")).context["settings_links"]}
    assert links == {reverse("workbench:warnings"), reverse("workbench:preferences")}


def test_an_officer_sets_channels_and_quiet_hours_and_a_channel_without_address_is_refused(client, judge_xixia):
    from execcenter.models import NotificationPreference

    client.force_login(judge_xixia.user)
    url = reverse("workbench:preferences")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"channels": ["webhook"], "quiet_start": "22:00"})
    assert bad.status_code == 400 and not NotificationPreference.objects.exists()
    ok = client.post(
        url,
        {
            "channels": ["email", "webhook"],
            "email": "zw@court.example",
            "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1",
            "quiet_start": "22:00",
            "quiet_end": "07:00",
        },
    )
    assert ok.status_code == 302
    pref = NotificationPreference.objects.get(officer=judge_xixia)
    assert pref.channels == ["email", "webhook"] and str(pref.quiet_start) == "22:00:00"
