"""The case's state machine (FLOW) and the operations that move a case along it: assign, transition,
suspend / resume, the execution notice and the facts about the respondent."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from execcenter.choices import Role
from execcenter.exceptions import RuleViolation
from execcenter.policy import require
from execcenter.services import resolve_alerts

from .. import deadlines
from ..choices import CaseStatus, ClosureType, SuspensionKind
from ..models import CaseSuspension
from .common import _fresh, _record, _refuse, _swap

if TYPE_CHECKING:
    import datetime as _dt

    from django.http import HttpRequest

    from execcenter.models import Officer

    from ..models import Case
    from .common import Actor

# --- The state machine --------------------------------------------------------------------------------
# filed → assigned → investigating → controlling → disposing → closed; suspended (中止 / 和解) and back.
# Going back from control or disposal to investigation is allowed: new leads re-open the search.
FLOW = {
    CaseStatus.FILED: {CaseStatus.ASSIGNED},
    CaseStatus.ASSIGNED: {CaseStatus.INVESTIGATING},
    CaseStatus.INVESTIGATING: {CaseStatus.CONTROLLING},
    CaseStatus.CONTROLLING: {CaseStatus.DISPOSING, CaseStatus.INVESTIGATING},
    CaseStatus.DISPOSING: {CaseStatus.CONTROLLING, CaseStatus.INVESTIGATING},
}
SUSPENDABLE = {CaseStatus.ASSIGNED, CaseStatus.INVESTIGATING, CaseStatus.CONTROLLING, CaseStatus.DISPOSING}
# Which statuses each closure may leave from. Procedural endings (销案, 驳回申请) come before any enforcement;
# 终本 needs the investigation to have run (its five conditions are checked in cases.closure).
CLOSABLE_FROM = {
    ClosureType.COMPLETED: SUSPENDABLE | {CaseStatus.SUSPENDED},
    ClosureType.TERMINATED_THIS_ROUND: {CaseStatus.INVESTIGATING, CaseStatus.CONTROLLING, CaseStatus.DISPOSING},
    ClosureType.TERMINATED: SUSPENDABLE | {CaseStatus.FILED, CaseStatus.SUSPENDED},
    ClosureType.WITHDRAWN: {CaseStatus.FILED, CaseStatus.ASSIGNED},
    ClosureType.NOT_ENFORCED: {CaseStatus.FILED, CaseStatus.ASSIGNED, CaseStatus.INVESTIGATING},
    ClosureType.REJECTED: {CaseStatus.FILED, CaseStatus.ASSIGNED},
}


def allowed_transitions(case: Case) -> dict:
    """What may happen to the case now: {"transition": [statuses], "suspend": bool, "resume": bool, "close": [types]}."""
    status = case.status
    return {
        "transition": sorted(FLOW.get(status, set()) - {CaseStatus.ASSIGNED}),
        "assign": status in {CaseStatus.FILED} | SUSPENDABLE,
        "suspend": status in SUSPENDABLE,
        "resume": status == CaseStatus.SUSPENDED,
        "close": [t for t in ClosureType.values if status in CLOSABLE_FROM[t]],
        "resume_terminated": status == CaseStatus.CLOSED
        and case.closure_type == ClosureType.TERMINATED_THIS_ROUND
        and not case.resumed_cases.exists(),
    }


@transaction.atomic
def transition(
    case: Case, to_status: str, *, actor: Actor | None = None, request: HttpRequest | None = None, note: str = ""
) -> Case:
    """Move an open case along FLOW (investigating → controlling → disposing, or back to investigating).

    Raises InvalidTransition (409) when the case's state does not allow it or changed meanwhile. Returns the
    case as saved."""
    case = _fresh(case)
    require(actor, "case.transition", case)
    if to_status not in FLOW.get(case.status, set()) or to_status == CaseStatus.ASSIGNED:
        raise _refuse(
            case,
            _("变更为「%(s)s」") % {"s": CaseStatus(to_status).label if to_status in CaseStatus.values else to_status},
        )
    old = case.status
    _swap(case, old, status=to_status)
    _record(
        case,
        "status",
        _("%(old)s → %(new)s") % {"old": CaseStatus(old).label, "new": CaseStatus(to_status).label},
        actor,
        "case.transition",
        request=request,
        details={"from": old, "to": to_status, "note": note},
    )
    return case


def _check_can_handle(officer, case):
    if officer is None or not officer.court.contains(case.court):
        raise RuleViolation(
            _("承办人必须是本院或上级法院的干警 (judge must belong to the case's court)"), code="judge_out_of_scope"
        )
    if not officer.has_role(Role.JUDGE, Role.OFFICER):
        raise RuleViolation(_("承办人必须具有执行法官或执行员角色 (judge role required)"), code="not_a_judge")


@transaction.atomic
def assign(
    case: Case,
    judge: Officer,
    *,
    actor: Actor | None = None,
    request: HttpRequest | None = None,
    responsible_officer: Officer | None = None,
    leading_official: Officer | None = None,
) -> Case:
    """分案 (within 7 days of filing): a filed case becomes assigned; an open case may be re-assigned.

    Raises RuleViolation (400) when `judge` is not a judge / officer of the case's court or a court above it,
    InvalidTransition (409) for a closed case. A late assignment is recorded as such (details.late)."""
    case = _fresh(case)
    require(actor, "case.assign", case)
    _check_can_handle(judge, case)
    if case.status == CaseStatus.CLOSED:
        raise _refuse(case, _("分案"))
    changes = {"assigned_judge": judge, "responsible_officer": responsible_officer or case.responsible_officer or judge}
    if leading_official is not None:
        changes["leading_official"] = leading_official
    old = case.status
    if old == CaseStatus.FILED:
        changes["status"] = CaseStatus.ASSIGNED
    _swap(case, old, **changes)
    late = timezone.localdate() > case.assignment_due
    _record(
        case,
        "assignment",
        _("分案给 %(judge)s") % {"judge": judge.name},
        actor,
        "case.assign",
        request=request,
        details={"judge": judge.pk, "from": old, "late": late},
    )
    return case


@transaction.atomic
def record_notice_sent(
    case: Case, sent_on: _dt.date, *, actor: Actor | None = None, request: HttpRequest | None = None
) -> Case:
    """执行通知书 served (within 3 days of assignment): the first 终本 condition reads it."""
    case = _fresh(case)
    require(actor, "case.notice", case)
    if case.status == CaseStatus.CLOSED:
        raise _refuse(case, _("登记执行通知"))
    if sent_on < case.filed_on or sent_on > timezone.localdate():
        raise RuleViolation(_("送达日期应在立案日期与今天之间 (date out of range)"), code="date_out_of_range")
    _swap(case, case.status, notice_sent_on=sent_on)
    _record(
        case,
        "notice",
        _("执行通知书已送达（%(d)s）") % {"d": sent_on},
        actor,
        "case.notice",
        request=request,
        details={"sent_on": sent_on.isoformat()},
    )
    return case


@transaction.atomic
def record_debtor_facts(
    case: Case,
    *,
    dishonest_eligible: bool | None = None,
    whereabouts_unknown: bool | None = None,
    searched_on: _dt.date | None = None,
    obstructed: bool | None = None,
    actor: Actor | None = None,
    request: HttpRequest | None = None,
) -> Case:
    """Facts about the respondent that decide 失信 eligibility and 终本 condition 5."""
    case = _fresh(case)
    require(actor, "case.debtor_facts", case)
    if case.status == CaseStatus.CLOSED:
        raise _refuse(case, _("登记被执行人情况"))
    changes = {}
    for field, value in (
        ("dishonest_eligible", dishonest_eligible),
        ("debtor_whereabouts_unknown", whereabouts_unknown),
        ("debtor_searched_on", searched_on),
        ("debtor_obstructed", obstructed),
    ):
        if value is not None:
            changes[field] = value
    _swap(case, case.status, **changes)
    details = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in changes.items()}
    _record(case, "facts", _("登记被执行人情况"), actor, "case.facts", request=request, details=details)
    return case


@transaction.atomic
def suspend(
    case: Case,
    kind: str,
    reason: str,
    *,
    actor: Actor | None = None,
    request: HttpRequest | None = None,
    on: _dt.date | None = None,
) -> Case:
    """中止执行 / 执行和解: the case stands still and its days stop counting against the statutory limit.

    `kind` a SuspensionKind; `on` the local date it starts (default today). Raises RuleViolation for an unknown
    kind, InvalidTransition (409) unless the case is assigned, investigating, controlling or disposing."""
    case = _fresh(case)
    require(actor, "case.suspend", case)
    if kind not in SuspensionKind.values:
        raise RuleViolation(_("中止类型无效 (invalid suspension kind)"), code="invalid_kind")
    if case.status not in SUSPENDABLE:
        raise _refuse(case, _("中止/和解"))
    on = on or timezone.localdate()
    old = case.status
    _swap(case, old, status=CaseStatus.SUSPENDED, suspended_since=on, status_before_suspension=old)
    CaseSuspension.objects.create(case=case, kind=kind, reason=reason, started_on=on)
    resolve_alerts(f"case:{case.pk}:deadline")
    _record(
        case,
        "status",
        _("%(kind)s：%(reason)s") % {"kind": SuspensionKind(kind).label, "reason": reason},
        actor,
        "case.suspend",
        request=request,
        details={"from": old, "kind": kind, "reason": reason},
    )
    return case


@transaction.atomic
def resume(
    case: Case,
    *,
    actor: Actor | None = None,
    request: HttpRequest | None = None,
    on: _dt.date | None = None,
    note: str = "",
) -> Case:
    """Lift a suspension: the case returns to where it stood and the statutory deadline moves by the days lost
    (whole days from the suspension's start to `on`). Raises InvalidTransition (409) unless suspended."""
    case = _fresh(case)
    require(actor, "case.resume", case)
    if case.status != CaseStatus.SUSPENDED:
        raise _refuse(case, _("恢复执行"))
    on = on or timezone.localdate()
    days = max((on - case.suspended_since).days, 0) if case.suspended_since else 0
    back_to = case.status_before_suspension or CaseStatus.ASSIGNED
    suspended_days = case.suspended_days + days
    _swap(
        case,
        CaseStatus.SUSPENDED,
        status=back_to,
        suspended_since=None,
        status_before_suspension="",
        suspended_days=suspended_days,
        statutory_deadline=deadlines.statutory_deadline(case.filed_on, suspended_days, case.extension_days),
    )
    CaseSuspension.objects.filter(case=case, ended_on__isnull=True).update(ended_on=on)
    _record(
        case,
        "status",
        _("恢复执行，中止 %(days)s 天不计入审限") % {"days": days},
        actor,
        "case.resume",
        request=request,
        details={"to": back_to, "suspended_days": days, "note": note},
    )
    return case
