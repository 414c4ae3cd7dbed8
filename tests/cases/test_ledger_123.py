"""The long-pending plan and the "123 method" (一清二查三防) in the browser, with overdue 三防 alerts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import supervision
from cases.choices import CaseStatus, LedgerStep
from cases.models import LongPendingAction, LongPendingEntry
from execcenter.exceptions import InvalidTransition, RuleViolation
from execcenter.models import Alert
from tests.cases.conftest import case_in

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def entry(courts, judge_xixia):
    case = case_in(
        CaseStatus.INVESTIGATING,
        court=courts["宁0105"],
        assigned_judge=judge_xixia,
        filed_on=TODAY - dt.timedelta(days=500),
    )
    return LongPendingEntry.objects.create(case=case, opened_on=TODAY)


def test_the_ledger_plan_and_123_items_are_recorded_from_the_case_page(client, entry, judge_xixia, approver_xixia):
    client.force_login(judge_xixia.user)
    case_url = reverse("cases:case-detail", args=[entry.case_id])
    assert "一清二查三防" in client.get(case_url).content.decode()
    plan = client.post(
        reverse("cases:case-action", args=[entry.case_id, "ledger"]),
        {
            "ledger-cause": "被执行人下落不明",
            "ledger-plan": "联合公安查找，悬赏",
            "ledger-responsible_officer": judge_xixia.pk,
            "ledger-leading_official": approver_xixia.pk,
        },
    )
    assert plan.status_code == 302
    entry.refresh_from_db()
    assert (entry.cause, entry.leading_official_id) == ("被执行人下落不明", approver_xixia.pk)
    url = reverse("cases:case-action", args=[entry.case_id, "ledger_action"])
    no_due = client.post(url, {"ledger_action-step": "prevent", "ledger_action-text": "每月回访"})
    assert no_due.status_code == 400 and "完成期限" in no_due.content.decode()
    assert (
        client.post(url, {"ledger_action-step": "check", "ledger_action-text": "查明：被执行人在外地务工"}).status_code
        == 302
    )
    assert (
        client.post(
            url,
            {
                "ledger_action-step": "prevent",
                "ledger_action-text": "每月回访",
                "ledger_action-due_on": (TODAY + dt.timedelta(days=30)).isoformat(),
            },
        ).status_code
        == 302
    )
    assert list(LongPendingAction.objects.values_list("step", flat=True)) == [LedgerStep.CHECK, LedgerStep.PREVENT]
    page = client.get(case_url).content.decode()
    assert "查明：被执行人在外地务工" in page and "每月回访" in page


def test_an_overdue_follow_up_is_alerted_once_and_completing_it_resolves_the_alert(entry, judge_xixia):
    action = supervision.add_action(entry, LedgerStep.PREVENT, "每月回访", due_on=TODAY, actor=judge_xixia.user)
    assert supervision.scan(TODAY)["ledger.followup_overdue"] == 0
    later = TODAY + dt.timedelta(days=1)
    assert supervision.scan(later)["ledger.followup_overdue"] == 1
    assert supervision.scan(later)["ledger.followup_overdue"] == 0
    alert = Alert.objects.get(kind="ledger.followup_overdue")
    assert entry.case.number in alert.title
    supervision.complete_action(action, actor=judge_xixia.user)
    alert.refresh_from_db()
    assert alert.status == "resolved"
    with pytest.raises(InvalidTransition):
        supervision.complete_action(action)


def test_bad_items_are_refused(entry):
    for step, text, due in [
        ("prevent", "x", None),
        ("check", "", None),
        ("nonsense", "x", None),
        ("prevent", "x", TODAY - dt.timedelta(days=1)),
    ]:
        with pytest.raises(RuleViolation):
            supervision.add_action(entry, step, text, due_on=due)
    assert not LongPendingAction.objects.exists()
