"""指挥调度 modules 36 and 37 over the command app's rows: the running collective operation and field incidents.

36 reads the operation's tally from `command.services.operations.operation_tally`, the same figures the
operation page and the final summary report show, so the wall never disagrees with them.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from command.choices import IncidentKind, IncidentSeverity, IncidentStatus, OperationStatus
from command.models import Dispatch, Incident, Operation, TeamPosition
from command.services.operations import operation_tally
from execcenter.rounding import round_half_up

from ..choices import ChartKind, ModuleGroup
from ..registry import add_to, kpi, money, register

TABLE_ROWS = 10


def _scopes(ctx):
    return [ctx.scope] if ctx.scope is not None else list(ctx.courts.values())


def _local(ts):
    return timezone.localtime(ts).strftime("%m-%d %H:%M") if ts else ""


def _touches(operation, scope):
    """An operation is on a scope's screen when it is organised inside the scope or a participating court's
    subtree overlaps it (a team of 银川中院 works its basic courts' cases, so 西夏区's screen shows it)."""
    if scope.contains(operation.court):
        return True
    return any(scope.contains(c) or c.contains(scope) for c in operation.courts.all())


@register(
    36,
    _("集中执行行动战果"),
    ModuleGroup.COMMAND,
    ChartKind.TABLE,
    additive=False,
    sources=("command.Operation", "command.OperationResult"),
)
class OperationTally:
    """The running operation launched last that touches the scope: its tally restricted to the scope's courts."""

    @staticmethod
    def gather(ctx):
        running = list(
            Operation.objects.filter(status=OperationStatus.RUNNING)
            .select_related("court")
            .prefetch_related("courts")
            .order_by("-launched_at", "-id")
        )
        out = {}
        for scope in _scopes(ctx):
            visible = [op for op in running if _touches(op, scope)]
            if not visible:
                continue
            op = visible[0]
            tally = ctx.memo(("operation-tally", op.pk), lambda op=op: operation_tally(op))
            out[scope.pk] = {"op": op, "tally": tally, "running": len(visible), "scope": scope}
        return out

    @staticmethod
    def finish(total, view):
        if not total:
            # Nothing running here: say so on the wall rather than show an empty card.
            return {"operation": None, "running": 0, **kpi((_("进行中行动"), 0, _("个")))}
        op, scope = total["op"], total["scope"]
        rows = [r for r in total["tally"]["by_court"] if r["court_code"].startswith(scope.code)]
        s = {
            k: sum((r[k] for r in rows), Decimal("0") if k == "amount" else 0)
            for k in ("cases_worked", "cases_closed", "amount", "detained", "targets", "targets_done")
        }
        return {
            "operation": {
                "id": op.pk,
                "name": op.name,
                "court": op.court.short_name,
                "launched_at": _local(op.launched_at),
                "ends_at": _local(op.ends_at),
            },
            "running": total["running"],
            **kpi(
                (_("执行案件"), s["cases_worked"], _("件")),
                (_("当场执结"), s["cases_closed"], _("件")),
                (_("执行到位"), money(s["amount"]), _("元")),
                (_("司法拘留"), s["detained"], _("人")),
                (_("目标案件完成"), f"{s['targets_done']}/{s['targets']}", ""),
            ),
            "columns": [str(_("法院")), str(_("执行案件")), str(_("执结")), str(_("到位金额")), str(_("目标完成"))],
            "rows": [
                [
                    r["court"],
                    r["cases_worked"],
                    r["cases_closed"],
                    money(r["amount"]),
                    f"{r['targets_done']}/{r['targets']}",
                ]
                for r in rows
            ],
        }


_SEVERITY_RANK = Case(
    When(severity=IncidentSeverity.HIGH, then=Value(3)),
    When(severity=IncidentSeverity.MEDIUM, then=Value(2)),
    default=Value(1),
    output_field=IntegerField(),
)


@register(
    37,
    _("现场突发事件"),
    ModuleGroup.COMMAND,
    ChartKind.TABLE,
    sources=("command.Incident", "command.Dispatch", "command.TeamPosition"),
)
class FieldIncidents:
    """Open incidents by severity, teams dispatched to them, incidents closed today; the open ones listed,
    most severe first, with who was sent (teams, 公安 for the police liaison)."""

    @staticmethod
    def gather(ctx):
        t0 = ctx.day_start(ctx.today)
        t1 = ctx.day_start(ctx.today + dt.timedelta(days=1))
        incidents = ctx.scoped(Incident.objects.all())
        open_ = incidents.exclude(status=IncidentStatus.CLOSED)
        out = {}
        for r in (
            open_.order_by()
            .values("court", "severity")
            .annotate(n=Count("id"), dispatched=Count("id", filter=Q(status=IncidentStatus.DISPATCHED)))
        ):
            add_to(out, r["court"], **{f"open_{r['severity']}": r["n"]}, dispatched=r["dispatched"])
        for r in (
            incidents.filter(closed_at__gte=t0, closed_at__lt=t1).order_by().values("court").annotate(n=Count("id"))
        ):
            add_to(out, r["court"], closed_today=r["n"])
        for r in (
            incidents.filter(reported_at__gte=t0, reported_at__lt=t1).order_by().values("court").annotate(n=Count("id"))
        ):
            add_to(out, r["court"], reported_today=r["n"])
        # Teams on their way to or at an open incident (a team sent twice to one court's incidents counts once there).
        sent = ctx.scoped(Dispatch.objects.filter(incident__in=open_.values("pk")))
        for r in (
            sent.order_by()
            .values("incident__court")
            .annotate(teams=Count("team", distinct=True), police=Count("id", filter=~Q(police_liaison="")))
        ):
            add_to(out, r["incident__court"], teams=r["teams"], police=r["police"])
        ranked = open_.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("court")],
                order_by=[_SEVERITY_RANK.desc(), F("reported_at").desc(), F("id").desc()],
            )
        )
        top = list(
            ranked.filter(rank__lte=TABLE_ROWS).values(
                "id", "court", "court__short_name", "kind", "severity", "reported_at", "latitude", "longitude"
            )
        )
        names = {}
        # The last position each dispatched team reported from its phone (command.TeamPosition): "一组 14:05" in
        # the table, and a dot on the card's map at (longitude, latitude).
        last_seen, last_at = {}, {}
        for p in (
            TeamPosition.objects.filter(incident__in=[i["id"] for i in top])
            .order_by("reported_at", "id")
            .values("incident", "team__name", "reported_at", "latitude", "longitude")
        ):
            hhmm = timezone.localtime(p["reported_at"]).strftime("%H:%M")
            last_seen[(p["incident"], p["team__name"])] = hhmm
            last_at[(p["incident"], p["team__name"])] = (_degrees(p["longitude"]), _degrees(p["latitude"]), hhmm)
        for d in (
            Dispatch.objects.filter(incident__in=[i["id"] for i in top])
            .order_by("dispatched_at", "id")
            .values("incident", "team__name", "police_liaison")
        ):
            who = names.setdefault(d["incident"], [])
            team = d["team__name"]
            if team and (d["incident"], team) in last_seen:
                team = f"{team} {last_seen[(d['incident'], team)]}"
            who += [n for n in (team, str(_("公安")) if d["police_liaison"] else None) if n]
        for i in top:
            rank = {IncidentSeverity.HIGH: 3, IncidentSeverity.MEDIUM: 2}.get(i["severity"], 1)
            positions = tuple((team, *at) for (incident, team), at in last_at.items() if incident == i["id"])
            add_to(
                out,
                i["court"],
                rows=[
                    (
                        rank,
                        i["reported_at"].isoformat(),
                        i["id"],
                        i,
                        tuple(dict.fromkeys(names.get(i["id"], ()))),
                        positions,
                    )
                ],
            )
        return out

    @staticmethod
    def finish(total, view):
        by_sev = {s.value: total.get(f"open_{s.value}", 0) for s in IncidentSeverity}
        rows = sorted(total.get("rows", []), key=lambda r: (r[0], r[1], r[2]), reverse=True)[:TABLE_ROWS]
        kinds, sevs = dict(IncidentKind.choices), dict(IncidentSeverity.choices)
        return {
            **kpi(
                (_("未处置"), sum(by_sev.values()), _("起")),
                (_("严重"), by_sev[IncidentSeverity.HIGH], _("起")),
                (_("较重"), by_sev[IncidentSeverity.MEDIUM], _("起")),
                (_("一般"), by_sev[IncidentSeverity.LOW], _("起")),
                (_("已调度小组"), total.get("teams", 0), _("个")),
                (_("今日处置完毕"), total.get("closed_today", 0), _("起")),
            ),
            "open": by_sev,
            "dispatched": total.get("dispatched", 0),
            "police": total.get("police", 0),
            "reported_today": total.get("reported_today", 0),
            # Five narrow columns fit a wall card; "—" under 增援 means nobody has been sent yet. The address is left
            # off the wall (it can name a person's home); the incident page has it.
            "columns": [str(_("时间")), str(_("法院")), str(_("事件")), str(_("程度")), str(_("增援"))],
            "rows": [
                [
                    _local(i["reported_at"]),
                    i["court__short_name"],
                    str(kinds.get(i["kind"], i["kind"])),
                    str(sevs.get(i["severity"], i["severity"])),
                    "、".join(teams) or "—",
                ]
                for _r, _t, _i, i, teams, _p in rows
            ],
            # The listed incidents and their teams' last reported positions, for the card's province map:
            # [longitude, latitude] in degrees (3 decimals, about 100 m: a place on a province map, not a door).
            "map": {
                "incidents": [
                    {
                        "name": f"{i['court__short_name']} {kinds.get(i['kind'], i['kind'])}",
                        "severity": i["severity"],
                        "value": [_degrees(i["longitude"]), _degrees(i["latitude"])],
                    }
                    for _r, _t, _i, i, _teams, _p in rows
                ],
                "teams": [
                    {"name": f"{team} {hhmm}", "value": [lng, lat]}
                    for _r, _t, _i, _inc, _teams, positions in rows
                    for team, lng, lat, hhmm in positions
                ],
            },
        }


def _degrees(value):
    """A stored Decimal coordinate as a float of 3 decimals, about 100 m (JSON number for ECharts)."""
    return float(round_half_up(value, 3))
