"""查控 module 13: institution response times (p50 / p95) and the institutions failing, each with its own p95, over the
last 24 hours.

Percentiles do not add across courts, but a latency *histogram* does: each court's answers are counted per
latency bucket (one GROUP BY over court and bucket), the histograms of a scope's subtree are added by the
registry's merge, and the percentiles are read off the merged histogram with the same linear interpolation as
PostgreSQL's percentile_cont. One query serves all 28 scopes.

Buckets are 1 ms below 1 s, 10 ms from 1 s to 10 s and 100 ms above (each latency rounded down), so the
figures are exact for the usual answers and within 1 % for slow ones, and a court's histogram has at most
~2,100 buckets for a 30 s timeout however many millions of answers a day brings.

Every answer counts, timeouts included: a timeout is the longest wait a court experienced and leaving it out
would make a failing institution look fast.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, F, IntegerField, Q, When
from django.utils.translation import gettext_lazy as _

from querycontrol.choices import InstitutionKind, QueryResultStatus
from querycontrol.models import QueryResult

from ..choices import ChartKind, ModuleGroup
from ..registry import add_to, kpi, rate, register

WINDOW = dt.timedelta(hours=24)
# Integer division rounds down on PostgreSQL and SQLite alike.
BUCKET = Case(
    When(latency_ms__lt=1000, then=F("latency_ms")),
    When(latency_ms__lt=10000, then=F("latency_ms") / 10 * 10),
    default=F("latency_ms") / 100 * 100,
    output_field=IntegerField(),
)
FAILING_ROWS = 10


def _value_at(items, rank):
    """The value at 0-based `rank` in the sorted multiset described by (value, count) pairs."""
    seen = 0
    for value, count in items:
        seen += count
        if seen > rank:
            return value
    raise IndexError(rank)


def percentile(histogram, p):
    """The p-quantile (0 ≤ p ≤ 1) of the values counted in `histogram` ({value: count}), interpolated
    linearly between the two nearest ranks like PostgreSQL's percentile_cont; None when nothing was counted."""
    n = sum(histogram.values())
    if not n:
        return None
    items = sorted(histogram.items())
    pos = Decimal(str(p)) * (n - 1)
    lo = int(pos)
    v_lo, v_hi = _value_at(items, lo), _value_at(items, min(lo + 1, n - 1))
    return int((v_lo + (v_hi - v_lo) * (pos - lo)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@register(
    13, _("协助单位响应时间"), ModuleGroup.QUERY, ChartKind.TABLE, interval=30, sources=("querycontrol.QueryResult",)
)
class InstitutionResponse:
    """p50 / p95 of institution answers in the last 24 hours, and the institutions with failures or timeouts."""

    @staticmethod
    def gather(ctx):
        answers = ctx.scoped(QueryResult.objects.filter(answered_at__gt=ctx.now - WINDOW, answered_at__lte=ctx.now))
        out = {}
        for r in answers.order_by().annotate(bucket=BUCKET).values("request__court", "bucket").annotate(n=Count("id")):
            add_to(out, r["request__court"], hist={r["bucket"]: r["n"]})
        bad = Q(status__in=(QueryResultStatus.FAILED, QueryResultStatus.TIMEOUT))
        # Only institutions with at least one failure are returned, so the rows stay few.
        failing = (
            answers.order_by()
            .values("request__court", "institution", "institution__name", "institution__kind")
            .annotate(
                n=Count("id"),
                failed=Count("id", filter=Q(status=QueryResultStatus.FAILED)),
                timeout=Count("id", filter=Q(status=QueryResultStatus.TIMEOUT)),
                bad=Count("id", filter=bad),
            )
            .filter(bad__gt=0)
        )
        keys = {}
        for r in failing:
            key = keys[r["institution"]] = (r["institution"], r["institution__name"], r["institution__kind"])
            add_to(
                out,
                r["request__court"],
                failing={key: {"n": r["n"], "failed": r["failed"], "timeout": r["timeout"]}},
                failed=r["failed"],
                timeout=r["timeout"],
            )
        # The failing institutions' own latency histograms (all their answers, as above), for their P95 column.
        for r in (
            answers.filter(institution__in=list(keys))
            .order_by()
            .annotate(bucket=BUCKET)
            .values("request__court", "institution", "bucket")
            .annotate(n=Count("id"))
        ):
            add_to(out, r["request__court"], failing={keys[r["institution"]]: {"hist": {r["bucket"]: r["n"]}}})
        return out

    @staticmethod
    def finish(total, view):
        hist = total.get("hist", {})
        answers = sum(hist.values())
        # An institution that failed in one court has its histogram in others too: only failures make it a row here.
        bad = {key: f for key, f in total.get("failing", {}).items() if f.get("failed", 0) + f.get("timeout", 0)}
        failing = sorted(bad.items(), key=lambda kv: (-(kv[1]["failed"] + kv[1]["timeout"]), kv[0][1]))[:FAILING_ROWS]
        kinds = dict(InstitutionKind.choices)
        return {
            **kpi(
                (_("24小时反馈"), answers, _("次")),
                (_("P50响应"), percentile(hist, 0.5), "ms"),
                (_("P95响应"), percentile(hist, 0.95), "ms"),
                (_("失败"), total.get("failed", 0), _("次")),
                (_("超时"), total.get("timeout", 0), _("次")),
                (_("异常单位"), len(bad), _("家")),
            ),
            "columns": [str(_("协助单位")), str(_("类别")), str(_("失败")), str(_("超时")), str(_("异常率")), "P95 ms"],
            "rows": [
                [
                    name,
                    str(kinds.get(kind, kind)),
                    f["failed"],
                    f["timeout"],
                    rate(f["failed"] + f["timeout"], f["n"]),
                    percentile(f.get("hist", {}), 0.95),
                ]
                for (_pk, name, kind), f in failing
            ],
        }
