"""Enforcement petitions (执行信访): receive → reply → close (办结).

A closed petition counts in 执行信访办结率 (one of the "3+1" core indicators, module 35) from its `closed_on`, so
closing is dated by the server (today), needs a written reply, and is the bureau leaders' sign-off. The API reads
petitions only; these functions are the one place where their rules live, for the browser and any later API action.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.services import add_event
from execcenter.choices import Role
from execcenter.exceptions import InvalidTransition, RuleViolation
from execcenter.policy import require
from execcenter.services import audit

from ..choices import PetitionStatus
from ..models import Petition
from .common import acting_officer, court_in_scope, require_visible

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest

    from cases.models import Case
    from execcenter.models import Court

    from .common import Actor

# Every operational role registers a petition and drafts its reply; the auditor only reads.
PETITION_HANDLERS = (Role.JUDGE, Role.OFFICER, Role.APPROVER, Role.DUTY, Role.DIRECTOR, Role.ADMIN)
# Closing moves a core indicator: the bureau chief (执行局长) or the command-centre director signs it off.
PETITION_CLOSERS = (Role.APPROVER, Role.DIRECTOR, Role.ADMIN)
REPLY_MAX_CHARS = 5000


def _clean_reply(reply):
    reply = (reply or "").strip()
    if not reply:
        raise RuleViolation(_("请填写答复意见 (reply required)"), code="reply_required")
    if len(reply) > REPLY_MAX_CHARS:
        raise RuleViolation(
            _("答复意见不得超过%(n)s字 (reply too long)") % {"n": REPLY_MAX_CHARS}, code="reply_too_long"
        )
    return reply


@transaction.atomic
def receive_petition(
    actor: Actor,
    *,
    petitioner: str,
    subject: str,
    received_on: dt.date,
    case: Case | None = None,
    court: Court | None = None,
    request: HttpRequest | None = None,
) -> Petition:
    """Register a petition received on `received_on` (not in the future); due 60 days later (Petition.save).

    Its court is the case's; without a case, the chosen court, else the receiving officer's own court."""
    require(actor, "petition.receive")
    if case is not None:
        require_visible(actor, case)
        if court is not None and court.pk != case.court_id:
            raise RuleViolation(
                _("所选法院与关联案件的法院不一致 (court differs from the case's court)"), code="court_mismatch"
            )
        court = case.court
    if court is None:
        officer = acting_officer(actor)
        court = officer.court if officer else None
    if court is None or not court_in_scope(actor, court):
        raise RuleViolation(_("信访所属法院不在您的范围内 (court outside your scope)"), code="court_out_of_scope")
    petitioner, subject = petitioner.strip(), subject.strip()
    if not petitioner or not subject:
        raise RuleViolation(_("请填写信访人和信访事项 (petitioner and subject required)"), code="petition_incomplete")
    if received_on > timezone.localdate():
        raise RuleViolation(_("受理日期不能晚于今天 (received date is in the future)"), code="received_in_future")
    petition = Petition.objects.create(
        court=court, case=case, petitioner=petitioner, subject=subject, received_on=received_on
    )
    if case is not None:
        add_event(case, "petition", _("受理执行信访：%(s)s") % {"s": subject[:100]}, actor, {"petition": petition.pk})
    audit(
        actor,
        "petition.receive",
        petition,
        request=request,
        details={"received_on": str(received_on), "due_on": str(petition.due_on), "case": case.pk if case else None},
    )
    return petition


@transaction.atomic
def reply_petition(actor: Actor, petition: Petition, reply: str, request: HttpRequest | None = None) -> Petition:
    """Record (or revise) the reply of an open petition; it stays open until closed."""
    require_visible(actor, petition)
    require(actor, "petition.receive", petition)
    reply = _clean_reply(reply)
    changed = Petition.objects.filter(pk=petition.pk, status=PetitionStatus.OPEN).update(reply=reply)
    if not changed:
        raise InvalidTransition(_("该信访已办结 (petition is closed)"))
    petition.refresh_from_db()
    audit(actor, "petition.reply", petition, request=request, details={"chars": len(reply)})
    return petition


@transaction.atomic
def close_petition(
    actor: Actor, petition: Petition, reply: str | None = None, request: HttpRequest | None = None
) -> Petition:
    """Close (办结) an open petition today with its reply: the given one, else the reply already recorded."""
    require_visible(actor, petition)
    require(actor, "petition.close", petition)
    current = Petition.objects.select_for_update().filter(pk=petition.pk).values("status", "reply").first()
    if current is None or current["status"] != PetitionStatus.OPEN:
        raise InvalidTransition(_("该信访已办结 (petition is closed)"))
    reply = _clean_reply(reply if reply is not None and reply.strip() else current["reply"])
    today = timezone.localdate()
    changed = Petition.objects.filter(pk=petition.pk, status=PetitionStatus.OPEN).update(
        status=PetitionStatus.CLOSED,
        closed_on=today,
        reply=reply,
    )
    if not changed:
        raise InvalidTransition(_("该信访已办结 (petition is closed)"))
    petition.refresh_from_db()
    if petition.case_id:
        add_event(
            petition.case,
            "petition",
            _("执行信访办结：%(s)s") % {"s": petition.subject[:100]},
            actor,
            {"petition": petition.pk},
        )
    audit(
        actor,
        "petition.close",
        petition,
        request=request,
        details={"closed_on": str(today), "overdue": today > petition.due_on},
    )
    return petition


def overdue_petitions(petitions: QuerySet[Petition] | None = None, today: dt.date | None = None) -> QuerySet[Petition]:
    """Open petitions (of `petitions`, default all) past their due date (信访工作条例 Art. 32: answered within 60 days)."""
    today = today or timezone.localdate()
    petitions = Petition.objects.all() if petitions is None else petitions
    return petitions.filter(status=PetitionStatus.OPEN, due_on__lt=today)
