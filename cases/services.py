"""Case domain operations: filing with gap-free numbering, the timeline and the case account.

Everything that changes a case goes through here, records a timeline event and an audit entry.
"""
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from execcenter.exceptions import RuleViolation
from execcenter.services import actor_label, audit

from . import deadlines
from .choices import CaseStatus, MoneyKind, ReceiptSource
from .models import Case, CaseEvent, CaseSequence, MoneyEntry

CENT = Decimal("0.01")


def next_sequence(court, case_type, year):
    """Next number for court / type / year: no gaps, no duplicates under concurrent filing.

    The increment is one UPDATE, so PostgreSQL's row lock (and SQLite's write lock) serialises filers.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                seq, _created = CaseSequence.objects.get_or_create(court=court, case_type=case_type, year=year)
        except IntegrityError:
            seq = CaseSequence.objects.get(court=court, case_type=case_type, year=year)
        CaseSequence.objects.filter(pk=seq.pk).update(last=F("last") + 1)
        return CaseSequence.objects.values_list("last", flat=True).get(pk=seq.pk)


def add_event(case, kind, summary, actor=None, details=None):
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) and not hasattr(actor, "key_hash") else None,
        actor_label=actor_label(actor)[:64],
        summary=summary[:200],
        details=details or {},
    )


def set_derived_dates(case):
    case.assignment_due = deadlines.assignment_due(case.filed_on)
    case.statutory_deadline = deadlines.statutory_deadline(case.filed_on, case.suspended_days, case.extension_days)


def _refresh_money_totals(case):
    totals = case.money_entries.values("kind").annotate(total=Sum("amount"))
    by_kind = {row["kind"]: row["total"] for row in totals}
    case.recovered_amount = by_kind.get(MoneyKind.RECEIPT) or Decimal("0.00")
    case.outstanding_amount = max(case.claim_amount - case.recovered_amount, Decimal("0.00"))
    Case.objects.filter(pk=case.pk).update(
        recovered_amount=case.recovered_amount, outstanding_amount=case.outstanding_amount, updated_at=timezone.now()
    )


def _check_amount(amount):
    amount = Decimal(amount)
    if amount <= 0:
        raise RuleViolation(_("金额必须大于零 (amount must be positive)"), code="amount_not_positive")
    if amount != amount.quantize(CENT):
        raise RuleViolation(_("金额最多两位小数 (at most 2 decimal places)"), code="amount_precision")
    return amount


@transaction.atomic
def record_receipt(case, amount, source=ReceiptSource.VOLUNTARY, *, reference=None, actor=None, note="", request=None):
    """Book money into the case account. With a `reference` (e.g. "deduct:<order uuid>") it is booked once:
    a repeat returns the first entry. Returns (entry, created)."""
    amount = _check_amount(amount)
    if reference:
        existing = MoneyEntry.objects.filter(reference=reference).first()
        if existing:
            return existing, False
    case = Case.objects.select_for_update().get(pk=case.pk)
    now = timezone.now()
    entry = MoneyEntry.objects.create(
        case=case,
        kind=MoneyKind.RECEIPT,
        source=source,
        amount=amount,
        occurred_at=now,
        payout_due=deadlines.payout_due(timezone.localdate(now)),
        reference=reference,
        note=note,
        created_by=actor if getattr(actor, "is_authenticated", False) and not hasattr(actor, "key_hash") else None,
    )
    _refresh_money_totals(case)
    add_event(case, "money", _("收款 %(amount)s 元（%(source)s）") % {"amount": amount, "source": entry.get_source_display()},
              actor, {"entry": entry.pk, "amount": str(amount), "source": source})
    audit(actor, "money.receipt", entry, court=case.court, request=request, details={"amount": str(amount), "reference": reference})
    return entry, True


@transaction.atomic
def record_payout(case, amount, payee, *, reference=None, actor=None, note="", request=None):
    """Pay money out of the case account to an applicant. Payouts never exceed receipts: the case row
    is locked, so concurrent payouts are serialised and the second one sees the first."""
    amount = _check_amount(amount)
    if reference:
        existing = MoneyEntry.objects.filter(reference=reference).first()
        if existing:
            return existing, False
    case = Case.objects.select_for_update().get(pk=case.pk)
    receipts = list(
        MoneyEntry.objects.select_for_update().filter(case=case, kind=MoneyKind.RECEIPT).order_by("occurred_at", "id")
    )
    available = sum((r.amount - r.paid_out_amount for r in receipts), Decimal("0.00"))
    if amount > available:
        raise RuleViolation(
            _("发放金额 %(amount)s 元超过案款账户可发放余额 %(available)s 元 (payout exceeds the balance)")
            % {"amount": amount, "available": available},
            code="payout_exceeds_receipts",
        )
    # Allocate to the oldest receipts first, so "overdue payout" means the oldest money still unpaid.
    left = amount
    for receipt in receipts:
        take = min(left, receipt.amount - receipt.paid_out_amount)
        if take > 0:
            MoneyEntry.objects.filter(pk=receipt.pk).update(paid_out_amount=F("paid_out_amount") + take)
            left -= take
        if left == 0:
            break
    entry = MoneyEntry.objects.create(
        case=case, kind=MoneyKind.PAYOUT, source=ReceiptSource.PAYOUT, amount=amount, occurred_at=timezone.now(),
        payee=payee, reference=reference, note=note,
        created_by=actor if getattr(actor, "is_authenticated", False) and not hasattr(actor, "key_hash") else None,
    )
    add_event(case, "money", _("发放案款 %(amount)s 元给 %(payee)s") % {"amount": amount, "payee": payee.name}, actor,
              {"entry": entry.pk, "amount": str(amount)})
    audit(actor, "money.payout", entry, court=case.court, request=request, details={"amount": str(amount), "payee": payee.pk})
    return entry, True


def is_open(case):
    return case.status != CaseStatus.CLOSED
