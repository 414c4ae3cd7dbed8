"""The case account (一案一账户): receipts in, payouts out, never more out than in."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from execcenter.exceptions import DomainError, RuleViolation
from execcenter.money import MoneySum, require_amount
from execcenter.policy import require
from execcenter.scope import user_of
from execcenter.services import audit, resolve_alerts

from .. import deadlines
from ..choices import MoneyKind, PartyRole, ReceiptSource
from ..models import Case, CaseParty, MoneyEntry
from .common import add_event

if TYPE_CHECKING:
    import datetime as _dt

    from django.http import HttpRequest

    from ..models import ApprovalRequest, Case, Party
    from .common import Actor


def _refresh_money_totals(case):
    totals = case.money_entries.values("kind").annotate(total=MoneySum("amount"))
    by_kind = {row["kind"]: row["total"] for row in totals}
    case.recovered_amount = by_kind.get(MoneyKind.RECEIPT) or Decimal("0.00")
    case.outstanding_amount = max(case.claim_amount - case.recovered_amount, Decimal("0.00"))
    Case.objects.filter(pk=case.pk).update(
        recovered_amount=case.recovered_amount, outstanding_amount=case.outstanding_amount, updated_at=timezone.now()
    )


def _existing(reference, case, kind, amount):
    """The entry already booked under `reference` for this very step (a repeat: returned, nothing booked twice), or
    None. A reference used by another case, or for a different amount or kind, is refused with 409 and nothing of
    the other entry is shown: references are unique across the province and another court's entry is not ours."""
    existing = MoneyEntry.objects.filter(reference=reference).first()
    if existing is None:
        return None
    if existing.case_id != case.pk or existing.kind != kind or existing.amount != amount:
        raise DomainError(_("该业务编号已被使用 (this reference is already in use)"), code="reference_in_use")
    return existing


def _check_amount(amount):
    """A positive amount in yuan to the fen (execcenter.money.parse_amount), or RuleViolation."""
    return require_amount(amount)


@transaction.atomic
def record_receipt(
    case: Case,
    amount: Decimal | str,
    source: str = ReceiptSource.VOLUNTARY,
    *,
    reference: str | None = None,
    actor: Actor | None = None,
    note: str = "",
    request: HttpRequest | None = None,
    received_at: _dt.datetime | None = None,
    checked_as: str | None = None,
) -> tuple[MoneyEntry, bool]:
    """Book money into the case account. With a `reference` (e.g. "deduct:<order uuid>") it is booked once:
    a repeat returns the first entry. `received_at` (aware datetime, default now) is when the money really reached
    the account (a bank statement's value date): the 30-day payout clock (法发〔2017〕6号) runs from it, not from
    the day it was booked. `checked_as` names the policy action the calling service already checked when the
    receipt is part of its own step (a deduction, an operation's result, a matched 不明款); otherwise
    "money.receipt" is checked here. Returns (entry, created); a reference used elsewhere raises 409."""
    if checked_as is None:
        require(actor, "money.receipt", case)
    amount = _check_amount(amount)
    if source not in ReceiptSource.values or source == ReceiptSource.PAYOUT:
        raise RuleViolation(_("收款来源无效 (invalid receipt source)"), code="invalid_source")
    if reference:
        existing = _existing(reference, case, MoneyKind.RECEIPT, amount)
        if existing:
            return existing, False
    case = Case.objects.select_for_update().get(pk=case.pk)
    now = received_at or timezone.now()
    entry = MoneyEntry.objects.create(
        case=case,
        kind=MoneyKind.RECEIPT,
        source=source,
        amount=amount,
        occurred_at=now,
        payout_due=deadlines.payout_due(timezone.localdate(now)),
        reference=reference,
        note=note,
        created_by=user_of(actor),
    )
    _refresh_money_totals(case)
    add_event(
        case,
        "money",
        _("收款 %(amount)s 元（%(source)s）") % {"amount": amount, "source": entry.get_source_display()},
        actor,
        {"entry": entry.pk, "amount": str(amount), "source": source},
    )
    audit(
        actor,
        "money.receipt",
        entry,
        court=case.court,
        request=request,
        details={"amount": str(amount), "reference": reference},
    )
    return entry, True


@transaction.atomic
def record_payout(
    case: Case,
    amount: Decimal | str,
    payee: Party,
    *,
    reference: str | None = None,
    actor: Actor | None = None,
    note: str = "",
    request: HttpRequest | None = None,
    approval: ApprovalRequest | None = None,
) -> tuple[MoneyEntry, bool]:
    """Pay `amount` yuan (> 0, 2 decimals) out of the case account to `payee`, an applicant of the case.

    Payouts never exceed receipts: the case row is locked, so concurrent payouts are serialised and the second
    one sees the first; the payout is allocated to the oldest receipts first (法发〔2017〕6号: each receipt is paid
    out within 30 days). Raises RuleViolation (400) for a bad amount, a payee who is not an applicant, or an
    amount above the balance. With a `reference` it is booked once; a reference of another case or step answers 409.

    People pay out only through an approved request (cases.approvals, four-eyes: `approval` is that request);
    without one only the system may call this (policy "money.payout"). Returns (entry, created)."""
    if approval is None:
        require(actor, "money.payout", case)
    amount = _check_amount(amount)
    if reference:
        existing = _existing(reference, case, MoneyKind.PAYOUT, amount)
        if existing:
            return existing, False
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not CaseParty.objects.filter(case=case, party=payee, role=PartyRole.APPLICANT).exists():
        raise RuleViolation(
            _("收款人必须是本案申请执行人 (payee must be an applicant of the case)"), code="payee_not_applicant"
        )
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
            if receipt.paid_out_amount + take == receipt.amount:
                resolve_alerts(f"money:payout-overdue:{receipt.pk}")
        if left == 0:
            break
    entry = MoneyEntry.objects.create(
        case=case,
        kind=MoneyKind.PAYOUT,
        source=ReceiptSource.PAYOUT,
        amount=amount,
        occurred_at=timezone.now(),
        payee=payee,
        reference=reference,
        note=note,
        created_by=user_of(actor),
    )
    add_event(
        case,
        "money",
        _("发放案款 %(amount)s 元给 %(payee)s") % {"amount": amount, "payee": payee.name},
        actor,
        {"entry": entry.pk, "amount": str(amount)},
    )
    audit(
        actor,
        "money.payout",
        entry,
        court=case.court,
        request=request,
        details={"amount": str(amount), "payee": payee.pk, "approval": approval.pk if approval is not None else None},
    )
    return entry, True
