import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cases import closure, deadlines, measures, services, supervision, tasks
from cases.choices import CaseStatus, ClosureType, LedgerStatus, MeasureKind
from cases.models import LongPendingEntry, MoneyEntry, UnclaimedReceipt
from execcenter.choices import AlertStatus
from execcenter.models import Alert
from tests.cases.conftest import case_in, respondent

pytestmark = pytest.mark.django_db


def test_scan_raises_deadline_alerts_once_and_only_for_running_cases(courts):
    today = timezone.localdate()
    overdue = case_in(CaseStatus.INVESTIGATING, statutory_deadline=today - dt.timedelta(days=1))
    near = case_in(CaseStatus.CONTROLLING, statutory_deadline=today + dt.timedelta(days=10))
    case_in(CaseStatus.CONTROLLING, statutory_deadline=today + dt.timedelta(days=31))
    case_in(CaseStatus.SUSPENDED, statutory_deadline=today - dt.timedelta(days=1))
    case_in(CaseStatus.CLOSED, statutory_deadline=today - dt.timedelta(days=1), closure_type=ClosureType.COMPLETED)
    out = supervision.scan(today)
    assert out["case.deadline_overdue"] == 1 and out["case.deadline_near"] == 1
    assert Alert.objects.get(kind="case.deadline_overdue").source_id == str(overdue.pk)
    assert Alert.objects.get(kind="case.deadline_near").source_id == str(near.pk)
    assert supervision.scan(today)["case.deadline_overdue"] == 0
    assert Alert.objects.count() == 2


def test_closing_a_case_resolves_its_deadline_alert(courts):
    case = case_in(CaseStatus.INVESTIGATING, statutory_deadline=timezone.localdate() - dt.timedelta(days=1))
    supervision.scan()
    closure.close(case, ClosureType.TERMINATED)
    assert Alert.objects.get(kind="case.deadline_overdue").status == AlertStatus.RESOLVED


def test_overdue_payout_alert_is_raised_then_resolved_by_paying_out(courts):
    case = case_in(CaseStatus.DISPOSING)
    entry, _ = services.record_receipt(case, "500.00")
    MoneyEntry.objects.filter(pk=entry.pk).update(payout_due=timezone.localdate() - dt.timedelta(days=1))
    assert supervision.scan()["money.payout_overdue"] == 1
    services.record_payout(case, "500.00", case.case_parties.get(role="applicant").party)
    assert Alert.objects.get(kind="money.payout_overdue").status == AlertStatus.RESOLVED


def test_unclaimed_money_older_than_30_days_is_flagged(courts):
    UnclaimedReceipt.objects.create(
        court=courts["宁0105"],
        amount=Decimal("1.00"),
        bank_reference="OLD",
        received_at=timezone.now() - dt.timedelta(days=31),
    )
    UnclaimedReceipt.objects.create(
        court=courts["宁0105"],
        amount=Decimal("1.00"),
        bank_reference="NEW",
        received_at=timezone.now() - dt.timedelta(days=1),
    )
    assert supervision.scan()["money.unclaimed"] == 1


def test_overdue_removal_of_a_dishonest_listing_is_flagged(courts):
    case = case_in(CaseStatus.INVESTIGATING)
    measures.impose_measure(case, MeasureKind.DISHONEST, party=respondent(case), legal_ground="obstructs")
    measures.mark_performed(case, timezone.localdate() - dt.timedelta(days=10))
    assert supervision.scan()["measure.removal_overdue"] == 1


def test_cases_open_more_than_twelve_months_get_a_ledger_entry_and_an_alert(courts, judge_xixia):
    today = timezone.localdate()
    old = case_in(CaseStatus.CONTROLLING, filed_on=deadlines.add_months(today, -13), assigned_judge=judge_xixia)
    case_in(CaseStatus.CONTROLLING, filed_on=deadlines.add_months(today, -11))
    case_in(CaseStatus.CLOSED, filed_on=deadlines.add_months(today, -20), closure_type=ClosureType.COMPLETED)
    out = tasks.scan_cases()
    entry = LongPendingEntry.objects.get()
    assert (entry.case, entry.responsible_officer, entry.status) == (old, judge_xixia, LedgerStatus.OPEN)
    assert out["case.long_pending"] == 1
    supervision.update_entry(entry, cause="被执行人下落不明", plan="联合公安查找", actor=judge_xixia.user)
    supervision.add_follow_up(entry, "已赴户籍地查找", actor=judge_xixia.user)
    assert entry.follow_ups.get().actor_label == "张伟"
    assert tasks.scan_cases()["case.long_pending"] == 0
    assert LongPendingEntry.objects.count() == 1
    closure.close(old, ClosureType.TERMINATED)
    supervision.resolve_closed_entries()
    assert LongPendingEntry.objects.get().status == LedgerStatus.RESOLVED
