"""指挥调度 modules 38–40 owned here: the regional map, who is on duty, the alert ticker.

(36 and 37 read the command app's operations and incidents; see modules/operations.py.)
"""

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from execcenter.choices import AlertSeverity, AlertStatus
from execcenter.models import Alert

from ..choices import ChartKind, ModuleGroup
from ..registry import add_to, money, register
from ..walls import wall_text
from .case_management import case_facts
from .money import money_facts

TICKER_ROWS = 20


@register(38, _("全区案件与案款分布"), ModuleGroup.COMMAND, ChartKind.MAP, sources=("cases.Case", "cases.MoneyEntry"))
class RegionalMap:
    """Open cases and money recovered this year per basic court, drawn on Ningxia's districts."""

    @staticmethod
    def gather(ctx):
        cases, cash = case_facts(ctx), money_facts(ctx)
        out = {}
        for court in set(cases) | set(cash):
            add_to(
                out, court, open=cases.get(court, {}).get("open", 0), recovered=cash.get(court, {}).get("in_year", 0)
            )
        return out

    @staticmethod
    def finish(total, view):
        # The own cases of the high and intermediate courts have no district of their own; listed aside.
        def item(court, t):
            return {
                "court_code": court.code,
                "name": court.short_name,
                "open": t.get("open", 0),
                "recovered": money(t.get("recovered")),
            }

        return {
            "items": [item(c, t) for c, t in view.basic_courts()],
            "others": [
                item(c, view.per_court.get(c.pk, {})) for c in view.ctx.subtree(view.court) if c.level != "basic"
            ],
            "open": total.get("open", 0),
            "recovered": money(total.get("recovered")),
        }


def _local(ts):
    return timezone.localtime(ts).strftime("%m-%d %H:%M") if ts else ""


@register(39, _("今日值班"), ModuleGroup.COMMAND, ChartKind.DUTY, sources=("dashboards.Shift",), additive=False)
class OnDuty:
    """Who is on post A and post B now, whether they checked in, the next shift and the open handover."""

    @staticmethod
    def gather(ctx):
        from ..models import CommandCentre  # noqa: PLC0415
        from ..services.duty import duty_board  # noqa: PLC0415

        return duty_board(ctx.now, ctx.scoped(CommandCentre.objects.all()))

    @staticmethod
    def finish(total, view):
        board = total
        if not board:
            return {"centre": None, "current": None, "next": None, "handover": None}
        return board


@register(40, _("预警滚动"), ModuleGroup.COMMAND, ChartKind.TICKER, sources=("execcenter.Alert",))
class AlertTicker:
    """Open and acknowledged alerts of the scope, newest first, counted by severity; text masked for the wall."""

    @staticmethod
    def gather(ctx):
        live = ctx.scoped(Alert.objects.exclude(status=AlertStatus.RESOLVED))
        out = {}
        for r in live.order_by().values("court", "severity", "status").annotate(n=Count("id")):
            add_to(out, r["court"], **{f"{r['status']}_{r['severity']}": r["n"]})
        ranked = live.annotate(
            rank=Window(RowNumber(), partition_by=[F("court")], order_by=[F("raised_at").desc(), F("id").desc()])
        )
        for a in ranked.filter(rank__lte=TICKER_ROWS).values(
            "id", "court", "court__short_name", "severity", "status", "title", "raised_at", "escalated_at", "link"
        ):
            add_to(out, a["court"], rows=[(a["raised_at"].isoformat(), a["id"], a)])
        return out

    @staticmethod
    def finish(total, view):
        rows = sorted(total.get("rows", []), key=lambda r: (r[0], r[1]), reverse=True)[:TICKER_ROWS]
        counts = {s.value: total.get(f"{AlertStatus.OPEN}_{s.value}", 0) for s in AlertSeverity}
        return {
            "open": counts,
            "acknowledged": sum(total.get(f"{AlertStatus.ACKNOWLEDGED}_{s.value}", 0) for s in AlertSeverity),
            "rows": [
                {
                    "id": a["id"],
                    "court": a["court__short_name"],
                    "severity": a["severity"],
                    "status": a["status"],
                    "title": wall_text(a["title"]),
                    "at": _local(a["raised_at"]),
                    "escalated": a["escalated_at"] is not None,
                }
                for _t, _i, a in rows
            ],
        }
