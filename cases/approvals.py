"""Four-eyes for the steps that move money or end a case: payouts (案款发放), closures (结案, 终本 included) and
extensions of the statutory deadline (延长执行期限).

A judge or officer of the owning court *requests* the step; it takes effect only when a second person of the
right role *approves* it — 执行局长 for payouts and closures, 院长 for extensions (《最高人民法院关于人民法院办理执行
案件若干期限的规定》; 民诉法解释 Art. 482) — and never the requester (execcenter.policy, cases/rules.py). A request
is checked at once by carrying the step out and rolling it back (so the requester hears of an over-large payout or
a missing 终本 condition now, by the same rules that apply at approval), and checked again when approved, because
the case may have changed in between. Every request and decision is an audit row and a case event.
"""

import uuid
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from execcenter.exceptions import InvalidTransition, RuleViolation
from execcenter.policy import require
from execcenter.scope import officer_of
from execcenter.services import audit

from . import closure
from .choices import ApprovalKind, ApprovalStatus, ClosureType
from .models import ApprovalRequest, Case, Party
from .services import add_event, extend_deadline, record_payout
from .services.account import _check_amount

APPROVE_ACTION = {
    ApprovalKind.PAYOUT: "money.payout.approve",
    ApprovalKind.CLOSURE: "case.close.approve",
    ApprovalKind.EXTENSION: "case.extend.approve",
}
REQUEST_ACTION = {
    ApprovalKind.PAYOUT: "money.payout.request",
    ApprovalKind.CLOSURE: "case.close.request",
    ApprovalKind.EXTENSION: "case.extend.request",
}
MAX_EXTENSION_DAYS = (
    180  # 执行期限规定: an extension is granted for a stated need, not open-ended; six months at most at once
)


class _DryRun(Exception):
    """Raised inside a savepoint to undo a trial run of the step."""


def _trial(step):
    """Run `step` and undo it: it raises the same refusals the real step would (on_commit work is discarded with
    the savepoint)."""
    try:
        with transaction.atomic():
            step()
            raise _DryRun
    except _DryRun:
        pass


def _effect(approval, actor, request):
    """Carry out an approved request as the approver; returns what the step returns."""
    p, case = approval.payload, approval.case
    if approval.kind == ApprovalKind.PAYOUT:
        payee = Party.objects.get(pk=p["payee"])
        entry, _created = record_payout(
            case,
            Decimal(p["amount"]),
            payee,
            reference=p.get("reference") or None,
            note=p.get("note", ""),
            actor=actor,
            request=request,
            approval=approval,
        )
        return entry
    if approval.kind == ApprovalKind.CLOSURE:
        return closure.close(
            case, p["closure_type"], note=p.get("note", ""), actor=actor, request=request, approval=approval
        )
    return extend_deadline(
        case,
        int(p["days"]),
        approval.reason,
        approval=approval,
        approval_document_no=p.get("approval_document_no", ""),
        actor=actor,
        request=request,
    )


def _trial_of(kind, case, payload, reason):
    """The step as it would run now, for the check at request time (actor None: the policy is checked apart).
    An extension has nothing to check beyond its request (days, reason) and the case being open."""
    if kind == ApprovalKind.EXTENSION:
        return lambda: None
    probe = ApprovalRequest(
        case=case, court_id=case.court_id, kind=kind, payload=payload, reason=reason, status=ApprovalStatus.APPROVED
    )
    return lambda: _effect(probe, None, None)


@transaction.atomic
def _request(actor, case, kind, payload, reason, request):
    require(actor, REQUEST_ACTION[kind], case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    _trial(_trial_of(kind, case, payload, reason))
    try:
        with transaction.atomic():
            approval = ApprovalRequest.objects.create(
                case=case,
                court_id=case.court_id,
                kind=kind,
                payload=payload,
                reason=reason[:200],
                requested_by=officer_of(actor),
            )
    except IntegrityError:
        raise InvalidTransition(
            _("本案已有同类事项待审批 (a request of this kind is already pending)"), code="approval_pending"
        ) from None
    add_event(
        case,
        "approval",
        _("申请%(kind)s，待审批") % {"kind": approval.get_kind_display()},
        actor,
        {"approval": approval.pk, **payload},
    )
    audit(actor, f"approval.request.{kind}", approval, court=case.court, request=request, details=payload)
    return approval


def request_payout(actor, case, *, amount, payee, reference=None, note="", request=None):
    """申请发放案款: `amount` (Decimal yuan, > 0, 2 places) to `payee` (an applicant of the case). Refused now if it
    would be refused at approval (RuleViolation: not an applicant, more than the account holds)."""
    amount = _check_amount(amount)
    payload = {"amount": str(amount), "payee": payee.pk, "reference": reference or new_reference(), "note": note}
    return _request(actor, case, ApprovalKind.PAYOUT, payload, note, request)


def request_closure(actor, case, *, closure_type, note="", request=None):
    """申请结案 with one of the six closure types; 终本 requests are refused now unless all five conditions hold."""
    if closure_type not in ClosureType.values:
        raise RuleViolation(_("结案方式无效 (invalid closure type)"), code="invalid_closure_type")
    return _request(actor, case, ApprovalKind.CLOSURE, {"closure_type": closure_type, "note": note}, note, request)


def request_extension(actor, case, *, days, reason, request=None):
    """申请延长执行期限 by `days` (1–180) for `reason`; a 院长 of the case's court decides."""
    if not isinstance(days, int) or not 0 < days <= MAX_EXTENSION_DAYS:
        raise RuleViolation(
            _("延长天数须为 1 至 %(max)s 天 (days must be 1–%(max)s)") % {"max": MAX_EXTENSION_DAYS},
            code="days_out_of_range",
        )
    if not (reason or "").strip():
        raise RuleViolation(_("请说明延长理由 (a reason is required)"), code="reason_required")
    return _request(actor, case, ApprovalKind.EXTENSION, {"days": days}, reason.strip(), request)


def _decide(actor, approval, status, note, request, extra=None):
    approval = ApprovalRequest.objects.select_for_update().select_related("case__court").get(pk=approval.pk)
    require(
        actor, APPROVE_ACTION[approval.kind] if status != ApprovalStatus.WITHDRAWN else "approval.withdraw", approval
    )
    payload = dict(approval.payload, **(extra or {}))
    changed = ApprovalRequest.objects.filter(pk=approval.pk, status=ApprovalStatus.PENDING).update(
        status=status,
        decided_by=officer_of(actor),
        decided_at=timezone.now(),
        decision_note=(note or "")[:200],
        payload=payload,
    )
    if not changed:  # the row is locked, so only a status already moved on gets here
        raise InvalidTransition(_("该审批事项已处理 (already decided)"))
    approval.refresh_from_db()
    return approval


@transaction.atomic
def approve(actor, approval, *, note="", approval_document_no="", request=None):
    """Approve and carry out the step as one transaction: if the step is refused now (the case changed since the
    request), nothing is approved and the refusal is raised."""
    extra = {"approval_document_no": approval_document_no} if approval_document_no else None
    approval = _decide(actor, approval, ApprovalStatus.APPROVED, note, request, extra)
    result = _effect(approval, actor, request)
    audit(
        actor,
        f"approval.approve.{approval.kind}",
        approval,
        court=approval.court,
        request=request,
        details={"requested_by": approval.requested_by_id, "note": note},
    )
    return approval, result


@transaction.atomic
def reject(actor, approval, *, note, request=None):
    """Refuse with a reason (required: the requester must know why)."""
    if not (note or "").strip():
        raise RuleViolation(_("请填写驳回理由 (a reason is required)"), code="note_required")
    approval = _decide(actor, approval, ApprovalStatus.REJECTED, note, request)
    add_event(
        approval.case,
        "approval",
        _("%(kind)s申请被驳回：%(note)s") % {"kind": approval.get_kind_display(), "note": note},
        actor,
        {"approval": approval.pk},
    )
    audit(
        actor,
        f"approval.reject.{approval.kind}",
        approval,
        court=approval.court,
        request=request,
        details={"note": note},
    )
    return approval


@transaction.atomic
def withdraw(actor, approval, *, request=None):
    """The requester takes a pending request back."""
    approval = _decide(actor, approval, ApprovalStatus.WITHDRAWN, "", request)
    audit(actor, f"approval.withdraw.{approval.kind}", approval, court=approval.court, request=request)
    return approval


def awaiting(actor):
    """Pending requests `actor` may decide now (the approval queue), oldest first."""
    qs = (
        ApprovalRequest.objects.visible_to(actor)
        .filter(status=ApprovalStatus.PENDING)
        .select_related("case", "court", "requested_by")
        .order_by("requested_at", "id")
    )
    from execcenter.policy import may

    return [a for a in qs[:500] if may(actor, APPROVE_ACTION[a.kind], a)]


def new_reference():
    """A payout reference when the requester gives none, so that approving twice can never pay twice."""
    return f"payout:{uuid.uuid4()}"
