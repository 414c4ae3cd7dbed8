"""查控 modules 19 and 20: assistance letters to linkage units (执行联动) and township coordination (协同执行).

The counts come from the command app's own service, `command.services.linkage.unit_counts`, so that "pending"
and "overdue" mean on the screen exactly what they mean on the letters page (a letter is pending while it
awaits the unit's answer, overdue when its answer date has passed; withdrawn letters are not counted).
That service answers for one scope (its subtree), so these modules are not additive: each scope of the
refresh asks it once. Letters are a small table (a few per case at most) and both modules refresh every 30 s.

- 19 shows the backlog as it stands: every letter ever sent that is still pending, whenever it was sent.
- 20 shows this year's township work: letters pushed since 1 January (Asia/Shanghai) against those closed.
"""

from django.utils.translation import gettext_lazy as _

from command.services.linkage import unit_counts

from ..choices import ChartKind, ModuleGroup
from ..registry import kpi, rate, register

TABLE_ROWS = 10
FIELDS = ("pushed", "answered", "closed", "pending", "overdue")


def _scopes(ctx):
    return [ctx.scope] if ctx.scope is not None else list(ctx.courts.values())


def _per_scope(ctx, **kw):
    return {court.pk: {"units": unit_counts(court, today=ctx.today, **kw)} for court in _scopes(ctx)}


def _sum(units):
    return {f: sum(u[f] for u in units) for f in FIELDS}


@register(
    19,
    _("联动单位协助"),
    ModuleGroup.QUERY,
    ChartKind.TABLE,
    interval=30,
    additive=False,
    sources=("command.AssistanceLetter",),
)
class LinkageAssistance:
    """Letters to linkage units other than townships: pending and overdue now, per unit (most overdue first)."""

    @staticmethod
    def gather(ctx):
        return _per_scope(ctx, townships=False)

    @staticmethod
    def finish(total, view):
        units = total.get("units", [])
        t = _sum(units)
        worst = sorted((u for u in units if u["pending"]), key=lambda u: (-u["overdue"], -u["pending"], u["name"]))[
            :TABLE_ROWS
        ]
        return {
            **kpi(
                (_("累计发函"), t["pushed"], _("件")),
                (_("已答复"), t["answered"], _("件")),
                (_("待答复"), t["pending"], _("件")),
                (_("逾期未复"), t["overdue"], _("件")),
                (_("答复率"), rate(t["answered"], t["pushed"]), "%"),
            ),
            "columns": [str(_("联动单位")), str(_("待答复")), str(_("逾期")), str(_("已答复"))],
            "rows": [[u["name"], u["pending"], u["overdue"], u["answered"]] for u in worst],
        }


@register(
    20,
    _("乡镇协同执行"),
    ModuleGroup.QUERY,
    ChartKind.BAR,
    interval=30,
    additive=False,
    sources=("command.AssistanceLetter",),
)
class TownshipCoordination:
    """Letters pushed to townships (乡镇/街道) this year against those closed, per township."""

    @staticmethod
    def gather(ctx):
        return _per_scope(ctx, townships=True, start=ctx.year_start, end=ctx.today)

    @staticmethod
    def finish(total, view):
        units = total.get("units", [])[:TABLE_ROWS]  # the service orders by letters pushed, most first
        t = _sum(total.get("units", []))
        return {
            **kpi(
                (_("本年推送"), t["pushed"], _("件")),
                (_("已办结"), t["closed"], _("件")),
                (_("办理中"), t["pushed"] - t["closed"], _("件")),
                (_("逾期未复"), t["overdue"], _("件")),
                (_("办结率"), rate(t["closed"], t["pushed"]), "%"),
            ),
            "categories": [u["name"] for u in units],
            "series": [
                {"name": str(_("推送")), "values": [u["pushed"] for u in units]},
                {"name": str(_("办结")), "values": [u["closed"] for u in units]},
            ],
        }
