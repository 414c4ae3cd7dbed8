"""The statutory time limit (审限): extensions approved by a court leader, and the deadline state."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from execcenter.exceptions import PermissionDenied, RuleViolation
from execcenter.policy import require
from execcenter.scope import officer_of
from execcenter.services import resolve_alerts

from .. import deadlines
from ..choices import CaseStatus
from ..models import DeadlineExtension
from .common import _fresh, _record, _refuse, _swap

if TYPE_CHECKING:
    import datetime as _dt

    from django.http import HttpRequest

    from ..models import ApprovalRequest, Case
    from .common import Actor


@transaction.atomic
def extend_deadline(
    case: Case,
    days: int,
    reason: str,
    *,
    approval: ApprovalRequest | None = None,
    approval_document_no: str = "",
    actor: Actor | None = None,
    request: HttpRequest | None = None,
) -> Case:
    """审限延长 by `days` (> 0) calendar days, carried out when the 院长 approves the request (`approval`,
    cases.approvals; 《最高人民法院关于人民法院办理执行案件若干期限的规定》, 民诉法解释 Art. 482); without one only
    the system may call this (policy "case.extend"). Never approved by the requester.

    Raises RuleViolation for days ≤ 0, InvalidTransition (409) for a closed case. Returns the case with its new
    statutory deadline."""
    case = _fresh(case)
    if approval is None:
        require(actor, "case.extend", case)
    if case.status == CaseStatus.CLOSED:
        raise _refuse(case, _("延长审限"))
    if days <= 0:
        raise RuleViolation(_("延长天数必须大于零 (days must be positive)"), code="days_not_positive")
    approved_by = approval.decided_by if approval is not None else officer_of(actor)
    if approved_by is None:
        raise PermissionDenied(_("延长审限须经院长批准 (the president must approve)"))
    requester = approval.requested_by if approval is not None else None
    approval_document_no = approval_document_no or (f"审批{approval.pk}" if approval is not None else "")
    extension_days = case.extension_days + days
    _swap(
        case,
        case.status,
        extension_days=extension_days,
        statutory_deadline=deadlines.statutory_deadline(case.filed_on, case.suspended_days, extension_days),
    )
    ext = DeadlineExtension.objects.create(
        case=case,
        days=days,
        reason=reason,
        approved_by=approved_by,
        approval_document_no=approval_document_no,
        requested_by=requester.user if requester is not None else None,
        approved_on=timezone.localdate(),
    )
    resolve_alerts(f"case:{case.pk}:deadline")
    _record(
        case,
        "deadline",
        _("审限延长 %(days)s 天（%(doc)s，%(who)s 批准）")
        % {"days": days, "doc": approval_document_no, "who": approved_by.name},
        actor,
        "case.extend",
        request=request,
        obj=ext,
        details={"days": days, "approved_by": approved_by.pk},
    )
    return case


def deadline_state(case: Case, today: _dt.date | None = None) -> str | None:
    """ok / near (≤ 30 days left) / overdue for a running case; None when closed or suspended (clock stopped)."""
    from ..choices import DeadlineState

    if case.status in (CaseStatus.CLOSED, CaseStatus.SUSPENDED):
        return None
    today = today or timezone.localdate()
    if case.statutory_deadline < today:
        return DeadlineState.OVERDUE
    if case.statutory_deadline <= today + dt.timedelta(days=deadlines.NEAR_DAYS):
        return DeadlineState.NEAR
    return DeadlineState.OK
