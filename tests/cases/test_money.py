import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from cases import money, services
from cases.choices import CaseStatus, MoneyKind, ReceiptSource
from cases.models import Case, MoneyEntry, UnclaimedReceipt
from execcenter.exceptions import InvalidTransition, RuleViolation
from tests.cases.conftest import applicant, case_in, respondent
from tests.concurrency import run_together

D = Decimal


@pytest.mark.django_db
def test_receipt_updates_recovered_and_outstanding_and_sets_payout_due_in_30_days(courts):
    case = case_in(CaseStatus.CONTROLLING, claim_amount=D("100000.00"), outstanding_amount=D("100000.00"))
    entry, created = services.record_receipt(case, "30000.00", ReceiptSource.DEDUCTION, reference="deduct:abc")
    case.refresh_from_db()
    assert created and (case.recovered_amount, case.outstanding_amount) == (D("30000.00"), D("70000.00"))
    assert entry.payout_due == timezone.localdate() + dt.timedelta(days=30)
    again, created = services.record_receipt(case, "30000.00", ReceiptSource.DEDUCTION, reference="deduct:abc")
    assert not created and again.pk == entry.pk and MoneyEntry.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["0", "-5", "1.005", "abc", "NaN"])
def test_receipt_of_a_non_positive_or_malformed_amount_is_refused(courts, amount):
    with pytest.raises(RuleViolation):
        services.record_receipt(case_in(CaseStatus.CONTROLLING), amount)
    assert not MoneyEntry.objects.exists()


@pytest.mark.django_db
def test_payout_beyond_the_balance_is_refused_and_partial_payouts_go_to_oldest_receipts(courts):
    case = case_in(CaseStatus.DISPOSING)
    first, _ = services.record_receipt(case, "100.00")
    second, _ = services.record_receipt(case, "50.00")
    services.record_payout(case, "120.00", applicant(case))
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.paid_out_amount, second.paid_out_amount) == (D("100.00"), D("20.00"))
    with pytest.raises(RuleViolation) as exc:
        services.record_payout(case, "30.01", applicant(case))
    assert exc.value.code == "payout_exceeds_receipts"
    services.record_payout(case, "30.00", applicant(case))
    assert MoneyEntry.objects.filter(case=case, kind=MoneyKind.PAYOUT).count() == 2


@pytest.mark.django_db
def test_payout_to_someone_who_is_not_an_applicant_is_refused(courts):
    case = case_in(CaseStatus.DISPOSING)
    services.record_receipt(case, "100.00")
    with pytest.raises(RuleViolation) as exc:
        services.record_payout(case, "10.00", respondent(case))
    assert exc.value.code == "payee_not_applicant"


@pytest.mark.django_db
def test_overdue_payouts_are_receipts_not_fully_paid_30_days_after_receipt(courts):
    case = case_in(CaseStatus.DISPOSING)
    old, _ = services.record_receipt(case, "100.00")
    paid, _ = services.record_receipt(case, "40.00")
    fresh, _ = services.record_receipt(case, "10.00")
    today = timezone.localdate()
    MoneyEntry.objects.filter(pk__in=[old.pk, paid.pk]).update(payout_due=today - dt.timedelta(days=1))
    MoneyEntry.objects.filter(pk=paid.pk).update(paid_out_amount=D("40.00"))
    assert list(money.overdue_payouts(today=today)) == [old]
    assert set(money.pending_payouts()) == {old, fresh}


@pytest.mark.django_db
def test_unclaimed_money_matched_to_a_case_becomes_a_receipt_once(courts):
    case = case_in(CaseStatus.CONTROLLING)
    u = UnclaimedReceipt.objects.create(
        court=courts["宁0105"],
        amount=D("888.00"),
        received_at=timezone.now(),
        payer_name="某公司",
        bank_reference="B-1",
    )
    assert list(money.unclaimed()) == [u]
    entry = money.match_unclaimed(u, case)
    assert entry.amount == D("888.00") and not money.unclaimed().exists()
    with pytest.raises(InvalidTransition):
        money.match_unclaimed(u, case)
    other = UnclaimedReceipt.objects.create(
        court=courts["宁0424"], amount=D("1.00"), received_at=timezone.now(), bank_reference="B-2"
    )
    with pytest.raises(InvalidTransition):
        money.match_unclaimed(other, case)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_payouts_never_exceed_receipts(courts):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks under real concurrency (SQLite serialises every writer)")
    case = case_in(CaseStatus.DISPOSING)
    services.record_receipt(case, "100.00")
    payee = applicant(case)
    outcomes = run_together(8, lambda: services.record_payout(Case.objects.get(pk=case.pk), "30.00", payee))
    outcomes = [
        "refused" if isinstance(o, RuleViolation) else o if isinstance(o, Exception) else "paid" for o in outcomes
    ]
    paid = sum(e.amount for e in MoneyEntry.objects.filter(case=case, kind=MoneyKind.PAYOUT))
    assert outcomes.count("paid") == 3 and outcomes.count("refused") == 5
    assert paid == D("90.00")
    assert MoneyEntry.objects.get(case=case, kind=MoneyKind.RECEIPT).paid_out_amount == D("90.00")
