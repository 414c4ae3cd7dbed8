"""质效 modules 30–35: the quality indicators of command/indicators.py (h5's definitions, reused as they are).

Each indicator result is already a rollup of a court's subtree (indicators.evaluate_by_court groups by
court and adds subtrees up itself), so these modules are not additive: every scope reads its own result.
The period is the year to date in Asia/Shanghai.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from cases.choices import CaseType, RequeryStatus
from cases.closure import requeries_due
from cases.models import RequerySchedule
from command import indicators
from command.models import Petition

from ..choices import ChartKind, ModuleGroup
from ..registry import kpi, money, register

SLOW = 60  # indicators move slowly and each costs two grouped queries


def _period(ctx):
    return indicators.Period.year_to_date(ctx.today)


def _scopes(ctx):
    return [ctx.scope] if ctx.scope is not None else list(ctx.courts.values())


def _results(ctx, code, case_type=CaseType.FIRST, courts=None):
    """{court_id: Result} for `courts` (default: every scope of this pass), memoised per refresh: in the
    all-scopes pass the ranking (module 34) and the single indicators (30–33, 35) share one evaluation."""
    courts = _scopes(ctx) if courts is None else list(courts)
    typed = indicators.INDICATORS[code].typed

    def run():
        return indicators.evaluate_by_court(code, courts, _period(ctx), case_type if typed else None)

    return ctx.memo(("indicator", code, case_type, tuple(c.pk for c in courts)), run)


def _per_court(ctx, *codes):
    out = {}
    for code in codes:
        for cid, result in _results(ctx, code).items():
            out.setdefault(cid, {})[code] = result.as_dict()
    return out


def _rate_kpis(r):
    """The rate, and its numerator and denominator with their unit: yuan to the fen for 实际执行到位率 (module 32
    showed a float sum, 212710879.120000010, with no unit), cases otherwise."""
    unit = indicators.INDICATORS[r["code"]].parts_unit
    shown = money if unit == "元" else str
    return kpi(
        (r["name"], r["value"], r["unit"]),
        (_("分子"), shown(r["numerator"]), unit),
        (_("分母"), shown(r["denominator"]), unit),
    )


@register(
    30,
    _("“3+1”核心指标"),
    ModuleGroup.QUALITY,
    ChartKind.GAUGE,
    interval=SLOW,
    additive=False,
    sources=("command.Petition",),
)
class CoreIndicators:
    """The four core indicators (首执 for case indicators) against their targets."""

    @staticmethod
    def gather(ctx):
        return _per_court(ctx, *indicators.CORE)

    @staticmethod
    def finish(total, view):
        return {
            "items": [
                {
                    "label": total[c]["name"],
                    "value": total[c]["value"],
                    "target": total[c]["target"],
                    "below_target": total[c]["below_target"],
                }
                for c in indicators.CORE
                if c in total
            ]
        }


def _single(code, number, title):
    @register(number, title, ModuleGroup.QUALITY, ChartKind.KPI, interval=SLOW, additive=False, sources=("cases.Case",))
    class Single:
        @staticmethod
        def gather(ctx):
            return _per_court(ctx, code)

        @staticmethod
        def finish(total, view):
            return _rate_kpis(total[code]) if code in total else kpi()

    return Single


FirstActualClosure = _single("actual_closure", 31, _("首执实际执结率"))
MoneyRecovery = _single("money_recovery", 32, _("实际执行到位率"))


@register(
    33,
    _("终本合格率与定期查询"),
    ModuleGroup.QUALITY,
    ChartKind.KPI,
    interval=SLOW,
    additive=False,
    sources=("cases.RequerySchedule",),
)
class TerminatedQuality:
    """终本合格率 this year; 终本 cases whose 6-monthly re-query is due (cases.closure.requeries_due); and the
    re-query rounds that ran this year (querycontrol.services.requery starts them), with those that found assets."""

    @staticmethod
    def gather(ctx):
        out = _per_court(ctx, "terminated_qualified")
        rounds = ctx.scoped(RequerySchedule.objects.all())
        for r in requeries_due(rounds, ctx.today).order_by().values("case__court").annotate(n=Count("id")):
            out.setdefault(r["case__court"], {})["requery_own"] = r["n"]
        ran = rounds.filter(status=RequeryStatus.DONE, done_at__gte=ctx.day_start(ctx.year_start))
        for r in (
            ran.order_by().values("case__court").annotate(n=Count("id"), found=Count("id", filter=Q(found_count__gt=0)))
        ):
            out.setdefault(r["case__court"], {}).update(requery_ran_own=r["n"], requery_found_own=r["found"])
        return out

    @staticmethod
    def finish(total, view):
        def own(key):
            return sum(view.per_court.get(c.pk, {}).get(key, 0) for c in view.ctx.subtree(view.court))

        r = total.get("terminated_qualified")
        return kpi(
            (r["name"], r["value"], "%") if r else (_("终本合格率"), None, "%"),
            (_("终本案件"), r["denominator"] if r else 0, _("件")),
            (_("待定期查询"), own("requery_own"), _("件")),
            (_("本年已定期查询"), own("requery_ran_own"), _("次")),
            (_("查询发现财产"), own("requery_found_own"), _("次")),
        )


RANKED = "actual_closure"


PEERS_SHOWN = 10  # courts on a basic court's ranking chart


@register(34, _("法院排名"), ModuleGroup.QUALITY, ChartKind.BAR, interval=SLOW, additive=False, sources=("cases.Case",))
class CourtRanking:
    """The courts directly below the scope ranked by 首执实际执结率; a basic court sees its own rank among peers."""

    @staticmethod
    def gather(ctx):
        # One evaluation of every court (shared with module 31 in the refresh pass); each ranking only sorts it.
        period, out, courts = _period(ctx), {}, list(ctx.courts.values())
        results = _results(ctx, RANKED, courts=courts)
        for scope in _scopes(ctx):
            kids = [c for c in courts if c.parent_id == scope.pk]
            if kids:
                rows = indicators.ranking(RANKED, period, kids, results=results)
                out[scope.pk] = {
                    "rows": [
                        {"code": r["court"].code, "name": r["court"].short_name, "rank": r["rank"], "value": r["value"]}
                        for r in rows
                    ]
                }
            else:
                # Ranked among the courts of the same level in the province (indicators.peers), from the same results.
                rows = ctx.memo(
                    ("peer-ranking", scope.level),
                    lambda s=scope: indicators.ranking(
                        RANKED, period, [c for c in courts if c.level == s.level], results=results
                    ),
                )
                mine = next(r for r in rows if r["court"].pk == scope.pk)
                # Its chart shows the peers around it (the top ten, and itself when lower): a basic court's screen
                # had a ranking chart with nothing to draw.
                shown = [r for r in rows[:PEERS_SHOWN] if r["court"].pk != scope.pk][: PEERS_SHOWN - 1] + [mine]
                shown.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0))
                out[scope.pk] = {
                    "own": {"rank": mine["rank"], "of": len(rows), "value": mine["value"]},
                    "rows": [
                        {"code": r["court"].code, "name": r["court"].short_name, "rank": r["rank"], "value": r["value"]}
                        for r in shown
                    ],
                }
        return out

    @staticmethod
    def finish(total, view):
        rows = total.get("rows", [])
        chart = {
            "categories": [r["name"] for r in rows],
            "court_codes": [r["code"] for r in rows],
            "series": [{"name": str(_("首执实际执结率(%)")), "values": [r["value"] or 0 for r in rows]}],
        }
        if "own" in total:
            own = total["own"]
            return {
                **kpi((_("首执实际执结率"), own["value"], "%"), (_("全区同级排名"), own["rank"], f"/{own['of']}")),
                **chart,
            }
        return {
            **chart,
            "columns": [str(_("名次")), str(_("法院")), str(_("执结率%"))],
            "rows": [[r["rank"] or "—", r["name"], r["value"] or "—"] for r in rows],
        }


@register(
    35, _("执行信访"), ModuleGroup.QUALITY, ChartKind.KPI, interval=SLOW, additive=False, sources=("command.Petition",)
)
class Petitions:
    """执行信访办结率 this year and the petitions still open (past their due date apart)."""

    @staticmethod
    def gather(ctx):
        out = _per_court(ctx, "petitions_handled")
        for r in (
            ctx.scoped(Petition.objects.filter(closed_on__isnull=True))
            .order_by()
            .values("court")
            .annotate(n=Count("id"))
        ):
            out.setdefault(r["court"], {})["open_own"] = r["n"]
        return out

    @staticmethod
    def finish(total, view):
        still_open = sum(view.per_court.get(c.pk, {}).get("open_own", 0) for c in view.ctx.subtree(view.court))
        r = total.get("petitions_handled")
        return kpi(
            (_("信访办结率"), r["value"] if r else None, "%"),
            (_("本年受理"), r["denominator"] if r else 0, _("件")),
            (_("本年办结"), r["numerator"] if r else 0, _("件")),
            (_("未办结"), still_open, _("件")),
        )
