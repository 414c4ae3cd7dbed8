"""Questions about case money the screens and alerts ask (一案一账户, 法发〔2017〕6号: payout within 30 days)."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from execcenter.exceptions import InvalidTransition
from execcenter.policy import require

from . import predicates
from .choices import MoneyKind, ReceiptSource
from .models import MoneyEntry, UnclaimedReceipt
from .services import record_receipt


def pending_payouts(queryset=None):
    """Receipts not yet fully paid out."""
    qs = queryset if queryset is not None else MoneyEntry.objects.all()
    return qs.filter(kind=MoneyKind.RECEIPT, paid_out_amount__lt=F("amount"))


def overdue_payouts(queryset=None, today=None):
    """Receipts not fully paid out 30 days after they came in."""
    qs = queryset if queryset is not None else MoneyEntry.objects.all()
    return qs.filter(predicates.payout_overdue(today or timezone.localdate()))


def unclaimed(queryset=None):
    qs = queryset if queryset is not None else UnclaimedReceipt.objects.all()
    return qs.filter(matched_case__isnull=True)


@transaction.atomic
def match_unclaimed(receipt, case, *, actor=None, request=None):
    """认领不明款: book the money into the case it belongs to (once: the bank reference is the key), with the day
    the money really arrived (the payout clock runs from it). execcenter.policy "money.match_unclaimed" on both the
    money and the case: 404 outside the actor's scope, 403 for another role or court."""
    require(actor, "money.match_unclaimed", receipt)
    require(actor, "money.match_unclaimed", case)
    receipt = UnclaimedReceipt.objects.select_for_update().get(pk=receipt.pk)
    if receipt.matched_case_id is not None:
        raise InvalidTransition(_("该笔款项已认领 (already matched)"), code="already_matched")
    if not receipt.court.contains(case.court):
        raise InvalidTransition(_("案件不属于收款法院 (case outside the receiving court)"), code="court_mismatch")
    entry, _created = record_receipt(
        case,
        receipt.amount,
        ReceiptSource.OTHER,
        reference=f"unclaimed:{receipt.bank_reference}",
        actor=actor,
        checked_as="money.match_unclaimed",
        note=_("不明款认领：%(p)s") % {"p": receipt.payer_name},
        request=request,
        received_at=receipt.received_at,
    )
    UnclaimedReceipt.objects.filter(pk=receipt.pk).update(matched_case=case, matched_at=timezone.now())
    receipt.matched_case = case
    return entry
