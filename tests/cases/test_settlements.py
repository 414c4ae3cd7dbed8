"""Settlements paid by instalments (cases.settlements): the plan, receipts matched to it, a missed instalment."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import settlements
from cases.choices import CaseStatus, SettlementStatus
from cases.models import Case, SettlementPlan
from cases.services import record_receipt
from execcenter.exceptions import InvalidTransition, RuleViolation
from execcenter.models import Alert
from tests.cases.conftest import case_in

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def case(courts, judge_xixia):
    return case_in(
        CaseStatus.INVESTIGATING, court=courts["宁0105"], assigned_judge=judge_xixia, claim_amount=Decimal("4550000.00")
    )


def plan_of(case, judge, *rows, agreed_on=None):
    return settlements.record_settlement(
        judge.user,
        case,
        agreed_on=agreed_on or TODAY - dt.timedelta(days=40),
        instalments=rows,
        note="银行与食品公司分期和解",
    )


def test_a_settlement_suspends_the_case_and_receipts_are_matched_to_the_instalments_in_order(case, judge_xixia):
    plan = plan_of(
        case, judge_xixia, (TODAY + dt.timedelta(days=30), "1550000.00"), (TODAY - dt.timedelta(days=10), "3000000.00")
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.SUSPENDED and plan.total == Decimal("4550000.00")
    assert [r.seq for r in settlements.schedule(plan)] == [1, 2]
    record_receipt(case, "3200000.00", reference="settle:1")
    rows = settlements.schedule(plan)
    assert [(r.due_on, r.amount, r.paid, r.outstanding) for r in rows] == [
        (TODAY - dt.timedelta(days=10), Decimal("3000000.00"), Decimal("3000000.00"), Decimal("0.00")),
        (TODAY + dt.timedelta(days=30), Decimal("1550000.00"), Decimal("200000.00"), Decimal("1350000.00")),
    ]
    assert settlements.check_missed() == {"breached": 0, "performed": 0}
    record_receipt(case, "1350000.00", reference="settle:2")
    assert settlements.check_missed() == {"breached": 0, "performed": 1}
    assert SettlementPlan.objects.get(pk=plan.pk).status == SettlementStatus.PERFORMED


def test_a_missed_instalment_alerts_the_judge_once_and_resumption_follows_the_applicants_request(case, judge_xixia):
    plan = plan_of(
        case, judge_xixia, (TODAY - dt.timedelta(days=5), "1000000.00"), (TODAY + dt.timedelta(days=60), "3550000.00")
    )
    record_receipt(case, "400000.00", reference="settle:1")
    assert settlements.check_missed() == {"breached": 1, "performed": 0}
    assert settlements.check_missed() == {"breached": 0, "performed": 0}  # a re-run changes nothing
    alert = Alert.objects.get(kind="settlement.missed")
    assert case.number in alert.title and judge_xixia.name in alert.message and "600000.00" in alert.message
    assert SettlementPlan.objects.get(pk=plan.pk).status == SettlementStatus.BREACHED
    settlements.resume_after_breach(judge_xixia.user, case, note="申请执行人书面申请恢复执行")
    case.refresh_from_db()
    assert (
        case.status == CaseStatus.INVESTIGATING
        and SettlementPlan.objects.get(pk=plan.pk).status == SettlementStatus.ENDED
    )
    alert.refresh_from_db()
    assert alert.status == "resolved"
    with pytest.raises(InvalidTransition):
        settlements.resume_after_breach(judge_xixia.user, case)


def test_a_bad_plan_is_refused_and_changes_nothing(case, judge_xixia):
    for rows, agreed in [
        ((), None),
        (((TODAY, "-5"),), None),
        (((TODAY - dt.timedelta(days=50), "10"),), TODAY - dt.timedelta(days=40)),
        (((TODAY, "1.005"),), None),
        (((TODAY, "10"),), TODAY + dt.timedelta(days=1)),
    ]:
        with pytest.raises(RuleViolation):
            plan_of(case, judge_xixia, *rows, agreed_on=agreed)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.INVESTIGATING and not SettlementPlan.objects.exists()
    plan_of(case, judge_xixia, (TODAY, "10"))
    with pytest.raises(InvalidTransition):  # the case is suspended now: no second settlement
        plan_of(case, judge_xixia, (TODAY, "10"))


def test_the_case_page_records_a_settlement_and_shows_paid_and_due(client, case, judge_xixia):
    client.force_login(judge_xixia.user)
    url = reverse("cases:case-action", args=[case.pk, "settlement"])
    bad = client.post(url, {"settlement-agreed_on": TODAY.isoformat(), "settlement-instalments": "明天 一百"})
    assert bad.status_code == 400 and "第1行格式" in bad.content.decode()
    ok = client.post(
        url,
        {
            "settlement-agreed_on": TODAY.isoformat(),
            "settlement-instalments": f"{TODAY + dt.timedelta(days=30)} 1550000\n{TODAY + dt.timedelta(days=60)} 3000000",
        },
    )
    assert ok.status_code == 302
    record_receipt(case, "100000.00", reference="settle:1")
    page = client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    assert 'id="settlements"' in page and "1450000.00" in page
