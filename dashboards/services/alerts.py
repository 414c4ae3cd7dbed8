"""Alert handling by the duty officers: acknowledge with an action note, note, resolve, escalate.

Alerts are raised by every app through execcenter.services.raise_alert; here they are worked.
Every step is an AlertAction row (append-only history) plus an audit entry.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from execcenter.choices import AlertSeverity, AlertStatus, Role
from execcenter.exceptions import InvalidTransition, RuleViolation
from execcenter.models import Alert
from execcenter.policy import require
from execcenter.services import actor_label, audit

from ..choices import AlertActionKind
from ..models import AlertAction, AlertEscalation, CommandCentre

if TYPE_CHECKING:
    from collections.abc import Mapping

    from django.db.models import QuerySet
    from django.http import HttpRequest

    from execcenter.models import Court
    from execcenter.services import Actor

HANDLER_ROLES = (Role.DUTY, Role.DIRECTOR)


def _require_handler(actor, alert):
    """Duty officers and directors whose scope holds the alert, or whoever its escalation chain reached
    (execcenter.policy "alert.handle", dashboards/rules.py)."""
    require(actor, "alert.handle", alert)


def _note_required(note):
    note = (note or "").strip()
    if not note:
        raise RuleViolation(_("请填写处置说明 (an action note is required)"), code="note_required")
    return note


def _record(alert, kind, actor, note="", escalated_to=None):
    return AlertAction.objects.create(
        alert=alert,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=actor_label(actor)[:64],
        note=note,
        escalated_to=escalated_to,
    )


@transaction.atomic
def acknowledge(
    alert: Alert, actor: Actor, note: str, request: HttpRequest | None = None, now: dt.datetime | None = None
) -> Alert:
    """确认: the officer takes the alert and says what was done. An alert is acknowledged once; its escalation stops."""
    _require_handler(actor, alert)
    note = _note_required(note)
    now = now or timezone.now()
    # Compare-and-swap on the status: two officers clicking at once acknowledge it once.
    if not Alert.objects.filter(pk=alert.pk, status=AlertStatus.OPEN).update(
        status=AlertStatus.ACKNOWLEDGED, acknowledged_by=actor, acknowledged_at=now, action_note=note
    ):
        raise InvalidTransition(_("该预警已被确认或已解除 (already acknowledged or resolved)"))
    AlertEscalation.objects.filter(pk=alert.pk).update(next_at=None)
    _record(alert, AlertActionKind.ACKNOWLEDGE, actor, note)
    audit(actor, "alert.acknowledge", alert, request=request, details={"note": note})
    alert.refresh_from_db()
    return alert


@transaction.atomic
def add_note(alert: Alert, actor: Actor, note: str, request: HttpRequest | None = None) -> Alert:
    _require_handler(actor, alert)
    note = _note_required(note)
    _record(alert, AlertActionKind.NOTE, actor, note)
    audit(actor, "alert.note", alert, request=request, details={"note": note})
    return alert


@transaction.atomic
def resolve(
    alert: Alert, actor: Actor, note: str, request: HttpRequest | None = None, now: dt.datetime | None = None
) -> Alert:
    _require_handler(actor, alert)
    note = _note_required(note)
    if (
        not Alert.objects.filter(pk=alert.pk)
        .exclude(status=AlertStatus.RESOLVED)
        .update(status=AlertStatus.RESOLVED, resolved_at=now or timezone.now())
    ):
        raise InvalidTransition(_("该预警已解除 (already resolved)"))
    _record(alert, AlertActionKind.RESOLVE, actor, note)
    audit(actor, "alert.resolve", alert, request=request, details={"note": note})
    alert.refresh_from_db()
    return alert


def responsible_centre(court: Court, centres: Mapping[int, CommandCentre]) -> CommandCentre | None:
    """The command centre that answers for an alert of `court`: its own, else the nearest above."""
    node = court
    while node is not None:
        centre = centres.get(node.pk)
        if centre is not None and centre.director_id:
            return centre
        node = node.parent
    return None


def default_escalation_minutes() -> int:
    return settings.DASHBOARDS_ESCALATE_AFTER_MINUTES


# The chain (DESIGN §7: escalation from post A to post B when an alert is not acknowledged; issue 15: then the
# director, then the court's leader). Level n is the n-th step; each names who is told.
CHAIN = ((1, "A"), (2, "B"), (3, "director"), (4, "leader"))
LAST_LEVEL = len(CHAIN)
STEP_LABELS = {
    "A": gettext_lazy("A岗"),
    "B": gettext_lazy("B岗"),
    "director": gettext_lazy("指挥中心主任"),
    "leader": gettext_lazy("分管院领导"),
}
# Severities that walk the chain; an info alert is shown on the wall and the desk only.
ESCALATING = (AlertSeverity.CRITICAL, AlertSeverity.WARNING)


def step_minutes(centre: CommandCentre | None, severity: str) -> int:
    """Minutes an alert of `severity` waits at one step before the next (the centre's setting per severity)."""
    if severity == AlertSeverity.CRITICAL:
        return centre.escalate_after_minutes if centre else default_escalation_minutes()
    return centre.warning_escalate_after_minutes if centre else 4 * default_escalation_minutes()


def _target(step, centre, shift):
    if step == "A":
        return shift.post_a if shift else None
    if step == "B":
        return shift.post_b if shift else None
    if centre is None:
        return None
    return centre.director if step == "director" else centre.court_leader


def _on_duty(centre, now):
    from ..models import Shift

    if centre is None:
        return None
    return (
        Shift.objects.filter(centre=centre, starts_at__lte=now, ends_at__gt=now)
        .select_related("post_a", "post_b")
        .order_by("-starts_at")
        .first()
    )


def _take_steps(alert, state, centre, now):
    """Take the next step of `alert`'s chain (and the ones after it at once while nobody holds a post). CAS on level."""
    from execcenter import notify

    minutes = step_minutes(centre, alert.severity)
    shift = _on_duty(centre, now)
    level = state.level
    taken = []
    while level < LAST_LEVEL:
        level += 1
        step = CHAIN[level - 1][1]
        officer = _target(step, centre, shift)
        taken.append((level, step, officer))
        if officer is not None:
            break
    last = level >= LAST_LEVEL
    with transaction.atomic():
        if not AlertEscalation.objects.filter(pk=alert.pk, level=state.level).update(
            level=level, stepped_at=now, next_at=None if last else now + dt.timedelta(minutes=minutes)
        ):
            return []  # another run took this step
        for n, step, officer in taken:
            who = officer.name if officer else _("无人在岗")
            note = _("第%(n)d级 %(step)s：%(who)s") % {"n": n, "step": STEP_LABELS[step], "who": who}
            if n > 1:
                note += _("（上一级 %(m)d 分钟未确认）") % {"m": minutes}
            _record(alert, AlertActionKind.ESCALATE, None, note, escalated_to=officer)
            audit(
                None,
                "alert.escalate",
                alert,
                details={"level": n, "step": step, "officer": officer.pk if officer else None, "minutes": minutes},
            )
            if officer is not None:
                notify.send(
                    officer,
                    subject=_("【%(sev)s预警】%(t)s") % {"sev": alert.get_severity_display(), "t": alert.title},
                    body=_("%(court)s：%(t)s。%(note)s。请及时确认处置。")
                    % {"court": alert.court.short_name, "t": alert.title, "note": note},
                    severity=alert.severity,
                    link=f"/alerts/{alert.pk}/",
                    dedup_key=f"alert:{alert.pk}:step:{n}",
                    now=now,
                )
        if level >= 2:
            # Past post A the alert counts as escalated (the wall's ticker marks it).
            Alert.objects.filter(pk=alert.pk, escalated_at__isnull=True).update(escalated_at=now)
    return taken


def escalate_overdue(now: dt.datetime | None = None) -> list[tuple[Alert, list[tuple]]]:
    """Walk every open, unacknowledged alert along its chain: post A at once, then post B, the director and the
    court's leader, each after the centre's time for the alert's severity. Acknowledging (or resolving) stops it.
    Returns [(alert, [(level, step, officer or None)])] of the steps taken now."""
    now = now or timezone.now()
    centres = {c.court_id: c for c in CommandCentre.objects.select_related("director", "court_leader", "court")}
    # New alerts enter the chain at level 0, due at once.
    fresh = Alert.objects.filter(
        status=AlertStatus.OPEN, severity__in=ESCALATING, escalation__isnull=True, raised_at__lte=now
    )
    AlertEscalation.objects.bulk_create(
        [AlertEscalation(alert_id=pk, next_at=now) for pk in fresh.values_list("pk", flat=True)], ignore_conflicts=True
    )
    due = (
        AlertEscalation.objects.filter(next_at__lte=now, alert__status=AlertStatus.OPEN)
        .select_related("alert__court__parent__parent")
        .order_by("next_at")
    )
    out = []
    for state in due:
        alert = state.alert
        taken = _take_steps(alert, state, responsible_centre(alert.court, centres), now)
        if taken:
            out.append((alert, taken))
    return out


def escalated_to_me(actor: Actor) -> QuerySet[Alert]:
    """Alerts escalated to this director that are still open (shown first on their alert page)."""
    officer = getattr(actor, "officer", None)
    if officer is None:
        return Alert.objects.none()
    return Alert.objects.filter(
        status=AlertStatus.OPEN, actions__kind=AlertActionKind.ESCALATE, actions__escalated_to=officer
    ).distinct()
