"""查控 modules 19 and 20: assistance letters to linkage units (执行联动) and township coordination (协同执行).

The counts come from the command app's own service, `command.services.linkage.unit_counts`, so that "pending"
and "overdue" mean on the screen exactly what they mean on the letters page (a letter is pending while it
awaits the unit's answer, overdue when its answer date has passed; withdrawn letters are not counted).
The service's per-court form (`unit_counts_by_court`) answers every court in one query and a scope adds up its
courts' rows per unit (`combine_units`): asking once per scope cost ~200 queries per module with ~200 courts.

- 19 shows the backlog as it stands: every letter ever sent that is still pending, whenever it was sent.
- 20 shows this year's township work: letters pushed since 1 January (Asia/Shanghai) against those closed.
"""

from django.utils.translation import gettext_lazy as _

from command.services.linkage import combine_units, unit_counts_by_court

from ..choices import ChartKind, ModuleGroup
from ..registry import kpi, rate, register

TABLE_ROWS = 10
FIELDS = ("pushed", "answered", "closed", "pending", "overdue")


def _per_court(ctx, **kw):
    return {
        court: {"units": rows} for court, rows in unit_counts_by_court(today=ctx.today, court=ctx.scope, **kw).items()
    }


def _sum(units):
    return {f: sum(u[f] for u in units) for f in FIELDS}


@register(
    19,
    _("联动单位协助"),
    ModuleGroup.QUERY,
    ChartKind.TABLE,
    interval=30,
    sources=("command.AssistanceLetter",),
)
class LinkageAssistance:
    """Letters to linkage units other than townships: pending and overdue now, per unit (most overdue first)."""

    @staticmethod
    def gather(ctx):
        return _per_court(ctx, townships=False)

    @staticmethod
    def finish(total, view):
        units = combine_units(total.get("units", []))
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
    sources=("command.AssistanceLetter",),
)
class TownshipCoordination:
    """Letters pushed to townships (乡镇/街道) this year against those closed, per township."""

    @staticmethod
    def gather(ctx):
        return _per_court(ctx, townships=True, start=ctx.year_start, end=ctx.today)

    @staticmethod
    def finish(total, view):
        every = combine_units(total.get("units", []))  # most letters pushed first
        units = every[:TABLE_ROWS]
        t = _sum(every)
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
