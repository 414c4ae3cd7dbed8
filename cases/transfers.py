"""Cases that move between the courts of the province (执行案件的移送): 提级执行, 指定执行, 委托执行.

- 提级执行 (elevate): a superior court takes over the case of a court below it (《最高人民法院关于高级人民法院统一
  管理执行工作若干问题的规定》Art. 8; 民事诉讼法: a case not enforced within six months may be taken up by the court
  one level up). The superior court enforces the case under its original number.
- 指定执行 (designate): a superior court of both designates another court to enforce the case (same provision).
  The designated court files it under its own number.
- 委托执行 (delegate): the court entrusts a court where the property lies (《最高人民法院关于委托执行若干问题的规定》,
  法释〔2011〕11号). The entrusted court files it under its own number.

Every move is requested (with its legal basis and reason) and takes effect only when an approver of the receiving
court approves it (and never the requester). On approval the case, its open work and its money move in one
transaction: the case's court (so visibility moves with it: the receiving court sees it, the old court no longer
does), its number where the receiving court files it anew, the court copied on its money lines and pending
approvals, and through cases.hooks whatever higher apps copy (query requests, found assets, control orders).
Work in flight (orders awaiting approval or at the institution, running queries, pending approvals) blocks a move.
The transfer row keeps the history: previous court and number, new court and number, who asked and who approved.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from execcenter.exceptions import InvalidTransition, RuleViolation
from execcenter.models import Alert, Court
from execcenter.policy import require
from execcenter.scope import officer_of, user_of
from execcenter.services import actor_label
from execcenter.validators import format_case_number

from . import hooks
from .choices import (
    ApprovalStatus,
    CaseStatus,
    RewardLeadStatus,
    RewardNoticeStatus,
    TransferKind,
    TransferStatus,
)
from .models import ApprovalRequest, Case, CaseTransfer, MoneyEntry, RewardLead, RewardNotice
from .services.common import _record
from .services.filing import next_sequence

# Which moves the receiving court files under its own number (see the module docstring).
NEW_NUMBER = {TransferKind.ELEVATE: False, TransferKind.DESIGNATE: True, TransferKind.DELEGATE: True}
DEFAULT_BASIS = {
    TransferKind.ELEVATE: "《最高人民法院关于高级人民法院统一管理执行工作若干问题的规定》第八条；《民事诉讼法》关于上一级人民法院提级执行的规定",
    TransferKind.DESIGNATE: "《最高人民法院关于高级人民法院统一管理执行工作若干问题的规定》第八条（指定执行）",
    TransferKind.DELEGATE: "《最高人民法院关于委托执行若干问题的规定》（法释〔2011〕11号）",
}


def _check_courts(kind, case, to_court, requester_court):
    """The court rules of each kind; raises RuleViolation naming the broken one."""
    from_court = case.court
    if to_court.pk == from_court.pk:
        raise RuleViolation(_("接收法院不能是本院 (the case is already at that court)"), code="same_court")
    if kind == TransferKind.ELEVATE and not (to_court.contains(from_court)):
        raise RuleViolation(_("提级执行只能移送上级法院 (elevation goes to a superior court)"), code="not_superior")
    if kind == TransferKind.DESIGNATE:
        if requester_court is None or not (
            requester_court.contains(from_court)
            and requester_court.contains(to_court)
            and requester_court.pk != from_court.pk
        ):
            raise RuleViolation(
                _(
                    "指定执行须由原执行法院和被指定法院的共同上级法院决定 (designation is decided by a common superior court)"
                ),
                code="not_designating_court",
            )
    if kind == TransferKind.DELEGATE and (to_court.contains(from_court) or from_court.contains(to_court)):
        raise RuleViolation(
            _(
                "委托执行应委托财产所在地的其他法院，而非上下级法院 (delegate to another court, not a superior or inferior one)"
            ),
            code="delegate_in_line",
        )


@transaction.atomic
def request_transfer(actor, case, *, kind, to_court, reason, legal_basis="", request=None):
    """Ask to move `case` to `to_court`. kind: TransferKind; legal_basis: text (default: the kind's standard basis);
    reason: text. Returns the pending CaseTransfer. Raises 404/403 (policy "case.transfer.request"),
    RuleViolation (court rules, missing reason), InvalidTransition (closed case, a request already pending)."""
    require(actor, "case.transfer.request", case)
    case = Case.objects.select_for_update().select_related("court").get(pk=case.pk)
    if kind not in TransferKind.values:
        raise RuleViolation(_("移送类型无效 (invalid transfer kind)"), code="invalid_kind")
    if case.status == CaseStatus.CLOSED:
        raise InvalidTransition(_("已结案件不能移送 (a closed case cannot be transferred)"), code="case_closed")
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("请填写移送理由 (a reason is required)"), code="reason_required")
    officer = officer_of(actor)
    _check_courts(kind, case, to_court, officer.court if officer is not None else None)
    if CaseTransfer.objects.filter(case=case, status=TransferStatus.PENDING).exists():
        raise InvalidTransition(_("本案已有待审批的移送申请 (a transfer is already pending)"), code="transfer_pending")
    transfer = CaseTransfer.objects.create(
        case=case,
        kind=kind,
        from_court=case.court,
        to_court=to_court,
        legal_basis=(legal_basis or DEFAULT_BASIS[kind]).strip()[:200],
        reason=reason[:200],
        requested_by=user_of(actor),
        requested_by_label=actor_label(actor)[:64],
        previous_number=case.number,
    )
    _record(
        case,
        "transfer",
        _("申请%(k)s至%(c)s：%(r)s") % {"k": TransferKind(kind).label, "c": to_court.name, "r": reason},
        actor,
        "case.transfer.request",
        request=request,
        obj=transfer,
        details={"transfer": transfer.pk, "kind": kind, "to_court": to_court.code, "legal_basis": transfer.legal_basis},
    )
    return transfer


def blockers(case):
    """Why `case` cannot move now: approvals pending here, and whatever the higher apps report (cases.hooks)."""
    reasons = []
    if ApprovalRequest.objects.filter(case=case, status=ApprovalStatus.PENDING).exists():
        reasons.append(_("有待审批事项（案款发放、结案或延长期限）"))
    if (
        RewardNotice.objects.filter(case=case, status=RewardNoticeStatus.APPLIED).exists()
        or RewardLead.objects.filter(notice__case=case, status=RewardLeadStatus.REWARD_REQUESTED).exists()
    ):
        reasons.append(_("有待审批的悬赏事项（发布悬赏公告或发放悬赏金）"))
    return reasons + hooks.transfer_blockers(case)


@transaction.atomic
def approve_transfer(actor, transfer, *, note="", request=None):
    """The receiving court's approver accepts: the case moves (see the module docstring). Returns the case.
    Raises 404/403/409 (policy "case.transfer.decide": an approver of the receiving court, not the requester,
    the request still pending) and InvalidTransition `transfer_blocked` naming the work in flight."""
    transfer = (
        CaseTransfer.objects.select_for_update()
        .select_related("case__court", "to_court", "from_court")
        .get(pk=transfer.pk)
    )
    require(actor, "case.transfer.decide", transfer)
    case = Case.objects.select_for_update().select_related("court").get(pk=transfer.case_id)
    if case.court_id != transfer.from_court_id or case.status == CaseStatus.CLOSED:
        raise InvalidTransition(
            _("案件已不在原执行法院或已结案 (the case has changed meanwhile)"), code="stale_transfer"
        )
    reasons = blockers(case)
    if reasons:
        raise InvalidTransition(
            _("案件尚有未办结事项，不能移送：%(r)s (work in flight)") % {"r": "；".join(reasons)},
            code="transfer_blocked",
            details={"blockers": reasons},
        )
    old_court, new_court, old_number = case.court, transfer.to_court, case.number
    changes = {"court": new_court, "updated_at": timezone.now()}
    new_number = ""
    if NEW_NUMBER[transfer.kind]:
        year = timezone.localdate().year
        sequence = next_sequence(new_court, case.case_type, year)
        new_number = format_case_number(year, new_court.code, case.case_type, sequence)
        changes.update(number=new_number, year=year, sequence=sequence)
    # The judge of the old court no longer handles it; the receiving court assigns its own.
    if case.assigned_judge_id is not None and not case.assigned_judge.court.contains(new_court):
        changes.update(assigned_judge=None, responsible_officer=None)
    Case.objects.filter(pk=case.pk).update(**changes)
    MoneyEntry.objects.filter(case=case).update(court=new_court)
    ApprovalRequest.objects.filter(case=case).exclude(status=ApprovalStatus.PENDING).update(court=new_court)
    Alert.objects.filter(source_type="cases.case", source_id=str(case.pk)).update(court=new_court)
    hooks.court_changed(case, old_court, new_court)
    CaseTransfer.objects.filter(pk=transfer.pk, status=TransferStatus.PENDING).update(
        status=TransferStatus.APPROVED,
        decided_by=user_of(actor),
        decided_by_label=actor_label(actor)[:64],
        decided_at=timezone.now(),
        decision_note=(note or "")[:200],
        new_number=new_number,
    )
    case.refresh_from_db()
    summary = _("%(k)s：由%(a)s移送%(b)s") % {
        "k": transfer.get_kind_display(),
        "a": old_court.name,
        "b": new_court.name,
    }
    if new_number:
        summary += _("，新案号 %(n)s（原案号 %(o)s）") % {"n": new_number, "o": old_number}
    _record(
        case,
        "transfer",
        summary,
        actor,
        "case.transfer.approve",
        request=request,
        obj=transfer,
        details={
            "transfer": transfer.pk,
            "from": old_court.code,
            "to": new_court.code,
            "previous_number": old_number,
            "new_number": new_number,
        },
    )
    return case


@transaction.atomic
def reject_transfer(actor, transfer, *, note, request=None):
    transfer = CaseTransfer.objects.select_for_update().select_related("case__court").get(pk=transfer.pk)
    require(actor, "case.transfer.decide", transfer)
    if not (note or "").strip():
        raise RuleViolation(_("请填写驳回理由 (a reason is required)"), code="reason_required")
    CaseTransfer.objects.filter(pk=transfer.pk).update(
        status=TransferStatus.REJECTED,
        decided_by=user_of(actor),
        decided_by_label=actor_label(actor)[:64],
        decided_at=timezone.now(),
        decision_note=note.strip()[:200],
    )
    _record(
        transfer.case,
        "transfer",
        _("%(c)s驳回%(k)s申请：%(n)s")
        % {"c": transfer.to_court.name, "k": transfer.get_kind_display(), "n": note.strip()},
        actor,
        "case.transfer.reject",
        request=request,
        obj=transfer,
        details={"transfer": transfer.pk},
    )
    transfer.refresh_from_db()
    return transfer


def receiving_courts(case):
    """Courts a case may be moved to (every other court of the province); the kind's rules narrow it on request."""
    return Court.objects.exclude(pk=case.court_id).order_by("code")


__all__ = [
    "request_transfer",
    "approve_transfer",
    "reject_transfer",
    "blockers",
    "receiving_courts",
    "DEFAULT_BASIS",
    "NEW_NUMBER",
]
