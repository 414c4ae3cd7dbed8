"""What every case operation shares: the timeline event + audit entry pair, the compare-and-swap on the
status, and the refusal a wrong state gets."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from execcenter.exceptions import InvalidTransition
from execcenter.scope import user_of
from execcenter.services import actor_label, audit

from ..choices import CaseStatus
from ..models import Case, CaseEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from execcenter.models import PartnerClient

    # Who acts: a logged-in user or a partner's API key; None (in the signatures) is the system (tasks, beat).
    Actor = User | PartnerClient

CENT = Decimal("0.01")


def add_event(
    case: Case, kind: str, summary: str, actor: Actor | None = None, details: dict | None = None
) -> CaseEvent:
    """Append one event to the case's timeline (`kind`: status, assignment, money, order, …; `summary` ≤ 200
    characters, cut; `details` JSON-ready). Returns the CaseEvent. No audit entry: `_record` writes both."""
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=user_of(actor),
        actor_label=actor_label(actor)[:64],
        summary=summary[:200],
        details=details or {},
    )


def _record(case, kind, summary, actor, action, *, request=None, details=None, obj=None):
    """One timeline event and one audit entry: every change of a case leaves both."""
    add_event(case, kind, summary, actor, details)
    audit(actor, action, obj if obj is not None else case, court=case.court, request=request, details=details)


def _refuse(case, target_label):
    return InvalidTransition(
        _("案件当前状态为「%(current)s」，不能%(target)s (not allowed from this state)")
        % {"current": CaseStatus(case.status).label, "target": target_label},
        code="invalid_transition",
        details={"status": case.status},
    )


def _swap(case, expected, **changes):
    """Compare-and-swap on the status: act only if the case is still in `expected`."""
    changes["updated_at"] = timezone.now()
    if Case.objects.filter(pk=case.pk, status=expected).update(**changes) != 1:
        raise InvalidTransition(
            _("案件状态已被他人修改，请刷新后重试 (the case changed meanwhile)"), code="stale_state"
        )
    for field, value in changes.items():
        setattr(case, field, value)


def _fresh(case):
    return Case.objects.select_related("court").get(pk=case.pk)
