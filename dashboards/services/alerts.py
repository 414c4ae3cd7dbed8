"""Alert handling by the duty officers: acknowledge with an action note, note, resolve, escalate.

Alerts are raised by every app through execcenter.services.raise_alert; here they are worked.
Every step is an AlertAction row (append-only history) plus an audit entry.
"""
import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from execcenter.choices import AlertSeverity, AlertStatus, Role
from execcenter.exceptions import InvalidTransition, PermissionDenied, RuleViolation
from execcenter.models import Alert
from execcenter.scope import has_role
from execcenter.services import actor_label, audit

from ..choices import AlertActionKind
from ..models import AlertAction, CommandCentre

HANDLER_ROLES = (Role.DUTY, Role.DIRECTOR)


def _require_handler(actor):
    if not has_role(actor, *HANDLER_ROLES):
        raise PermissionDenied(_("只有值班员或指挥中心主任可以处置预警 (duty officers and directors only)"))


def _note_required(note):
    note = (note or "").strip()
    if not note:
        raise RuleViolation(_("请填写处置说明 (an action note is required)"), code="note_required")
    return note


def _record(alert, kind, actor, note="", escalated_to=None):
    return AlertAction.objects.create(alert=alert, kind=kind, actor=actor if getattr(actor, "is_authenticated", False) else None,
                                      actor_label=actor_label(actor)[:64], note=note, escalated_to=escalated_to)


@transaction.atomic
def acknowledge(alert, actor, note, request=None, now=None):
    """确认: the officer takes the alert and says what was done. An alert is acknowledged once."""
    _require_handler(actor)
    note = _note_required(note)
    now = now or timezone.now()
    # Compare-and-swap on the status: two officers clicking at once acknowledge it once.
    if not Alert.objects.filter(pk=alert.pk, status=AlertStatus.OPEN).update(
        status=AlertStatus.ACKNOWLEDGED, acknowledged_by=actor, acknowledged_at=now, action_note=note
    ):
        raise InvalidTransition(_("该预警已被确认或已解除 (already acknowledged or resolved)"))
    _record(alert, AlertActionKind.ACKNOWLEDGE, actor, note)
    audit(actor, "alert.acknowledge", alert, request=request, details={"note": note})
    alert.refresh_from_db()
    return alert


@transaction.atomic
def add_note(alert, actor, note, request=None):
    _require_handler(actor)
    note = _note_required(note)
    _record(alert, AlertActionKind.NOTE, actor, note)
    audit(actor, "alert.note", alert, request=request, details={"note": note})
    return alert


@transaction.atomic
def resolve(alert, actor, note, request=None, now=None):
    _require_handler(actor)
    note = _note_required(note)
    if not Alert.objects.filter(pk=alert.pk).exclude(status=AlertStatus.RESOLVED).update(
        status=AlertStatus.RESOLVED, resolved_at=now or timezone.now()
    ):
        raise InvalidTransition(_("该预警已解除 (already resolved)"))
    _record(alert, AlertActionKind.RESOLVE, actor, note)
    audit(actor, "alert.resolve", alert, request=request, details={"note": note})
    alert.refresh_from_db()
    return alert


def responsible_centre(court, centres):
    """The command centre that answers for an alert of `court`: its own, else the nearest above."""
    node = court
    while node is not None:
        centre = centres.get(node.pk)
        if centre is not None and centre.director_id:
            return centre
        node = node.parent
    return None


def default_escalation_minutes():
    # Used for courts with no command centre on their path (configurable per centre otherwise).
    return getattr(settings, "DASHBOARDS_ESCALATE_AFTER_MINUTES", 15)


def escalate_overdue(now=None):
    """Escalate every critical alert still unacknowledged after its centre's time to that centre's
    director (once: escalated_at is set by compare-and-swap). Returns the escalated alerts."""
    now = now or timezone.now()
    centres = {c.court_id: c for c in CommandCentre.objects.select_related("director", "court")}
    shortest = min([c.escalate_after_minutes for c in centres.values()] + [default_escalation_minutes()])
    candidates = Alert.objects.filter(
        status=AlertStatus.OPEN, severity=AlertSeverity.CRITICAL, escalated_at__isnull=True,
        raised_at__lte=now - dt.timedelta(minutes=shortest),
    ).select_related("court__parent__parent")
    escalated = []
    for alert in candidates:
        centre = responsible_centre(alert.court, centres)
        minutes = centre.escalate_after_minutes if centre else default_escalation_minutes()
        if alert.raised_at > now - dt.timedelta(minutes=minutes):
            continue
        with transaction.atomic():
            if not Alert.objects.filter(pk=alert.pk, escalated_at__isnull=True, status=AlertStatus.OPEN).update(escalated_at=now):
                continue
            director = centre.director if centre else None
            note = (_("超过 %(m)d 分钟未确认，已升级至%(who)s") %
                    {"m": minutes, "who": director.name if director else _("上级指挥中心")})
            _record(alert, AlertActionKind.ESCALATE, None, note, escalated_to=director)
            audit(None, "alert.escalate", alert, details={"director": director.pk if director else None, "minutes": minutes})
        escalated.append(alert)
    return escalated


def escalated_to_me(actor):
    """Alerts escalated to this director that are still open (shown first on their alert page)."""
    officer = getattr(actor, "officer", None)
    if officer is None:
        return Alert.objects.none()
    return Alert.objects.filter(status=AlertStatus.OPEN, actions__kind=AlertActionKind.ESCALATE,
                                actions__escalated_to=officer).distinct()
