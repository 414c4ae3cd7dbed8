"""Early warnings per judge: raised for the responsible officer, notified once, resolved when the cause goes away,
rolled up per judge and court; the rules are data a director changes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from cases.choices import CaseStatus, LedgerStatus
from cases.models import LongPendingEntry, MoneyEntry, RequerySchedule
from execcenter import notify
from execcenter.models import AuditLog, Notification
from querycontrol.choices import OrderKind, OrderOutcome, OrderStatus
from querycontrol.models import ControlOrder
from workbench import early_warnings
from workbench.choices import WarningRuleKind
from workbench.models import EarlyWarning, WarningRule

from .conftest import NOW, TODAY, at, days


def _open(kind=None):
    qs = EarlyWarning.objects.filter(resolved_at__isnull=True)
    return qs.filter(rule_kind=kind) if kind else qs


def test_a_warning_appears_notifies_once_and_clears_when_its_cause_goes_away(
    make_case, receipt, judge_xixia, email_only, enqueued, django_capture_on_commit_callbacks
):
    email_only(judge_xixia)
    case = make_case(judge_xixia, TODAY + days(100))
    money = receipt(case, "1500.00", at(TODAY - days(21)))

    with django_capture_on_commit_callbacks(execute=True):
        assert early_warnings.evaluate(NOW)["raised"] >= 1
    warning = _open(WarningRuleKind.PAYOUT_WAITING).get()
    assert warning.officer == judge_xixia and warning.case == case and warning.severity == "critical"
    assert case.number in warning.title and "1500.00" in warning.title
    rows = Notification.objects.filter(dedup_key__startswith=f"warning:{warning.pk}:")
    assert [r.channel for r in rows] == ["email"] and enqueued == [rows[0].pk]

    # The next hourly runs find the same cause: no second warning, no second message.
    for hour in (1, 2):
        with django_capture_on_commit_callbacks(execute=True):
            early_warnings.evaluate(NOW + dt.timedelta(hours=hour))
    assert _open(WarningRuleKind.PAYOUT_WAITING).count() == 1 and Notification.objects.count() == 1
    assert notify.deliver(enqueued[0]) == "sent"
    assert notify.deliver(enqueued[0]) == "sent"  # a duplicated task message sends nothing again
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [judge_xixia.user.email]

    # Paid out: the next run resolves it, and the judge's workbench no longer shows it.
    MoneyEntry.objects.filter(pk=money.pk).update(paid_out_amount=money.amount)
    assert early_warnings.evaluate(NOW + dt.timedelta(hours=3))["resolved"] == 1
    warning.refresh_from_db()
    assert warning.resolved_at is not None and not early_warnings.open_for(judge_xixia).exists()


def test_a_cause_that_returns_after_resolution_is_a_new_warning(make_case, judge_xixia, enqueued):
    case = make_case(judge_xixia, TODAY + days(10))
    early_warnings.evaluate(NOW)
    first = _open(WarningRuleKind.DEADLINE_NEAR).get()
    type(case).objects.filter(pk=case.pk).update(status=CaseStatus.SUSPENDED)
    early_warnings.evaluate(NOW + days(1))
    type(case).objects.filter(pk=case.pk).update(status=CaseStatus.ASSIGNED)
    early_warnings.evaluate(NOW + days(2))
    second = _open(WarningRuleKind.DEADLINE_NEAR).get()
    assert second.pk != first.pk and EarlyWarning.objects.filter(key=first.key).count() == 2


def test_each_rule_finds_its_cause_and_addresses_the_responsible_officer(
    make_case, receipt, found_asset, judge_xixia, officer_xixia, enqueued
):
    idle = make_case(judge_xixia, TODAY + days(100), filed=TODAY - days(90), last_event=NOW - days(31))
    make_case(judge_xixia, TODAY + days(100), filed=TODAY - days(90), last_event=NOW - days(29))
    never = make_case(judge_xixia, TODAY + days(100), filed=TODAY - days(31), last_event=None)
    make_case(judge_xixia, TODAY + days(100), filed=TODAY - days(29), last_event=None)  # new: not idle yet
    near = make_case(judge_xixia, TODAY + days(30))
    make_case(judge_xixia, TODAY + days(31))
    frozen_case = make_case(None, TODAY + days(100), responsible_officer=officer_xixia)
    asset = found_asset(frozen_case, "6222-9", NOW - days(40))
    holding = dict(
        case=frozen_case,
        court=frozen_case.court,
        kind=OrderKind.FREEZE,
        status=OrderStatus.DONE,
        outcome=OrderOutcome.FROZEN,
        asset=asset,
        institution=asset.institution,
        respondent=asset.respondent,
        requested_amount=Decimal("10.00"),
        effective_amount=Decimal("10.00"),
        held_amount=Decimal("10.00"),
        filed_by_label="刘洋",
    )
    expiring = ControlOrder.objects.create(expires_on=TODAY + days(15), **holding)
    ControlOrder.objects.create(expires_on=TODAY + days(16), **holding)
    closed = make_case(judge_xixia, TODAY - days(200), status=CaseStatus.CLOSED)
    requery = RequerySchedule.objects.create(case=closed, round_no=1, due_on=TODAY + days(7))
    RequerySchedule.objects.create(case=closed, round_no=2, due_on=TODAY + days(8))
    old = make_case(judge_xixia, TODAY - days(200), filed=TODAY - days(400))
    ledger = LongPendingEntry.objects.create(case=old, responsible_officer=officer_xixia, opened_on=TODAY - days(15))
    planned = make_case(judge_xixia, TODAY - days(200), filed=TODAY - days(400))
    LongPendingEntry.objects.create(
        case=planned, responsible_officer=officer_xixia, opened_on=TODAY - days(40), plan="拍卖房产"
    )

    early_warnings.evaluate(NOW)
    found = {(w.rule_kind, w.key, w.officer_id) for w in _open()}
    expected = {
        (WarningRuleKind.CASE_IDLE, f"idle:{idle.pk}", judge_xixia.pk),
        (WarningRuleKind.CASE_IDLE, f"idle:{never.pk}", judge_xixia.pk),
        (WarningRuleKind.DEADLINE_NEAR, f"deadline:{near.pk}", judge_xixia.pk),
        (WarningRuleKind.FREEZE_EXPIRING, f"freeze:{expiring.pk}", officer_xixia.pk),
        (WarningRuleKind.REQUERY_DUE, f"requery:{requery.pk}", judge_xixia.pk),
        (WarningRuleKind.LEDGER_PLAN_OVERDUE, f"ledger:{ledger.pk}", officer_xixia.pk),
    }
    # Cases filed 400 days ago are past their limit too (deadline rule); those are expected on top.
    assert expected <= found
    assert found - expected == {
        (WarningRuleKind.DEADLINE_NEAR, f"deadline:{c.pk}", judge_xixia.pk) for c in (old, planned)
    }
    LongPendingEntry.objects.filter(pk=ledger.pk).update(plan="和解", status=LedgerStatus.OPEN)
    early_warnings.evaluate(NOW + dt.timedelta(hours=1))
    assert not _open(WarningRuleKind.LEDGER_PLAN_OVERDUE).exists()


def test_a_director_changes_a_threshold_for_their_subtree_only(
    make_case, judge_xixia, judge_jingyuan, director_high, courts, enqueued
):
    yinchuan_director = _director("yc_dir", courts["宁01"])
    xixia = make_case(judge_xixia, TODAY + days(40))
    jingyuan = make_case(judge_jingyuan, TODAY + days(40), code="宁0424")
    early_warnings.evaluate(NOW)
    assert not _open(WarningRuleKind.DEADLINE_NEAR).exists()  # default: 30 days

    early_warnings.set_rule(yinchuan_director.user, WarningRuleKind.DEADLINE_NEAR, courts["宁01"], 45, "critical", True)
    early_warnings.evaluate(NOW + dt.timedelta(hours=1))
    assert [(w.case_id, w.severity) for w in _open(WarningRuleKind.DEADLINE_NEAR)] == [(xixia.pk, "critical")]
    assert AuditLog.objects.filter(action="warning.configure").count() == 1

    # Switching the rule off resolves its open warnings at the next run.
    early_warnings.set_rule(
        yinchuan_director.user, WarningRuleKind.DEADLINE_NEAR, courts["宁01"], 45, "critical", False
    )
    early_warnings.evaluate(NOW + dt.timedelta(hours=2))
    assert not _open(WarningRuleKind.DEADLINE_NEAR).exists()
    assert jingyuan.pk  # untouched throughout: 固原's subtree keeps the default


def _director(username, court):
    from execcenter.choices import Role
    from tests.factories import OfficerFactory, UserFactory

    return OfficerFactory(user=UserFactory(username=username), court=court, roles=[Role.DIRECTOR, Role.DUTY])


def test_only_a_director_of_the_court_may_change_its_rules(client, judge_xixia, courts, director_high):
    from execcenter.exceptions import PermissionDenied, RuleViolation
    from execcenter.policy import NotFound

    with pytest.raises(PermissionDenied):
        early_warnings.set_rule(judge_xixia.user, WarningRuleKind.CASE_IDLE, courts["宁0105"], 10, "warning", True)
    jingyuan_director = _director("jy_dir", courts["宁0424"])
    with pytest.raises(NotFound):  # 西夏区 is outside 泾源's scope: absent for them
        early_warnings.set_rule(
            jingyuan_director.user, WarningRuleKind.CASE_IDLE, courts["宁0105"], 10, "warning", True
        )
    with pytest.raises(PermissionDenied):  # a higher court's director sets its own court's rules, not a lower court's
        early_warnings.set_rule(director_high.user, WarningRuleKind.CASE_IDLE, courts["宁0105"], 10, "warning", True)
    with pytest.raises(RuleViolation):
        early_warnings.set_rule(director_high.user, WarningRuleKind.CASE_IDLE, courts["宁"], 0, "warning", True)
    assert not WarningRule.objects.filter(court__isnull=False).exists()

    client.force_login(judge_xixia.user)
    assert client.get(reverse("workbench:warning-rules")).status_code == 403
    client.force_login(director_high.user)
    page = client.get(reverse("workbench:warning-rules"))
    assert page.status_code == 200 and "全省默认" in page.content.decode()
    bad = client.post(
        reverse("workbench:warning-rules"), {"kind": "case_idle", "threshold_days": "abc", "severity": "warning"}
    )
    assert bad.status_code == 400 and not WarningRule.objects.filter(court__isnull=False).exists()
    ok = client.post(
        reverse("workbench:warning-rules"),
        {"kind": "case_idle", "threshold_days": "12", "severity": "warning", "enabled": "on"},
    )
    assert ok.status_code == 302
    assert WarningRule.objects.get(court=courts["宁"], kind="case_idle").threshold_days == 12


def test_director_sees_warnings_rolled_up_per_court_and_judges_ranked(
    client, make_case, judge_xixia, judge_jingyuan, director_high, duty_yinchuan, enqueued
):
    for offset in (-5, 3, 10):
        make_case(judge_xixia, TODAY + days(offset))
    make_case(judge_jingyuan, TODAY + days(3), code="宁0424")
    early_warnings.evaluate(NOW)
    ranking = early_warnings.ranking(director_high.user)
    assert [(r["name"], r["open"]) for r in ranking] == [("张伟", 3), ("马晓东", 1)]
    assert [(c["court"], c["open"]) for c in early_warnings.per_court(director_high.user)] == [
        ("西夏区法院", 3),
        ("泾源县法院", 1),
    ]
    # 银川中院's duty officer sees only 银川's subtree.
    assert [r["name"] for r in early_warnings.ranking(duty_yinchuan.user)] == ["张伟"]

    client.force_login(director_high.user)
    home = client.get(reverse("workbench:home"))
    assert [r["name"] for r in home.context["director"]["ranking"]] == ["张伟", "马晓东"]
    page = client.get(reverse("workbench:warnings")).content.decode()
    assert 'id="warnings-ranking"' in page and "马晓东" in page
    client.force_login(judge_xixia.user)
    assert client.get(reverse("workbench:home")).context["warnings"]["open"] == 3
