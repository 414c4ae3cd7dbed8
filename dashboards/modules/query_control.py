"""查控 modules 11, 12, 14–18 over the querycontrol app's rows (query requests, results, found assets, orders).

Module 13 (institution response times) lives in query_latency.py: its percentiles come from additive histograms.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, F, Q, Sum, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _

from execcenter.money import MoneySum
from querycontrol.choices import ACTIVE_QUERY_STATUSES, AssetKind, InstitutionKind, OrderKind, OrderOutcome
from querycontrol.models import ControlOrder, FoundAsset, QueryRequest, QueryResult

from ..choices import ChartKind, ModuleGroup
from ..registry import add_to, kpi, money, rate, register


def _today_range(ctx):
    return ctx.day_start(ctx.today), ctx.day_start(ctx.today + dt.timedelta(days=1))


@register(11, _("网络查控量"), ModuleGroup.QUERY, ChartKind.BAR, sources=("querycontrol.QueryResult",))
class QueryVolume:
    """Institution answers received today, by institution kind (banks, registries, ...)."""

    @staticmethod
    def gather(ctx):
        t0, t1 = _today_range(ctx)
        out = {}
        for r in (
            ctx.scoped(QueryResult.objects.filter(answered_at__gte=t0, answered_at__lt=t1))
            .order_by()
            .values("request__court", "institution__kind")
            .annotate(n=Count("id"))
        ):
            add_to(out, r["request__court"], **{r["institution__kind"]: r["n"]})
        return out

    @staticmethod
    def finish(total, view):
        kinds = list(InstitutionKind)
        return {
            "categories": [str(k.label) for k in kinds],
            "series": [{"name": str(_("今日查询反馈")), "values": [total.get(k.value, 0) for k in kinds]}],
            **kpi((_("今日查询反馈"), sum(total.get(k.value, 0) for k in kinds), _("次"))),
        }


@register(12, _("实时查询任务"), ModuleGroup.QUERY, ChartKind.TABLE, sources=("querycontrol.QueryRequest",))
class LiveQueries:
    """Query requests queued or running, with their progress counters (rows, not Celery results)."""

    @staticmethod
    def gather(ctx):
        live = ctx.scoped(QueryRequest.objects.filter(status__in=ACTIVE_QUERY_STATUSES))
        out = {}
        for r in live.order_by().values("court").annotate(n=Count("id"), total=Sum("total"), done=Sum("done")):
            add_to(out, r.pop("court"), **r)
        ranked = live.annotate(
            rank=Window(RowNumber(), partition_by=[F("court")], order_by=[F("created_at").desc(), F("id").desc()])
        )
        for r in ranked.filter(rank__lte=10).values(
            "court", "created_at", "id", "case__number", "court__short_name", "total", "done", "found"
        ):
            add_to(
                out,
                r["court"],
                rows=[
                    (
                        r["created_at"].isoformat(),
                        r["id"],
                        r["case__number"],
                        r["court__short_name"],
                        r["done"],
                        r["total"],
                        r["found"],
                    )
                ],
            )
        return out

    @staticmethod
    def finish(total, view):
        rows = sorted(total.get("rows", []), reverse=True)[:10]
        return {
            **kpi(
                (_("进行中"), total.get("n", 0), _("个")),
                (_("总进度"), rate(total.get("done", 0), total.get("total", 0)), "%"),
            ),
            "columns": [str(_("案号")), str(_("法院")), str(_("进度")), str(_("发现财产"))],
            "rows": [[number, court, f"{done}/{tot}", found] for _t, _i, number, court, done, tot, found in rows],
        }


def _orders(ctx, **kw):
    return ctx.scoped(ControlOrder.objects.filter(**kw))


@register(14, _("今日冻结"), ModuleGroup.QUERY, ChartKind.KPI, sources=("querycontrol.ControlOrder",))
class FreezesToday:
    """Freezes completed today: how many, amount requested vs amount actually frozen (partial freezes)."""

    @staticmethod
    def gather(ctx):
        t0, t1 = _today_range(ctx)
        out = {}
        for r in (
            _orders(ctx, kind=OrderKind.FREEZE, completed_at__gte=t0, completed_at__lt=t1)
            .order_by()
            .values("court")
            .annotate(
                n=Count("id"),
                requested=MoneySum("requested_amount"),
                frozen=MoneySum("effective_amount"),
                partial=Count("id", filter=Q(outcome=OrderOutcome.PARTIALLY_FROZEN)),
                queued=Count("id", filter=Q(outcome=OrderOutcome.QUEUED)),
            )
        ):
            add_to(out, r.pop("court"), **{k: v if v is not None else Decimal(0) for k, v in r.items()})
        return out

    @staticmethod
    def finish(total, view):
        return kpi(
            (_("冻结笔数"), total.get("n", 0), _("笔")),
            (_("申请冻结"), money(total.get("requested")), _("元")),
            (_("实际冻结"), money(total.get("frozen")), _("元")),
            (_("部分冻结"), total.get("partial", 0), _("笔")),
            (_("轮候"), total.get("queued", 0), _("笔")),
        )


@register(15, _("扣划到账"), ModuleGroup.QUERY, ChartKind.KPI, sources=("querycontrol.ControlOrder",))
class Deductions:
    """Deductions completed today and this month, with amounts."""

    @staticmethod
    def gather(ctx):
        t0, t1 = _today_range(ctx)
        m0 = ctx.day_start(ctx.month_start)
        out = {}
        done = _orders(
            ctx, kind=OrderKind.DEDUCT, outcome=OrderOutcome.DEDUCTED, completed_at__gte=m0, completed_at__lt=t1
        )
        for r in (
            done.order_by()
            .values("court")
            .annotate(
                month_n=Count("id"),
                month=MoneySum("effective_amount"),
                today_n=Count("id", filter=Q(completed_at__gte=t0)),
                today=MoneySum("effective_amount", filter=Q(completed_at__gte=t0)),
            )
        ):
            add_to(out, r.pop("court"), **{k: v if v is not None else Decimal(0) for k, v in r.items()})
        return out

    @staticmethod
    def finish(total, view):
        return kpi(
            (_("今日扣划"), total.get("today_n", 0), _("笔")),
            (_("今日扣划金额"), money(total.get("today")), _("元")),
            (_("本月扣划"), total.get("month_n", 0), _("笔")),
            (_("本月扣划金额"), money(total.get("month")), _("元")),
        )


@register(16, _("冻结到期预警"), ModuleGroup.QUERY, ChartKind.BAR, sources=("querycontrol.ControlOrder",))
class ExpiringFreezes:
    """Freezes and seals in force expiring within 7 / 15 / 30 days (民诉法解释 Art. 485: renew before expiry)."""

    @staticmethod
    def gather(ctx):
        holding = ctx.scoped(ControlOrder.objects.holding())  # querycontrol's own "in force" definition
        t = ctx.today
        out = {}
        for r in (
            holding.filter(expires_on__gte=t, expires_on__lte=t + dt.timedelta(days=30))
            .order_by()
            .values("court")
            .annotate(
                d7=Count("id", filter=Q(expires_on__lte=t + dt.timedelta(days=7))),
                d15=Count("id", filter=Q(expires_on__lte=t + dt.timedelta(days=15))),
                d30=Count("id"),
            )
        ):
            add_to(out, r.pop("court"), **r)
        return out

    @staticmethod
    def finish(total, view):
        return {
            "categories": [str(_("7日内")), str(_("15日内")), str(_("30日内"))],
            "series": [
                {"name": str(_("即将到期")), "values": [total.get("d7", 0), total.get("d15", 0), total.get("d30", 0)]}
            ],
        }


@register(17, _("查获财产分类"), ModuleGroup.QUERY, ChartKind.PIE, interval=30, sources=("querycontrol.FoundAsset",))
class AssetsByKind:
    """Assets found by network queries this year, by kind, with their reported value."""

    @staticmethod
    def gather(ctx):
        out = {}
        for r in (
            ctx.scoped(FoundAsset.objects.filter(found_at__gte=ctx.day_start(ctx.year_start)))
            .order_by()
            .values("court", "kind")
            .annotate(n=Count("id"), value=MoneySum("balance"))
        ):
            add_to(out, r["court"], **{r["kind"]: r["n"], f"{r['kind']}_value": r["value"] or Decimal(0)})
        return out

    @staticmethod
    def finish(total, view):
        return {
            "slices": [{"name": str(k.label), "value": total.get(k.value, 0)} for k in AssetKind],
            **kpi(
                (_("本年查获财产"), sum(total.get(k.value, 0) for k in AssetKind), _("项")),
                (
                    _("价值合计"),
                    money(sum((total.get(f"{k.value}_value", Decimal(0)) for k in AssetKind), Decimal(0))),
                    _("元"),
                ),
            ),
        }


@register(18, _("查控命中率"), ModuleGroup.QUERY, ChartKind.KPI, interval=30, sources=("querycontrol.QueryResult",))
class HitRate:
    """Respondents queried this year and those with at least one asset found (hit rate)."""

    @staticmethod
    def gather(ctx):
        since = ctx.day_start(ctx.year_start)
        out = {}
        queried = (
            ctx.scoped(QueryResult.objects.filter(answered_at__gte=since))
            .order_by()
            .values("request__court")
            .annotate(n=Count("respondent", distinct=True))
        )
        for r in queried:
            add_to(out, r["request__court"], queried=r["n"])
        hit = (
            ctx.scoped(FoundAsset.objects.filter(found_at__gte=since))
            .order_by()
            .values("court")
            .annotate(n=Count("respondent", distinct=True))
        )
        for r in hit:
            add_to(out, r["court"], hit=r["n"])
        return out

    @staticmethod
    def finish(total, view):
        # A respondent queried by two courts counts once in each: the rate is per court's own work.
        return kpi(
            (_("本年被查询人"), total.get("queried", 0), _("人")),
            (_("查有财产"), total.get("hit", 0), _("人")),
            (_("命中率"), rate(total.get("hit", 0), total.get("queried", 0)), "%"),
        )
