"""Questions about case money the screens and alerts ask (一案一账户, 法发〔2017〕6号: payout within 30 days)."""
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from execcenter.exceptions import DomainError, InvalidTransition, PermissionDenied
from execcenter.scope import has_role

from . import predicates
from .choices import MoneyKind, ReceiptSource
from .models import Case, MoneyEntry, UnclaimedReceipt
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
    the money really arrived (the payout clock runs from it). With an `actor`, both the money and the case must be
    in their scope (404 otherwise) and their role one that books money (403)."""
    if actor is not None:
        from .statements import IMPORT_ROLES

        if not (UnclaimedReceipt.objects.visible_to(actor).filter(pk=receipt.pk).exists()
                and Case.objects.visible_to(actor).filter(pk=case.pk).exists()):
            raise DomainError(_("记录不存在 (not found)"), code="not_found", status=404)
        if not has_role(actor, *IMPORT_ROLES):
            raise PermissionDenied(_("只有执行法官、执行员或执行局长可以认领不明款 (role required)"))
    receipt = UnclaimedReceipt.objects.select_for_update().get(pk=receipt.pk)
    if receipt.matched_case_id is not None:
        raise InvalidTransition(_("该笔款项已认领 (already matched)"), code="already_matched")
    if not receipt.court.contains(case.court):
        raise InvalidTransition(_("案件不属于收款法院 (case outside the receiving court)"), code="court_mismatch")
    entry, _created = record_receipt(case, receipt.amount, ReceiptSource.OTHER, reference=f"unclaimed:{receipt.bank_reference}",
                                     actor=actor, note=_("不明款认领：%(p)s") % {"p": receipt.payer_name}, request=request,
                                     received_at=receipt.received_at)
    UnclaimedReceipt.objects.filter(pk=receipt.pk).update(matched_case=case, matched_at=timezone.now())
    receipt.matched_case = case
    return entry
