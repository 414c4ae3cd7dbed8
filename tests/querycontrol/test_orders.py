"""Control orders: four-eyes, the law (Art. 19 over-freezing, Art. 485 terms, deduction from own freezes),
partial and queued freezes, exactly-once sending, expiry watch."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from cases.models import MoneyEntry
from execcenter.exceptions import DomainError, PermissionDenied, RuleViolation
from execcenter.models import Alert, AuditLog
from querycontrol.connectors import Party, get_connector
from querycontrol.models import ControlOrder
from querycontrol.services import orders as order_services
from querycontrol.services import sending
from simulator.models import SimInstitution

from .conftest import deposit, make_case, query_case, send_now


@pytest.fixture
def found(case, judge_xixia, django_capture_on_commit_callbacks):
    query_case(case, judge_xixia, django_capture_on_commit_callbacks)
    return deposit(case)


def file_and_approve(judge, approver, kind, capture, **kw):
    with capture():
        order = order_services.file_order(judge.user, kind, **kw)
        order = order_services.approve_order(approver.user, order)
    return order


def freeze(found, judge, approver, capture, amount):
    return send_now(file_and_approve(judge, approver, "freeze", capture, asset=found, amount=Decimal(amount)))


def bank_book(order):
    """What the bank itself shows for the account (through the connector, as a gateway would)."""
    party = Party(name=order.respondent.name, id_number=order.respondent.id_number)
    assets = get_connector().query(order.institution.code, party, request_ref="test-check")
    return next(a for a in assets if a.asset_ref == order.asset.asset_ref)


def test_freeze_goes_from_filing_through_approval_to_frozen_at_the_bank(
    found, judge_xixia, approver_xixia, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        order = order_services.file_order(judge_xixia.user, "freeze", asset=found, amount=Decimal("30000.00"))
    assert order.status == "submitted" and callbacks == []  # nothing is sent before approval
    with django_capture_on_commit_callbacks() as callbacks:
        order = order_services.approve_order(approver_xixia.user, order)
    assert order.status == "approved" and len(callbacks) == 1
    assert order.document_no == f"{found.case.number}之一"
    order = send_now(order)
    assert (order.status, order.outcome) == ("done", "frozen")
    assert order.effective_amount == order.held_amount == Decimal("30000.00")
    assert order.expires_on <= timezone.localdate() + dt.timedelta(days=366)
    mine = [f for f in bank_book(order).details["freezes"] if f["case_number"] == found.case.number]
    assert [Decimal(f["frozen_amount"]) for f in mine] == [Decimal("30000.00")]


def test_judge_cannot_approve_a_freeze(found, judge_xixia, officer_xixia, django_capture_on_commit_callbacks):
    order = order_services.file_order(officer_xixia.user, "freeze", asset=found, amount=Decimal("1000.00"))
    with pytest.raises(PermissionDenied):
        order_services.approve_order(judge_xixia.user, order)


def test_approver_cannot_approve_own_freeze_order(found, approver_judge_xixia, django_capture_on_commit_callbacks):
    order = order_services.file_order(approver_judge_xixia.user, "freeze", asset=found, amount=Decimal("1000.00"))
    with pytest.raises(PermissionDenied) as exc:
        order_services.approve_order(approver_judge_xixia.user, order)
    assert "双人审批" in str(exc.value)


def test_approver_of_a_higher_court_cannot_approve_a_basic_courts_order(found, judge_xixia, approver_yinchuan):
    order = order_services.file_order(judge_xixia.user, "freeze", asset=found, amount=Decimal("1000.00"))
    with pytest.raises(PermissionDenied):
        order_services.approve_order(approver_yinchuan.user, order)


def test_approver_of_another_subtree_does_not_even_see_the_order(found, judge_xixia, courts):
    from tests.factories import OfficerFactory, UserFactory

    other = OfficerFactory(user=UserFactory(username="approver_jingyuan"), court=courts["宁0424"], roles=["approver"])
    order = order_services.file_order(judge_xixia.user, "freeze", asset=found, amount=Decimal("1000.00"))
    with pytest.raises(DomainError) as exc:
        order_services.approve_order(other.user, order)
    assert exc.value.status == 404


def test_rejected_order_is_never_sent(found, judge_xixia, approver_xixia, django_capture_on_commit_callbacks):
    order = order_services.file_order(judge_xixia.user, "freeze", asset=found, amount=Decimal("1000.00"))
    with django_capture_on_commit_callbacks() as callbacks:
        order = order_services.reject_order(approver_xixia.user, order, note="金额有误")
    assert order.status == "rejected" and callbacks == []
    assert send_now(order).status == "rejected"
    with pytest.raises(RuleViolation):
        order_services.reject_order(
            approver_xixia.user,
            order_services.file_order(judge_xixia.user, "freeze", asset=found, amount=Decimal("1.00")),
            note="",
        )


def test_freeze_beyond_outstanding_plus_costs_is_refused_with_the_amount_still_allowed(found, judge_xixia):
    case = found.case
    case.costs_amount = Decimal("1500.00")
    case.save()
    with pytest.raises(RuleViolation) as exc:
        order_services.file_order(judge_xixia.user, "freeze", asset=found, amount=Decimal("101500.01"))
    assert exc.value.code == "over_freeze"
    assert exc.value.details["allowed"] == "101500.00"


def test_active_orders_of_the_case_count_together_against_the_limit(
    case, judge_xixia, institutions, django_capture_on_commit_callbacks
):
    query_case(case, judge_xixia, django_capture_on_commit_callbacks)
    accounts = list(case.found_assets.filter(kind="deposit", balance__gt=1000).order_by("-balance")[:2])
    assert len(accounts) == 2
    order_services.file_order(judge_xixia.user, "freeze", asset=accounts[0], amount=Decimal("60000.00"))
    with pytest.raises(RuleViolation) as exc:
        order_services.file_order(judge_xixia.user, "freeze", asset=accounts[1], amount=Decimal("40000.01"))
    assert exc.value.details["allowed"] == "40000.00"
    assert order_services.suggested_amount("freeze", asset=accounts[1]) == min(
        accounts[1].available, Decimal("40000.00")
    )
    order_services.file_order(judge_xixia.user, "freeze", asset=accounts[1], amount=Decimal("40000.00"))


def test_deposit_freeze_longer_than_one_year_is_refused(found, judge_xixia):
    longest = found.institution.max_term_days(timezone.localdate())
    with pytest.raises(RuleViolation) as exc:
        order_services.file_order(
            judge_xixia.user, "freeze", asset=found, amount=Decimal("1000.00"), term_days=longest + 1
        )
    assert exc.value.code == "term_too_long" and "485" in str(exc.value)
    order = order_services.file_order(
        judge_xixia.user, "freeze", asset=found, amount=Decimal("1000.00"), term_days=longest
    )
    assert longest in (365, 366) and order.term_days == longest


def test_real_estate_may_be_sealed_for_three_years_but_not_longer(
    case, judge_xixia, django_capture_on_commit_callbacks
):
    query_case(case, judge_xixia, django_capture_on_commit_callbacks)
    flat = case.found_assets.filter(kind="real_estate").first() or case.found_assets.filter(kind="vehicle").first()
    if flat is None:
        pytest.skip("respondent holds no registered property at the test registries")
    longest = flat.institution.max_term_days(timezone.localdate())
    assert longest >= (1095 if flat.kind == "real_estate" else 730)
    with pytest.raises(RuleViolation):
        order_services.file_order(judge_xixia.user, "seal", asset=flat, term_days=longest + 1)


def test_money_cannot_be_sealed_and_property_cannot_be_frozen(found, judge_xixia):
    with pytest.raises(RuleViolation):
        order_services.file_order(judge_xixia.user, "seal", asset=found)


def test_bank_freezes_only_the_balance_and_the_order_keeps_requested_and_frozen_apart(
    courts, institutions, judge_xixia, approver_xixia, django_capture_on_commit_callbacks
):
    case = make_case(claim=Decimal("50000000.00"))
    query_case(case, judge_xixia, django_capture_on_commit_callbacks)
    account = deposit(case)
    requested = account.balance + Decimal("1000.00")
    order = freeze(account, judge_xixia, approver_xixia, django_capture_on_commit_callbacks, requested)
    assert order.outcome == "partially_frozen"
    assert order.requested_amount == requested
    assert order.effective_amount == order.held_amount <= account.balance


def test_deduction_books_a_receipt_once_and_reduces_the_freeze(
    found, judge_xixia, approver_xixia, django_capture_on_commit_callbacks
):
    frozen = freeze(found, judge_xixia, approver_xixia, django_capture_on_commit_callbacks, "30000.00")
    deduct = file_and_approve(
        judge_xixia,
        approver_xixia,
        "deduct",
        django_capture_on_commit_callbacks,
        target=frozen,
        amount=Decimal("20000.00"),
    )
    deduct = send_now(deduct)
    assert (deduct.status, deduct.outcome, deduct.effective_amount) == ("done", "deducted", Decimal("20000.00"))
    sending.send(deduct.pk)  # redelivered
    sending.apply_result(deduct.pk, sending.ControlResult("done", Decimal("20000.00"), Decimal("20000.00")))
    entries = MoneyEntry.objects.filter(case=found.case, source="deduction")
    assert [(e.amount, e.reference) for e in entries] == [(Decimal("20000.00"), f"deduct:{deduct.uuid}")]
    frozen.refresh_from_db()
    found.case.refresh_from_db()
    assert frozen.held_amount == Decimal("10000.00")
    assert found.case.outstanding_amount == Decimal("80000.00")
    book = bank_book(frozen)
    mine = [f for f in book.details["freezes"] if f["case_number"] == found.case.number]
    assert Decimal(mine[0]["frozen_amount"]) == Decimal("10000.00")


def test_deduction_beyond_the_funds_frozen_for_the_case_is_refused(
    found, judge_xixia, approver_xixia, django_capture_on_commit_callbacks
):
    frozen = freeze(found, judge_xixia, approver_xixia, django_capture_on_commit_callbacks, "30000.00")
    with pytest.raises(RuleViolation) as exc:
        order_services.file_order(judge_xixia.user, "deduct", target=frozen, amount=Decimal("30000.01"))
    assert exc.value.code == "exceeds_frozen"
    order_services.file_order(judge_xixia.user, "deduct", target=frozen, amount=Decimal("25000.00"))
    with pytest.raises(RuleViolation):  # the first deduction already claims 25,000 of the 30,000
        order_services.file_order(judge_xixia.user, "deduct", target=frozen, amount=Decimal("5000.01"))


def test_deduction_from_another_cases_freeze_is_refused(
    found, courts, institutions, judge_xixia, approver_xixia, django_capture_on_commit_callbacks
):
    frozen = freeze(found, judge_xixia, approver_xixia, django_capture_on_commit_callbacks, "30000.00")
    other = make_case(id_number=found.respondent.id_number)  # the same debtor, another case
    with pytest.raises(RuleViolation) as exc:
        order_services.file_order(judge_xixia.user, "deduct", case=other, target=frozen, amount=Decimal("1000.00"))
    assert exc.value.code == "target_other_case"
    assert not ControlOrder.objects.filter(case=other).exists()


def test_renewal_before_expiry_extends_the_freeze(
    found, judge_xixia, approver_xixia, django_capture_on_commit_callbacks
):
    frozen = freeze(found, judge_xixia, approver_xixia, django_capture_on_commit_callbacks, "30000.00")
    old_expiry = frozen.expires_on
    renew = send_now(
        file_and_approve(
            judge_xixia, approver_xixia, "renew", django_capture_on_commit_callbacks, target=frozen, term_days=180
        )
    )
    frozen.refresh_from_db()
    assert (renew.status, renew.outcome) == ("done", "renewed")
    assert frozen.expires_on == old_expiry + dt.timedelta(days=180) == renew.expires_on


def test_renewal_after_expiry_is_refused_and_the_freeze_lapses(
    found, judge_xixia, approver_xixia, django_capture_on_commit_callbacks
):
    frozen = freeze(found, judge_xixia, approver_xixia, django_capture_on_commit_callbacks, "30000.00")
    ControlOrder.objects.filter(pk=frozen.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    frozen.refresh_from_db()
    with pytest.raises(RuleViolation) as exc:
        order_services.file_order(judge_xixia.user, "renew", target=frozen, term_days=30)
    assert exc.value.code == "renew_after_expiry"
    assert sending.lapse_expired() == 1
    frozen.refresh_from_db()
    assert frozen.status == "lapsed"
    # A lapsed freeze no longer counts against the limit: the full claim may be frozen again.
    assert order_services.suggested_amount("freeze", asset=found) == min(found.available, Decimal("100000.00"))


def test_expiry_watch_raises_one_alert_per_threshold(
    found, judge_xixia, approver_xixia, django_capture_on_commit_callbacks
):
    frozen = freeze(found, judge_xixia, approver_xixia, django_capture_on_commit_callbacks, "30000.00")
    today = timezone.localdate()
    ControlOrder.objects.filter(pk=frozen.pk).update(expires_on=today + dt.timedelta(days=20))
    assert sending.watch_expiry(today) == 1
    assert sending.watch_expiry(today) == 0  # the same threshold never alerts twice
    assert sending.watch_expiry(today + dt.timedelta(days=6)) == 1  # 14 days left: the 15-day alert
    assert sending.watch_expiry(today + dt.timedelta(days=14)) == 1  # 6 days left: the 7-day alert
    alerts = Alert.objects.filter(kind="freeze_expiring", source_id=str(frozen.pk)).order_by("raised_at")
    assert [a.severity for a in alerts] == ["info", "warning", "critical"]
    assert all(a.court_id == frozen.court_id for a in alerts)


def test_queued_freeze_takes_effect_when_the_earlier_one_is_released(
    courts, institutions, judge_xixia, approver_xixia, django_capture_on_commit_callbacks
):
    first_case = make_case(claim=Decimal("90000000.00"))
    query_case(first_case, judge_xixia, django_capture_on_commit_callbacks)
    account = deposit(first_case)
    first = freeze(account, judge_xixia, approver_xixia, django_capture_on_commit_callbacks, account.balance)
    assert first.outcome in ("frozen", "partially_frozen")
    second_case = make_case(id_number=first_case.respondent.id_number)
    query_case(second_case, judge_xixia, django_capture_on_commit_callbacks)
    second = freeze(
        second_case.found_assets.get(asset_ref=account.asset_ref),
        judge_xixia,
        approver_xixia,
        django_capture_on_commit_callbacks,
        "20000.00",
    )
    third_case = make_case(id_number=first_case.respondent.id_number)
    query_case(third_case, judge_xixia, django_capture_on_commit_callbacks)
    third = freeze(
        third_case.found_assets.get(asset_ref=account.asset_ref),
        judge_xixia,
        approver_xixia,
        django_capture_on_commit_callbacks,
        "20000.00",
    )
    assert (second.outcome, second.queue_position) == ("queued", 1)
    assert (third.outcome, third.queue_position) == ("queued", 2)
    release = send_now(
        file_and_approve(judge_xixia, approver_xixia, "unfreeze", django_capture_on_commit_callbacks, target=first)
    )
    assert release.outcome == "released"
    assert sending.refresh_queued(account.institution_id, account.asset_ref) == 2
    # Each refresh is an external query: audited with the case's court and a purpose (issue 11).
    refreshes = AuditLog.objects.filter(action="querycontrol.queued_refresh").order_by("id")
    assert [r.court_id for r in refreshes] == [second.court_id, third.court_id] and all(
        r.details["purpose"] for r in refreshes
    )
    second.refresh_from_db()
    third.refresh_from_db()
    first.refresh_from_db()
    assert first.outcome == "released" and first.held_amount == 0
    assert (second.outcome, second.held_amount) == ("frozen", Decimal("20000.00"))
    assert (third.outcome, third.held_amount) == ("frozen", Decimal("20000.00"))


def test_sending_twice_freezes_once(found, judge_xixia, approver_xixia, django_capture_on_commit_callbacks):
    order = file_and_approve(
        judge_xixia,
        approver_xixia,
        "freeze",
        django_capture_on_commit_callbacks,
        asset=found,
        amount=Decimal("30000.00"),
    )
    # The worker was killed after the bank acted but before the answer was stored: the order is SENT.
    ControlOrder.objects.filter(pk=order.pk).update(status="sent")
    get_connector().freeze(
        order.institution.code,
        found.asset_ref,
        order.requested_amount,
        term_days=order.term_days,
        case_number=order.case.number,
        court_code=order.court.code,
        idempotency_key=str(order.uuid),
    )
    order = send_now(order)
    assert order.outcome == "frozen" and order.attempts == 1
    mine = [f for f in bank_book(order).details["freezes"] if f["case_number"] == found.case.number]
    assert len(mine) == 1 and Decimal(mine[0]["frozen_amount"]) == Decimal("30000.00")


@override_settings(SIMULATOR_LATENCY="failures")
def test_transient_failure_is_retried_with_the_same_key_and_a_permanent_one_fails_the_order(
    found, judge_xixia, approver_xixia, django_capture_on_commit_callbacks
):
    SimInstitution.objects.filter(code=found.institution.code).update(failure_rate=1.0)
    order = file_and_approve(
        judge_xixia,
        approver_xixia,
        "freeze",
        django_capture_on_commit_callbacks,
        asset=found,
        amount=Decimal("30000.00"),
    )
    with pytest.raises(sending.TransientConnectorError):
        sending.send(order.pk, attempt=1, final_attempt=False)
    order.refresh_from_db()
    assert order.status == "sent" and order.last_error
    sending.send(order.pk, attempt=2, final_attempt=True)  # still busy on the last try: stays SENT, alert raised
    order.refresh_from_db()
    assert order.status == "sent"
    assert Alert.objects.filter(kind="order_unanswered", source_id=str(order.pk)).exists()
    SimInstitution.objects.filter(code=found.institution.code).update(failure_rate=0.0)
    sending.send(order.pk, attempt=3)
    order.refresh_from_db()
    assert order.outcome == "frozen"
    assert Alert.objects.get(kind="order_unanswered", source_id=str(order.pk)).status == "resolved"
