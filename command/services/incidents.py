"""Field incidents and dispatch (应急调度): report → dispatch help → timeline → close.

An open incident is an alert of the same severity (module 37, alert ticker); closing it resolves the alert.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.services import add_event
from execcenter.choices import Role
from execcenter.exceptions import InvalidTransition, PermissionDenied, RuleViolation
from execcenter.policy import require
from execcenter.scope import user_of
from execcenter.services import actor_label, audit, raise_alert, resolve_alerts
from execcenter.uploads import clean_image

from ..choices import ALERT_SEVERITY_FOR_INCIDENT, IncidentEventKind, IncidentStatus
from ..models import Dispatch, Incident, IncidentEvent, IncidentPhoto
from .common import acting_officer, court_in_scope, require_visible

if TYPE_CHECKING:
    from collections.abc import Sequence
    from decimal import Decimal

    from django.core.files.uploadedfile import UploadedFile
    from django.db.models import QuerySet
    from django.http import HttpRequest

    from cases.models import Case
    from execcenter.models import Court

    from ..models import FieldTeam, Operation, TeamPosition
    from .common import Actor

DISPATCHERS = (Role.DUTY, Role.DIRECTOR, Role.ADMIN)
MAX_PHOTOS = 9
MAX_PHOTO_BYTES = 10 * 1024 * 1024


def _event(incident, kind, actor, note):
    return IncidentEvent.objects.create(
        incident=incident, kind=kind, actor_label=actor_label(actor)[:64], note=note[:300]
    )


def _alert_prefix(incident):
    return f"incident:{incident.pk}:"


def _raise_incident_alert(incident):
    raise_alert(
        kind="incident",
        court=incident.court,
        # No address in the title: the ticker shows alert titles to the whole room and an incident's address can be
        # a person's home (the incident page, behind its link, has it).
        title=_("突发事件：%(kind)s（%(court)s）")
        % {"kind": incident.get_kind_display(), "court": incident.court.short_name},
        message=incident.description[:500],
        severity=ALERT_SEVERITY_FOR_INCIDENT[incident.severity],
        dedup_key=f"{_alert_prefix(incident)}{incident.severity}",
        source=incident,
        link=f"/command/incidents/{incident.pk}/",
    )


def _clean_photos(photos):
    """The uploads as re-encoded images (execcenter.uploads.clean_image), or RuleViolation before anything is saved."""
    if len(photos) > MAX_PHOTOS:
        raise RuleViolation(_("最多上传%(n)s张照片 (too many photos)") % {"n": MAX_PHOTOS}, code="too_many_photos")
    return [clean_image(f, max_bytes=MAX_PHOTO_BYTES) for f in photos]


@transaction.atomic
def report_incident(
    actor: Actor,
    *,
    kind: str,
    severity: str,
    latitude: Decimal,
    longitude: Decimal,
    address: str,
    description: str,
    case: Case | None = None,
    team: FieldTeam | None = None,
    operation: Operation | None = None,
    court: Court | None = None,
    photos: Sequence[UploadedFile] = (),
    request: HttpRequest | None = None,
) -> Incident:
    """Any officer reports an incident; its court is the case's, else the team's, else the reporter's."""
    officer = acting_officer(actor)
    if team is not None:
        operation = operation or team.operation
        if team.operation_id != operation.pk:
            raise RuleViolation(_("小组不属于该行动 (team is not part of this operation)"), code="team_mismatch")
    court = (
        court
        or (case.court if case else None)
        or (team.court if team else None)
        or (officer.court if officer else None)
    )
    if court is None or not court_in_scope(actor, court):
        raise RuleViolation(_("事件所属法院不在您的范围内 (court outside your scope)"), code="court_out_of_scope")
    if case is not None:
        require_visible(actor, case)
    photos = _clean_photos(list(photos))
    incident = Incident.objects.create(
        court=court,
        operation=operation,
        team=team,
        case=case,
        kind=kind,
        severity=severity,
        latitude=latitude,
        longitude=longitude,
        address=address,
        description=description,
        reported_by=user_of(actor),
    )
    for f in photos:
        IncidentPhoto.objects.create(incident=incident, file=f)
    _event(incident, IncidentEventKind.REPORTED, actor, _("上报：%(d)s") % {"d": description[:200]})
    if case is not None:
        add_event(
            case,
            "incident",
            _("现场突发事件：%(k)s") % {"k": incident.get_kind_display()},
            actor,
            {"incident": incident.pk},
        )
    audit(actor, "incident.report", incident, request=request, details={"severity": severity, "photos": len(photos)})
    _raise_incident_alert(incident)
    return incident


@transaction.atomic
def dispatch_help(
    actor: Actor,
    incident: Incident,
    *,
    team: FieldTeam | None = None,
    police_liaison: str = "",
    note: str = "",
    request: HttpRequest | None = None,
) -> Dispatch:
    """The duty officer sends a team and/or the police liaison to an open incident."""
    require_visible(actor, incident)
    require(actor, "incident.dispatch", incident)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status == IncidentStatus.CLOSED:
        raise InvalidTransition(_("事件已处置完毕 (incident is closed)"))
    if team is None and not police_liaison.strip():
        raise RuleViolation(_("请指定增援小组或公安联动 (name a team or the police liaison)"), code="nobody_dispatched")
    if team is not None:
        require_visible(actor, team)
    dispatch = Dispatch.objects.create(
        incident=incident,
        team=team,
        police_liaison=police_liaison.strip(),
        note=note,
        dispatched_by=user_of(actor),
    )
    who = "、".join(x for x in (team.name if team else "", police_liaison.strip()) if x)
    _event(incident, IncidentEventKind.DISPATCHED, actor, _("调度 %(who)s：%(note)s") % {"who": who, "note": note})
    Incident.objects.filter(pk=incident.pk, status=IncidentStatus.REPORTED).update(status=IncidentStatus.DISPATCHED)
    audit(
        actor,
        "incident.dispatch",
        incident,
        request=request,
        details={"team": team.pk if team else None, "police": police_liaison},
    )
    return dispatch


def add_update(actor: Actor, incident: Incident, note: str, request: HttpRequest | None = None) -> IncidentEvent:
    """A field report on the timeline (any officer who sees the incident)."""
    require_visible(actor, incident)
    if incident.status == IncidentStatus.CLOSED:
        raise InvalidTransition(_("事件已处置完毕 (incident is closed)"))
    event = _event(incident, IncidentEventKind.UPDATE, actor, note)
    audit(actor, "incident.update", incident, request=request)
    return event


@transaction.atomic
def close_incident(actor: Actor, incident: Incident, outcome: str, request: HttpRequest | None = None) -> Incident:
    require_visible(actor, incident)
    require(actor, "incident.dispatch", incident)
    if not outcome.strip():
        raise RuleViolation(_("请填写处置结果 (outcome required)"), code="outcome_required")
    changed = (
        Incident.objects.filter(pk=incident.pk)
        .exclude(status=IncidentStatus.CLOSED)
        .update(status=IncidentStatus.CLOSED, closed_at=timezone.now(), outcome=outcome)
    )
    if not changed:
        raise InvalidTransition(_("事件已处置完毕 (incident is closed)"))
    incident.refresh_from_db()
    _event(incident, IncidentEventKind.CLOSED, actor, _("处置完毕：%(o)s") % {"o": outcome[:200]})
    resolve_alerts(_alert_prefix(incident))
    audit(actor, "incident.close", incident, request=request)
    return incident


def open_incidents(court: Court) -> QuerySet[Incident]:
    """Open incidents in a court's scope with their dispatched teams (module 37)."""
    return (
        Incident.objects.in_scope(court)
        .exclude(status=IncidentStatus.CLOSED)
        .select_related("court", "team")
        .prefetch_related("dispatches__team")
        .order_by("-reported_at")
    )


# --- field dispatch on a map (现场查封 + 远程调度) -------------------------------------------------------------------


def teams_of(incident: Incident) -> QuerySet[FieldTeam]:
    """The field teams working an incident: the one that reported it and every team dispatched to it."""
    from ..models import FieldTeam

    ids = set(incident.dispatches.exclude(team__isnull=True).values_list("team_id", flat=True))
    if incident.team_id:
        ids.add(incident.team_id)
    return FieldTeam.objects.filter(pk__in=ids).select_related("leader").order_by("name")


@transaction.atomic
def report_position(
    actor: Actor,
    incident: Incident,
    team: FieldTeam,
    latitude: Decimal,
    longitude: Decimal,
    request: HttpRequest | None = None,
) -> TeamPosition:
    """A team's phone reports where it is: one TeamPosition and a timeline entry. Only a member or the leader of a
    team working the incident reports for it, while the incident is open. Coordinates are decimal degrees (WGS 84).

    Raises PermissionDenied (not on that team / team not on the incident), InvalidTransition (closed), RuleViolation
    (coordinates out of range)."""
    from ..models import TeamPosition

    require_visible(actor, incident)
    if incident.status == IncidentStatus.CLOSED:
        raise InvalidTransition(_("事件已处置完毕 (incident is closed)"))
    officer = acting_officer(actor)
    if team.pk not in set(teams_of(incident).values_list("pk", flat=True)):
        raise PermissionDenied(_("该小组未被调度到此事件 (the team is not on this incident)"))
    if officer is None or not (team.leader_id == officer.pk or team.members.filter(pk=officer.pk).exists()):
        raise PermissionDenied(_("只有本小组成员可以回传位置 (only the team's members report its position)"))
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise RuleViolation(_("坐标超出范围 (coordinates out of range)"), code="bad_coordinates")
    position = TeamPosition.objects.create(
        incident=incident, team=team, latitude=latitude, longitude=longitude, reported_by=user_of(actor)
    )
    _event(
        incident,
        IncidentEventKind.POSITION,
        actor,
        _("%(team)s 位置 %(lat)s, %(lng)s") % {"team": team.name, "lat": latitude, "lng": longitude},
    )
    audit(actor, "incident.position", incident, request=request, details={"team": team.pk})
    return position


def team_positions(incident: Incident) -> list[dict]:
    """[{"team", "leader", "video", "latitude", "longitude", "at"}]: each working team and its last reported position."""
    from ..models import TeamPosition

    last = {}
    for p in TeamPosition.objects.filter(incident=incident).order_by("reported_at", "id"):
        last[p.team_id] = p
    out = []
    for team in teams_of(incident):
        p = last.get(team.pk)
        out.append(
            {
                "team": team.name,
                "team_id": team.pk,
                "leader": team.leader.name,
                "video": team.body_camera_url,
                "latitude": float(p.latitude) if p else None,
                "longitude": float(p.longitude) if p else None,
                "at": timezone.localtime(p.reported_at).strftime("%H:%M:%S") if p else None,
            }
        )
    return out
