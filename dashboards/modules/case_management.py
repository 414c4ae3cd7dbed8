"""管理指挥 modules 1–10: intake, closure and pending cases, deadlines, long-pending, workload."""

import datetime as dt

from django.db import connection
from django.db.models import Case as CaseWhen
from django.db.models import Count, F, Q, Sum, When, Window
from django.db.models.functions import Coalesce, RowNumber
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext_lazy as _

from cases import deadlines, predicates, tally
from cases.choices import CaseStatus, ClosureType
from cases.models import Case, CaseTally
from execcenter.models import Officer
from execcenter.money import MoneySum
from execcenter.rounding import ratio

from ..choices import ChartKind, ModuleGroup
from ..registry import add_to, kpi, merge, money, register

TOP = 10


TAG_FLAGS = ("is_livelihood", "is_migrant_wages", "is_government")


def _fact_aggregates(ctx):
    """Every per-court count and sum the case modules (1–6, 8, 9 and 38) show, as FILTERed aggregates of one scan:
    at a million cases each scan of the case table costs ≈ 0.4 s, and this one replaces eight of them."""
    t, m, y = ctx.today, ctx.month_start, ctx.year_start
    is_open = predicates.is_open()
    filed_year, closed_year = Q(filed_on__gte=y, filed_on__lte=t), predicates.closed_in(y, t)
    aggs = {
        "recv_today": Count("id", filter=Q(filed_on=t)),
        "recv_month": Count("id", filter=Q(filed_on__gte=m, filed_on__lte=t)),
        "recv_year": Count("id", filter=filed_year),
        "closed_today": Count("id", filter=Q(closed_on=t)),
        "closed_month": Count("id", filter=predicates.closed_in(m, t)),
        "closed_year": Count("id", filter=closed_year),
        "open": Count("id", filter=is_open),
    }
    # Module 3: each stage, counting closed cases of this year only.
    current = Q(closed_on__isnull=True) | Q(closed_on__gte=y)
    aggs |= {f"status:{s.value}": Count("id", filter=Q(status=s) & current) for s in FUNNEL_ORDER}
    # Module 4: running cases (suspension stops the clock) past or near their statutory deadline.
    aggs |= {
        "deadline:overdue": Count("id", filter=predicates.overdue(t)),
        "deadline:within7": Count("id", filter=predicates.due_soon(t, 7)),
        "deadline:within30": Count("id", filter=predicates.due_soon(t, deadlines.NEAR_DAYS)),
    }
    # Module 5: open cases filed 12 months or more ago, by age band.
    long_open = predicates.long_pending(t)
    aggs |= {
        "long:total": Count("id", filter=long_open),
        "long:no_leader": Count("id", filter=long_open & Q(leading_official__isnull=True)),
    }
    aggs |= {
        f"long:b{i}": Count("id", filter=long_open & Q(filed_on__lte=hi) & (Q(filed_on__gt=lo) if lo else Q()))
        for i, (_l, lo, hi) in enumerate(LongPending.bands(t))
    }
    # Module 6: this year's closures by type.
    closed_now = Q(status=CaseStatus.CLOSED) & closed_year
    aggs |= {f"closure:{c.value}": Count("id", filter=closed_now & Q(closure_type=c)) for c in ClosureType}
    # Modules 8 and 9: tagged cases.
    for flag in TAG_FLAGS:
        tagged = Q(**{flag: True})
        aggs |= {
            f"{flag}:open": Count("id", filter=tagged & is_open),
            f"{flag}:recv_year": Count("id", filter=tagged & filed_year),
            f"{flag}:closed_year": Count("id", filter=tagged & closed_year),
            f"{flag}:recovered": MoneySum("recovered_amount", filter=tagged),
            f"{flag}:outstanding": MoneySum("outstanding_amount", filter=tagged & is_open),
        }
    return aggs


def _tally_aggregates(ctx):
    """The same figures as _fact_aggregates, read from the case tally (cases.models.tallies): each case predicate
    becomes a condition on the tally rows of its kind, and a count becomes SUM(n). The tally holds one row per court,
    kind and key (day, status, tags …) instead of one per case, so this reads ≈ the open cases' distinct keys plus
    this year's days, not every case. Equal to _fact_aggregates on any data (tests/dashboards/test_case_tally.py).

    Returns {kind: (which rows of that kind to read, {name: aggregate})}: every figure reads rows of one kind, and
    case_facts asks each kind apart, so a row is tested against its own kind's ~10 conditions, not all ~45 (one
    query with every FILTER spent ≈ 2 of its 3.3 s at 10,000,000 cases evaluating them, bench/README.md)."""
    t, m, y = ctx.today, ctx.month_start, ctx.year_start
    none = dt.date.fromisoformat(tally.NONE_DAY)
    year, month = Q(day__gte=y, day__lte=t), Q(day__gte=m, day__lte=t)
    since_year = Q(day=none) | Q(day__gte=y)  # closed_on null, or closed this year or later (the funnel's "current")
    running = ~Q(status=CaseStatus.SUSPENDED)

    def n(q=None):
        return Coalesce(Sum("n", filter=q), 0) if q is not None else Coalesce(Sum("n"), 0)

    def amount(field, q):
        # MoneySum's None over no cases: a sum only where the rows still count at least one case.
        return CaseWhen(When(GreaterThan(Sum("n", filter=q), 0), then=Sum(field, filter=q)), default=None)

    filed = {"recv_today": n(Q(day=t)), "recv_month": n(month), "recv_year": n(year)}
    closed = {"closed_today": n(Q(day=t)), "closed_month": n(month), "closed_year": n(year)}
    opened = {"open": n()}
    for s in FUNNEL_ORDER:
        (closed if s == CaseStatus.CLOSED else opened)[f"status:{s.value}"] = n(Q(status=s) & since_year)
    opened |= {
        "deadline:overdue": n(running & Q(deadline__lt=t)),
        "deadline:within7": n(running & Q(deadline__gte=t, deadline__lte=t + dt.timedelta(days=7))),
        "deadline:within30": n(running & Q(deadline__gte=t, deadline__lte=t + dt.timedelta(days=deadlines.NEAR_DAYS))),
    }
    long_open = Q(filed_on__lte=deadlines.long_pending_cutoff(t))
    opened |= {"long:total": n(long_open), "long:no_leader": n(long_open & Q(no_leader=True))}
    opened |= {
        f"long:b{i}": n(long_open & Q(filed_on__lte=hi) & (Q(filed_on__gt=lo) if lo else Q()))
        for i, (_l, lo, hi) in enumerate(LongPending.bands(t))
    }
    closed |= {f"closure:{c.value}": n(Q(status=CaseStatus.CLOSED) & year & Q(closure_type=c)) for c in ClosureType}
    recovered = {"cases_counted": n()}  # every case has its R row: the courts with cases at all
    for flag in TAG_FLAGS:
        tagged = Q(mask__in=[v for v in range(tally.MASKS) if v & tally.MASK_BITS[flag]])
        opened[f"{flag}:open"] = n(tagged)
        filed[f"{flag}:recv_year"] = n(tagged & year)
        closed[f"{flag}:closed_year"] = n(tagged & year)
        recovered[f"{flag}:recovered"] = amount("recovered", tagged)
        opened[f"{flag}:outstanding"] = amount("outstanding", tagged)
    # Which rows to read: the (kind, day) index leaves out the filings and closures of earlier years.
    return {
        "R": (Q(), recovered),
        "O": (Q(), opened),
        "F": (Q(day__gte=y), filed),
        "C": (since_year, closed),
    }


# Figures that are sums of money (None over no cases), the others are counts (0 over no cases).
_MONEY_SUFFIXES = (":recovered", ":outstanding")


def case_facts(ctx):
    """{court_id: {name: figure}} from _fact_aggregates (or the tally's same figures on PostgreSQL), memoised per
    refresh; sums of no rows are None."""

    def run():
        if not tally.enabled():
            rows = ctx.scoped(Case.objects.all()).order_by().values("court").annotate(**_fact_aggregates(ctx))
            return {r.pop("court"): r for r in rows}
        by_kind = {}
        for kind, (where, aggs) in _tally_aggregates(ctx).items():
            rows = ctx.scoped(CaseTally.objects.filter(Q(kind=kind) & where)).order_by().values("court")
            by_kind[kind] = ({r.pop("court"): r for r in rows.annotate(**aggs)}, aggs)
        out = {}
        for court, first in by_kind["R"][0].items():
            if first["cases_counted"] <= 0:  # a court whose cases all moved or were deleted
                continue
            figures = {}
            for found, aggs in by_kind.values():
                got = found.get(court, {})
                for name in aggs:
                    default = None if name.endswith(_MONEY_SUFFIXES) else 0
                    figures[name] = got.get(name, default)
            figures.pop("cases_counted")
            out[court] = figures
        return out

    return ctx.memo("case_facts", run)


def intake(ctx):
    """收案 / 结案 / 存案 per court (modules 1, 2 and 38): the case facts without a `prefix:`."""
    return {court: {k: v for k, v in figures.items() if ":" not in k} for court, figures in case_facts(ctx).items()}


def facts(ctx, prefix):
    """The case facts named `prefix:…`, per court, without the prefix (each module gathers only its own)."""
    cut = len(prefix) + 1
    return {
        court: {k[cut:]: v for k, v in figures.items() if k.startswith(prefix + ":")}
        for court, figures in case_facts(ctx).items()
    }


def urgent_open_cases(ctx):
    """Open cases whose clock runs (suspension stops the statutory clock), for the deadline module."""
    return ctx.scoped(Case.objects.running())


def top_per_court(ctx, qs, order, fields, n=TOP):
    """At most n rows per court of the context's scope in `order` (`order` must end in a unique field, so the rows
    are the same however they are found): [{court field, *fields}], in no particular order.

    On PostgreSQL one query: a UNION ALL of one `ORDER BY … LIMIT n` per court, each read along a (court, order)
    index (case_court_deadline_idx, case_court_open_filed_idx) — n index entries per court. The window function
    it replaces (ROW_NUMBER() OVER (PARTITION BY court)) numbered every matching open case of the province first:
    1.2–1.4 s per refresh at 10,000,000 cases (modules 4 and 5, bench/README.md). SQLite (the embedded default)
    cannot put LIMIT inside a UNION and keeps the window."""
    court_field = qs.court_field
    values = (court_field, *fields)
    if connection.vendor != "postgresql":
        ranked = qs.annotate(rank=Window(RowNumber(), partition_by=[F(court_field)], order_by=order))
        return list(ranked.filter(rank__lte=n).values(*values))
    court_ids = sorted(ctx.courts) if ctx.scope is None else sorted(c.pk for c in ctx.subtree(ctx.scope))
    parts = [qs.filter(**{court_field: cid}).order_by(*order).values(*values)[:n] for cid in court_ids]
    if not parts:
        return []
    return list(parts[0].union(*parts[1:], all=True)) if len(parts) > 1 else list(parts[0])


@register(1, _("收结存"), ModuleGroup.CASES, ChartKind.KPI, sources=("cases.Case",))
class IntakeClosedPending:
    """收案 (filed), 结案 (closed) today / this month / this year, and 存案 (open now)."""

    @staticmethod
    def gather(ctx):
        return intake(ctx)

    @staticmethod
    def finish(total, view):
        g = lambda k: total.get(k, 0)  # noqa: E731
        return {
            "columns": [str(_("期间")), str(_("收案")), str(_("结案"))],
            "rows": [
                [str(_("今日")), g("recv_today"), g("closed_today")],
                [str(_("本月")), g("recv_month"), g("closed_month")],
                [str(_("本年")), g("recv_year"), g("closed_year")],
            ],
            **kpi(
                (_("存案"), g("open"), _("件")),
                (_("本年收案"), g("recv_year"), _("件")),
                (_("本年结案"), g("closed_year"), _("件")),
            ),
            "day": view.today.isoformat(),
        }


@register(2, _("各院案件分布"), ModuleGroup.CASES, ChartKind.BAR, sources=("cases.Case",))
class CasesByCourt:
    """Open, filed this year and closed this year per court below the scope; bars drill down."""

    @staticmethod
    def gather(ctx):
        return intake(ctx)

    @staticmethod
    def finish(total, view):
        kids = [(c, t) for c, t in view.children() if t or c != view.court]
        return {
            "categories": [c.short_name for c, _t in kids],
            "court_codes": [c.code for c, _t in kids],
            "series": [
                {"name": str(_("存案")), "values": [t.get("open", 0) for _c, t in kids]},
                {"name": str(_("本年收案")), "values": [t.get("recv_year", 0) for _c, t in kids]},
                {"name": str(_("本年结案")), "values": [t.get("closed_year", 0) for _c, t in kids]},
            ],
        }


FUNNEL_ORDER = [
    CaseStatus.FILED,
    CaseStatus.ASSIGNED,
    CaseStatus.INVESTIGATING,
    CaseStatus.CONTROLLING,
    CaseStatus.DISPOSING,
    CaseStatus.SUSPENDED,
    CaseStatus.CLOSED,
]


@register(3, _("案件流程状态"), ModuleGroup.CASES, ChartKind.FUNNEL, sources=("cases.Case",))
class StatusFunnel:
    """Cases by current stage of the life cycle (docs/design.md §3), closed ones counted for this year."""

    @staticmethod
    def gather(ctx):
        return facts(ctx, "status")

    @staticmethod
    def finish(total, view):
        return {
            "categories": [str(s.label) for s in FUNNEL_ORDER],
            "series": [{"name": str(_("案件数")), "values": [total.get(s.value, 0) for s in FUNNEL_ORDER]}],
        }


@register(4, _("法定审限预警"), ModuleGroup.CASES, ChartKind.TABLE, sources=("cases.Case",))
class StatutoryDeadlines:
    """Open cases past their statutory deadline, or with ≤ 7 / ≤ 30 days left (6 months from filing)."""

    @staticmethod
    def gather(ctx):
        t = ctx.today
        qs = urgent_open_cases(ctx)
        out = facts(ctx, "deadline")
        soon = qs.filter(statutory_deadline__lte=t + dt.timedelta(days=deadlines.NEAR_DAYS))  # overdue or due soon
        for r in top_per_court(
            ctx,
            soon,
            ["statutory_deadline", "id"],
            ["number", "statutory_deadline", "assigned_judge__name", "court__short_name"],
        ):
            add_to(
                out,
                r["court"],
                top=[
                    (
                        r["statutory_deadline"].isoformat(),
                        r["number"],
                        r["court__short_name"],
                        r["assigned_judge__name"] or "",
                    )
                ],
            )
        return out

    @staticmethod
    def finish(total, view):
        rows = sorted(total.get("top", []))[:TOP]
        return {
            **kpi(
                (_("已超审限"), total.get("overdue", 0), _("件")),
                (_("7日内到期"), total.get("within7", 0), _("件")),
                (_("30日内到期"), total.get("within30", 0), _("件")),
            ),
            "columns": [str(_("案号")), str(_("法院")), str(_("承办法官")), str(_("剩余天数"))],
            "rows": [
                [number, court, judge, (dt.date.fromisoformat(day) - view.today).days]
                for day, number, court, judge in rows
            ],
        }


@register(5, _("长期未结案件"), ModuleGroup.CASES, ChartKind.TABLE, sources=("cases.Case",))
class LongPending:
    """Open cases filed more than 12 months ago (长期未结), by age, and whether a leading official is set."""

    @staticmethod
    def bands(today):
        cut = deadlines.long_pending_cutoff(today)
        return [
            (_("12-18个月"), deadlines.add_months(today, -18), cut),
            (_("18-24个月"), deadlines.add_months(today, -24), deadlines.add_months(today, -18)),
            (_("24-36个月"), deadlines.add_months(today, -36), deadlines.add_months(today, -24)),
            (_("36个月以上"), None, deadlines.add_months(today, -36)),
        ]

    @classmethod
    def gather(cls, ctx):
        qs = ctx.scoped(Case.objects.long_pending(ctx.today))
        out = facts(ctx, "long")
        for r in top_per_court(
            ctx, qs, ["filed_on", "id"], ["number", "filed_on", "court__short_name", "leading_official__name"]
        ):
            add_to(
                out,
                r["court"],
                top=[
                    (r["filed_on"].isoformat(), r["number"], r["court__short_name"], r["leading_official__name"] or "")
                ],
            )
        return out

    @classmethod
    def finish(cls, total, view):
        bands = cls.bands(view.today)
        rows = sorted(total.get("top", []))[:TOP]
        return {
            **kpi(
                (_("长期未结"), total.get("total", 0), _("件")),
                (_("未落实包案领导"), total.get("no_leader", 0), _("件")),
            ),
            "categories": [str(label) for label, _lo, _hi in bands],
            "series": [{"name": str(_("案件数")), "values": [total.get(f"b{i}", 0) for i in range(len(bands))]}],
            "columns": [str(_("案号")), str(_("法院")), str(_("立案日期")), str(_("包案领导"))],
            "rows": [[number, court, day, leader or str(_("未落实"))] for day, number, court, leader in rows],
        }


@register(6, _("结案方式"), ModuleGroup.CASES, ChartKind.PIE, sources=("cases.Case",))
class ClosureTypes:
    """Cases closed this year by closure type (执行完毕, 终本, 终结执行, 销案, 不予执行, 驳回申请)."""

    @staticmethod
    def gather(ctx):
        return facts(ctx, "closure")

    @staticmethod
    def finish(total, view):
        return {"slices": [{"name": str(c.label), "value": total.get(c.value, 0)} for c in ClosureType]}


@register(7, _("法官办案负荷"), ModuleGroup.CASES, ChartKind.BAR, sources=("cases.Case",))
class JudgeWorkload:
    """Open cases per assigned judge (the ten busiest of the scope) and the unassigned ones."""

    @staticmethod
    def gather(ctx):
        out = {}
        if tally.enabled():  # the tally's J rows: open cases per court and judge
            rows = (
                ctx.scoped(CaseTally.objects.filter(kind="J"))
                .order_by()
                .values("court", assigned_judge=F("judge_id"))
                .annotate(n=Sum("n"))
                .filter(n__gt=0)
            )
        else:
            rows = ctx.scoped(Case.objects.open()).order_by().values("court", "assigned_judge").annotate(n=Count("id"))
        for r in rows:
            judge = r["assigned_judge"]
            if judge is None:
                add_to(out, r["court"], unassigned=r["n"])
            else:
                add_to(out, r["court"], judges={str(judge): r["n"]})
        ids = {int(j) for v in out.values() for j in v.get("judges", {})}
        names = ctx.memo("judge-names", dict)
        names.update((str(pk), name) for pk, name in Officer.objects.filter(pk__in=ids).values_list("pk", "name"))
        return out

    @staticmethod
    def finish(total, view):
        names = view.ctx.memo("judge-names", dict)
        judges = sorted(total.get("judges", {}).items(), key=lambda kv: (-kv[1], kv[0]))
        top = judges[:TOP]
        count = sum(n for _j, n in judges)
        return {
            "categories": [names.get(j, j) for j, _n in top],
            "series": [{"name": str(_("在办案件")), "values": [n for _j, n in top]}],
            **kpi(
                (_("承办法官"), len(judges), _("人")),
                (_("人均在办"), str(ratio(count, len(judges), 1)) if judges else None, _("件")),
                (_("未分案"), total.get("unassigned", 0), _("件")),
            ),
        }


def _tagged(ctx, flag):
    return {court: {flag: figures} for court, figures in facts(ctx, flag).items()}


@register(8, _("涉民生及农民工工资案件"), ModuleGroup.CASES, ChartKind.TABLE, sources=("cases.Case",))
class Livelihood:
    """涉民生 and 农民工工资 cases: open, filed and closed this year, money recovered (yuan)."""

    FLAGS = (("is_livelihood", _("涉民生")), ("is_migrant_wages", _("农民工工资")))

    @classmethod
    def gather(cls, ctx):
        out = {}
        for flag, _label in cls.FLAGS:
            for court, v in _tagged(ctx, flag).items():
                out[court] = merge(out.get(court), v)
        return out

    @classmethod
    def finish(cls, total, view):
        rows = []
        for flag, label in cls.FLAGS:
            t = total.get(flag, {})
            rows.append(
                [
                    str(label),
                    t.get("open", 0),
                    t.get("recv_year", 0),
                    t.get("closed_year", 0),
                    money(t.get("recovered")),
                ]
            )
        return {
            "columns": [str(_("类别")), str(_("在办")), str(_("本年收案")), str(_("本年结案")), str(_("执行到位(元)"))],
            "rows": rows,
        }


@register(9, _("涉党政机关案件"), ModuleGroup.CASES, ChartKind.KPI, sources=("cases.Case",))
class Government:
    """Cases in which a government body is the respondent (涉党政机关): open, this year's, money owed."""

    @staticmethod
    def gather(ctx):
        return _tagged(ctx, "is_government")

    @staticmethod
    def finish(total, view):
        t = total.get("is_government", {})
        return kpi(
            (_("在办"), t.get("open", 0), _("件")),
            (_("本年收案"), t.get("recv_year", 0), _("件")),
            (_("本年结案"), t.get("closed_year", 0), _("件")),
            (_("未执行金额"), money(t.get("outstanding")), _("元")),
        )


TREND_DAYS = 30


@register(10, _("近30日收结案趋势"), ModuleGroup.CASES, ChartKind.LINE, interval=60, sources=("cases.Case",))
class IntakeTrend:
    """Cases filed and closed per day over the last 30 days (today included)."""

    @staticmethod
    def gather(ctx):
        first = ctx.today - dt.timedelta(days=TREND_DAYS - 1)
        out = {}
        if tally.enabled():  # the tally's F and C rows of those days
            qs = ctx.scoped(CaseTally.objects.filter(day__gte=first, day__lte=ctx.today)).order_by()
            filed = qs.filter(kind="F").values("court", "day").annotate(n=Sum("n")).filter(n__gt=0)
            closed = qs.filter(kind="C").values("court", "day").annotate(n=Sum("n")).filter(n__gt=0)
        else:
            qs = ctx.scoped(Case.objects.all()).order_by()
            filed = (
                qs.filter(filed_on__gte=first, filed_on__lte=ctx.today)
                .values("court", day=F("filed_on"))
                .annotate(n=Count("id"))
            )
            closed = qs.closed_in(first, ctx.today).values("court", day=F("closed_on")).annotate(n=Count("id"))
        for r in filed:
            add_to(out, r["court"], filed={r["day"].isoformat(): r["n"]})
        for r in closed:
            add_to(out, r["court"], closed={r["day"].isoformat(): r["n"]})
        return out

    @staticmethod
    def finish(total, view):
        days = [(view.today - dt.timedelta(days=i)).isoformat() for i in range(TREND_DAYS - 1, -1, -1)]
        return {
            "categories": [d[5:] for d in days],
            "series": [
                {"name": str(_("收案")), "values": [total.get("filed", {}).get(d, 0) for d in days]},
                {"name": str(_("结案")), "values": [total.get("closed", {}).get(d, 0) for d in days]},
            ],
        }
