"""Collective operations (集中执行行动): plan, assign teams, launch, record results, tally, end."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import ReceiptSource
from cases.models import Case
from cases.services import add_event, record_receipt
from execcenter.choices import Role
from execcenter.exceptions import InvalidTransition, RuleViolation
from execcenter.models import Court
from execcenter.money import MoneySum, require_amount
from execcenter.policy import require
from execcenter.scope import user_of
from execcenter.services import audit

from ..choices import FieldMeasure, OperationStatus
from ..models import FieldTeam, Operation, OperationResult
from .common import acting_officer, court_in_scope, require_visible

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.db.models import QuerySet
    from django.http import HttpRequest

    from execcenter.models import Officer

    from .common import Actor

COMMANDERS = (Role.DIRECTOR, Role.ADMIN)


def _participating_ids(operation):
    """Ids of the participating courts and every court below them (a team of 银川中院 works its basic courts' cases)."""
    ids = set()
    for court in operation.courts.all():
        ids.update(court.subtree_ids())
    return ids


@transaction.atomic
def create_operation(
    actor: Actor,
    *,
    name: str,
    court: Court,
    courts: Iterable[Court],
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    target_cases: Iterable[Case] = (),
    description: str = "",
    request: HttpRequest | None = None,
) -> Operation:
    """The director plans an operation for courts within their own scope."""
    require(actor, "operation.command")
    if not court_in_scope(actor, court):
        raise RuleViolation(
            _("只能以本院或下级法院名义组织行动 (organising court outside your scope)"), code="court_out_of_scope"
        )
    courts = list(courts)
    if not courts:
        raise RuleViolation(_("至少选择一个参战法院 (at least one participating court)"), code="no_courts")
    if any(not court.contains(c) for c in courts):
        raise RuleViolation(
            _("参战法院必须是组织法院或其下级法院 (participating courts must be within the organising court)"),
            code="court_out_of_scope",
        )
    if ends_at <= starts_at:
        raise RuleViolation(_("结束时间必须晚于开始时间 (end must be after start)"), code="bad_period")
    operation = Operation.objects.create(
        name=name,
        court=court,
        starts_at=starts_at,
        ends_at=ends_at,
        description=description,
        created_by=user_of(actor),
    )
    operation.courts.set(courts)
    _set_targets(operation, target_cases)
    audit(actor, "operation.create", operation, request=request, details={"courts": [c.code for c in courts]})
    return operation


def set_target_cases(
    actor: Actor, operation: Operation, cases: Iterable[Case], request: HttpRequest | None = None
) -> None:
    """Name the cases the operation goes after; only cases of the participating courts."""
    require_visible(actor, operation)
    require(actor, "operation.command", operation)
    if operation.status == OperationStatus.ENDED:
        raise InvalidTransition(_("行动已结束 (operation has ended)"))
    _set_targets(operation, cases)
    audit(actor, "operation.targets", operation, request=request, details={"cases": len(operation.target_cases.all())})


def _set_targets(operation, cases):
    cases = list(cases)
    allowed = _participating_ids(operation)
    outside = [c.number for c in cases if c.court_id not in allowed]
    if outside:
        raise RuleViolation(
            _("目标案件不属于参战法院：%(n)s (target case outside the participating courts)")
            % {"n": "、".join(outside[:5])},
            code="case_out_of_scope",
        )
    operation.target_cases.set(cases)


@transaction.atomic
def add_team(
    actor: Actor,
    operation: Operation,
    *,
    name: str,
    court: Court,
    leader: Officer,
    members: Iterable[Officer] = (),
    vehicle: str = "",
    body_camera_url: str = "",
    request: HttpRequest | None = None,
) -> FieldTeam:
    require_visible(actor, operation)
    require(actor, "operation.command", operation)
    if operation.status == OperationStatus.ENDED:
        raise InvalidTransition(_("行动已结束，不能再编组 (operation has ended)"))
    allowed = _participating_ids(operation)
    people = [leader, *members]
    if court.pk not in allowed or any(o.court_id not in allowed for o in people):
        raise RuleViolation(
            _("小组及其成员必须来自参战法院 (team members must belong to participating courts)"),
            code="team_out_of_scope",
        )
    team = FieldTeam.objects.create(
        operation=operation, court=court, name=name, leader=leader, vehicle=vehicle, body_camera_url=body_camera_url
    )
    team.members.set({o.pk for o in people})
    audit(actor, "operation.team", team, request=request, details={"members": sorted(o.pk for o in people)})
    return team


def launch_operation(actor: Actor, operation: Operation, request: HttpRequest | None = None) -> Operation:
    require_visible(actor, operation)
    require(actor, "operation.command", operation)
    if not operation.teams.exists():
        raise RuleViolation(_("启动前至少编组一个执行小组 (assign at least one team before launch)"), code="no_teams")
    # Compare-and-swap: two directors pressing "launch" launch it once.
    changed = Operation.objects.filter(pk=operation.pk, status=OperationStatus.PLANNED).update(
        status=OperationStatus.RUNNING, launched_at=timezone.now()
    )
    if not changed:
        raise InvalidTransition(_("只有筹备中的行动可以启动 (only a planned operation can be launched)"))
    operation.refresh_from_db()
    audit(actor, "operation.launch", operation, request=request)
    return operation


@transaction.atomic
def record_result(
    actor: Actor,
    operation: Operation,
    team: FieldTeam,
    case: Case,
    *,
    case_closed: bool = False,
    amount_recovered: Decimal | str = Decimal("0"),
    measures: Iterable[str] = (),
    people_detained: int = 0,
    note: str = "",
    book_receipt: bool = False,
    request: HttpRequest | None = None,
) -> OperationResult:
    """A team records what it achieved on a case. Only members of that team (or a commander) may record;
    with `book_receipt` the money is booked into the case account (一案一账户) once."""
    require_visible(actor, operation)
    if operation.status != OperationStatus.RUNNING:
        raise InvalidTransition(_("行动未在进行中，不能录入战果 (operation is not running)"))
    if team.operation_id != operation.pk:
        raise RuleViolation(_("小组不属于该行动 (team is not part of this operation)"), code="team_mismatch")
    officer = acting_officer(actor)
    from execcenter.scope import has_role

    if not has_role(actor, *COMMANDERS) and not team.includes(officer):
        raise RuleViolation(
            _("只有本组成员可以录入战果 (only members of the team may record results)"), code="not_team_member"
        )
    if case.court_id not in _participating_ids(operation):
        raise RuleViolation(_("案件不属于参战法院 (case outside the participating courts)"), code="case_out_of_scope")
    amount = require_amount(amount_recovered or 0, allow_zero=True)
    unknown = [m for m in measures if m not in FieldMeasure.values]
    if unknown:
        raise RuleViolation(_("未知的措施：%(m)s (unknown measure)") % {"m": "、".join(unknown)}, code="bad_measure")
    if people_detained and FieldMeasure.DETAIN not in measures:
        measures = [*measures, FieldMeasure.DETAIN.value]
    result = OperationResult.objects.create(
        operation=operation,
        team=team,
        case=case,
        case_closed=case_closed,
        amount_recovered=amount,
        measures=sorted(set(measures)),
        people_detained=people_detained,
        note=note,
        recorded_by=user_of(actor),
    )
    if book_receipt and amount > 0:
        record_receipt(
            case,
            amount,
            ReceiptSource.OTHER,
            reference=f"operation-result:{result.pk}",
            actor=actor,
            checked_as="operation.record",
            note=_("集中执行行动：%(name)s") % {"name": operation.name},
            request=request,
        )
    add_event(
        case,
        "operation",
        _("集中执行行动“%(op)s”%(team)s录入战果") % {"op": operation.name, "team": team.name},
        actor,
        {"operation": operation.pk, "result": result.pk, "amount": str(amount), "closed": case_closed},
    )
    audit(actor, "operation.result", result, court=case.court, request=request, details={"amount": str(amount)})
    return result


def operation_tally(operation: Operation) -> dict:
    """Live tally of an operation, per court of the case and in total (big-screen module 36).

    Cases closed and people counted once per case even if several results name it; money is summed
    over all results. Targets: the operation's target cases per court and how many of them have a result.
    """
    results = OperationResult.objects.filter(operation=operation)
    per_court = {
        row["case__court"]: row
        for row in results.values("case__court").annotate(
            results=Count("id"),
            cases_worked=Count("case", distinct=True),
            cases_closed=Count("case", filter=Q(case_closed=True), distinct=True),
            amount=MoneySum("amount_recovered"),
            detained=Sum("people_detained"),
        )
    }
    targets = dict(operation.target_cases.values("court").annotate(n=Count("id")).values_list("court", "n"))
    worked_ids = set(results.values_list("case_id", flat=True))
    targets_done = dict(
        operation.target_cases.filter(pk__in=worked_ids)
        .values("court")
        .annotate(n=Count("id"))
        .values_list("court", "n")
    )
    courts = Court.objects.in_bulk(set(per_court) | set(targets))
    rows = []
    for court_id, court in sorted(courts.items(), key=lambda kv: kv[1].code):
        row = per_court.get(court_id, {})
        rows.append(
            {
                "court_code": court.code,
                "court": court.short_name,
                "results": row.get("results", 0),
                "cases_worked": row.get("cases_worked", 0),
                "cases_closed": row.get("cases_closed", 0),
                "amount": row.get("amount") or Decimal("0.00"),
                "detained": row.get("detained") or 0,
                "targets": targets.get(court_id, 0),
                "targets_done": targets_done.get(court_id, 0),
            }
        )
    measures = {}
    for entry in results.values_list("measures", flat=True):
        for m in entry:
            measures[m] = measures.get(m, 0) + 1
    total = {
        key: sum((r[key] for r in rows), Decimal("0.00") if key == "amount" else 0)
        for key in ("results", "cases_worked", "cases_closed", "amount", "detained", "targets", "targets_done")
    }
    # A case counted under its own court is never in two courts, so the per-court distinct counts add up.
    total["teams"] = operation.teams.count()
    total["measures"] = {FieldMeasure(m).label: n for m, n in sorted(measures.items())}
    return {
        "operation": operation.pk,
        "name": operation.name,
        "status": operation.status,
        "by_court": rows,
        "total": total,
    }


def _jsonable(tally):
    out = {**tally, "by_court": [{**r, "amount": str(r["amount"])} for r in tally["by_court"]]}
    out["total"] = {**tally["total"], "amount": str(tally["total"]["amount"])}
    out["total"]["measures"] = {str(k): v for k, v in tally["total"]["measures"].items()}
    return out


def end_operation(actor: Actor, operation: Operation, request: HttpRequest | None = None) -> Operation:
    """End a running operation; its tally is frozen as the summary report."""
    require_visible(actor, operation)
    require(actor, "operation.command", operation)
    with transaction.atomic():
        changed = Operation.objects.filter(pk=operation.pk, status=OperationStatus.RUNNING).update(
            status=OperationStatus.ENDED, ended_at=timezone.now()
        )
        if not changed:
            raise InvalidTransition(_("只有进行中的行动可以结束 (only a running operation can be ended)"))
        operation.refresh_from_db()
        operation.summary = _jsonable(operation_tally(operation))
        operation.save(update_fields=["summary"])
        audit(actor, "operation.end", operation, request=request, details={"total": operation.summary["total"]})
    return operation


def visible_cases_for_operation(operation: Operation) -> QuerySet[Case]:
    return Case.objects.filter(court__in=_participating_ids(operation))
