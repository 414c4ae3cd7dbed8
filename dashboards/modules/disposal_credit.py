"""处置 21–23 (auctions), 案款 26 (unclaimed money), 信用惩戒 27–29 (measures), over the cases app's rows.

The auction rates are the cases app's own functions (cases.auctions.deal_rate / premium_rate, docs/design.md §3),
called on each scope's rounds, so the screen and the case pages can never disagree on a definition.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Max, Q
from django.utils.translation import gettext_lazy as _

from cases import auctions
from cases.choices import COERCIVE_MEASURES, AuctionItemStatus, AuctionOutcome, MeasureKind, MeasureStatus
from cases.models import AuctionItem, AuctionRound, Measure, UnclaimedReceipt
from cases.money import unclaimed
from execcenter.money import MoneySum
from execcenter.rounding import round_half_up

from ..choices import ChartKind, ModuleGroup
from ..registry import add_to, kpi, money, register

# 拍卖法 Art. 56: without agreement an auctioneer may charge each of seller and buyer up to 5% of the price;
# online judicial auctions charge no commission (网拍规定 Art. 33), so the buyer-side 5% is what is saved.
COMMISSION_RATE = Decimal("0.05")
# An appraisal report is valid for one year (评估报告使用有效期一年); older reports need re-appraisal.
APPRAISAL_VALID_DAYS = 365
# 网拍规定 Art. 26: after a failed round the next is held within 30 days.
RELIST_DAYS = 30


def _percent(fraction):
    return None if fraction is None else str(round_half_up(fraction * 100, 2))


@register(21, _("网络司法拍卖"), ModuleGroup.DISPOSAL, ChartKind.KPI, interval=60, sources=("cases.AuctionRound",))
class Auctions:
    """Items on auction now, rounds sold / unsold this year, deal rate and premium rate (cases.auctions)."""

    @staticmethod
    def gather(ctx):
        out = {}
        for r in (
            ctx.scoped(AuctionItem.objects.all())
            .order_by()
            .values("case__court")
            .annotate(listed=Count("id", filter=Q(status=AuctionItemStatus.LISTED)))
        ):
            add_to(out, r.pop("case__court"), **r)
        # This year's rounds, totalled per court once (cases.auctions' totals add up), not once per scope.
        rounds = ctx.scoped(AuctionRound.objects.filter(concluded_on__gte=ctx.year_start, concluded_on__lte=ctx.today))
        for r in rounds.order_by().values("item__case__court").annotate(**auctions.totals_aggregates()):
            add_to(out, r.pop("item__case__court"), rounds=r)
        return out

    @staticmethod
    def finish(total, view):
        t = {"sold": 0, "unsold": 0, "deal_total": None, "start_total": None, "premium_total": None}
        t.update(total.get("rounds") or {})
        return kpi(
            (_("拍卖中"), total.get("listed", 0), _("件")),
            (_("本年成交"), t["sold"], _("次")),
            (_("本年流拍"), t["unsold"], _("次")),
            (_("成交率"), _percent(auctions.deal_rate_of(t)), "%"),
            (_("溢价率"), _percent(auctions.premium_rate_of(t)), "%"),
        )


@register(
    22, _("拍卖成交额与节省佣金"), ModuleGroup.DISPOSAL, ChartKind.KPI, interval=60, sources=("cases.AuctionRound",)
)
class AuctionAmounts:
    """Deal amounts this year and this month, and the buyer commission saved by auctioning online."""

    @staticmethod
    def gather(ctx):
        sold = ctx.scoped(
            AuctionRound.objects.filter(
                outcome=AuctionOutcome.SOLD, concluded_on__gte=ctx.year_start, concluded_on__lte=ctx.today
            )
        )
        out = {}
        for r in (
            sold.order_by()
            .values("item__case__court")
            .annotate(
                year=MoneySum("deal_price"), month=MoneySum("deal_price", filter=Q(concluded_on__gte=ctx.month_start))
            )
        ):
            add_to(out, r.pop("item__case__court"), year=r["year"] or Decimal(0), month=r["month"] or Decimal(0))
        return out

    @staticmethod
    def finish(total, view):
        year = total.get("year") or Decimal(0)
        return kpi(
            (_("本年成交额"), money(year), _("元")),
            (_("本月成交额"), money(total.get("month")), _("元")),
            (_("节省佣金"), money(year * COMMISSION_RATE), _("元")),
        )


@register(23, _("处置滞后财产"), ModuleGroup.DISPOSAL, ChartKind.KPI, interval=60, sources=("cases.AuctionItem",))
class StalledItems:
    """Items whose appraisal is over a year old and not sold, and failed items not relisted within 30 days."""

    @staticmethod
    def gather(ctx):
        waiting = ctx.scoped(
            AuctionItem.objects.filter(status__in=[AuctionItemStatus.PENDING, AuctionItemStatus.UNSOLD])
        )
        out = {}
        old = ctx.today - dt.timedelta(days=APPRAISAL_VALID_DAYS)
        for r in (
            waiting.order_by().values("case__court").annotate(appraisal=Count("id", filter=Q(appraised_on__lt=old)))
        ):
            add_to(out, r.pop("case__court"), **r)
        relist_by = ctx.today - dt.timedelta(days=RELIST_DAYS)
        unsold = (
            waiting.filter(status=AuctionItemStatus.UNSOLD)
            .annotate(last=Max("rounds__concluded_on"))
            .filter(last__lt=relist_by)
        )
        for r in unsold.values("case__court"):
            add_to(out, r["case__court"], relist=1)
        return out

    @staticmethod
    def finish(total, view):
        return kpi(
            (_("评估超期未处置"), total.get("appraisal", 0), _("件")),
            (_("流拍逾30日未再拍"), total.get("relist", 0), _("件")),
        )


@register(26, _("不明款"), ModuleGroup.MONEY, ChartKind.KPI, sources=("cases.UnclaimedReceipt",))
class Unclaimed:
    """Money received without an identifiable case (不明款), not yet matched: count, amount, oldest."""

    @staticmethod
    def gather(ctx):
        out = {}
        for r in (
            unclaimed(ctx.scoped(UnclaimedReceipt.objects.all()))
            .order_by()
            .values("court")
            .annotate(
                n=Count("id"),
                amount=MoneySum("amount"),
                over30=Count("id", filter=Q(received_at__lt=ctx.day_start(ctx.today - dt.timedelta(days=30)))),
            )
        ):
            add_to(out, r.pop("court"), **r)
        return out

    @staticmethod
    def finish(total, view):
        return kpi(
            (_("未认领笔数"), total.get("n", 0), _("笔")),
            (_("未认领金额"), money(total.get("amount")), _("元")),
            (_("超30日未认领"), total.get("over30", 0), _("笔")),
        )


def _measures(ctx, kinds):
    return ctx.scoped(Measure.objects.filter(kind__in=kinds))


@register(27, _("失信被执行人名单"), ModuleGroup.CREDIT, ChartKind.KPI, sources=("cases.Measure",))
class Dishonest:
    """Dishonest listings added and removed this year, active now, and removals overdue (3 working days)."""

    @staticmethod
    def gather(ctx):
        out = {}
        year = Q(decided_on__gte=ctx.year_start, decided_on__lte=ctx.today)
        for r in (
            _measures(ctx, [MeasureKind.DISHONEST])
            .order_by()
            .values("case__court")
            .annotate(
                added=Count("id", filter=year),
                removed=Count(
                    "id", filter=Q(status=MeasureStatus.REMOVED, ended_on__gte=ctx.year_start, ended_on__lte=ctx.today)
                ),
                active=Count("id", filter=Q(status=MeasureStatus.ACTIVE)),
                removal_overdue=Count("id", filter=Q(status=MeasureStatus.ACTIVE, removal_due__lt=ctx.today)),
            )
        ):
            add_to(out, r.pop("case__court"), **r)
        return out

    @staticmethod
    def finish(total, view):
        g = lambda k: total.get(k, 0)  # noqa: E731
        return kpi(
            (_("本年纳入"), g("added"), _("人次")),
            (_("本年删除"), g("removed"), _("人次")),
            (_("名单在册"), g("active"), _("人次")),
            (_("逾期未删除"), g("removal_overdue"), _("人次")),
        )


@register(28, _("限制高消费"), ModuleGroup.CREDIT, ChartKind.KPI, sources=("cases.Measure",))
class ConsumptionRestrictions:
    """Consumption restrictions in force, issued this year and lifted this year."""

    @staticmethod
    def gather(ctx):
        out = {}
        for r in (
            _measures(ctx, [MeasureKind.CONSUMPTION_RESTRICTION])
            .order_by()
            .values("case__court")
            .annotate(
                active=Count("id", filter=Q(status=MeasureStatus.ACTIVE)),
                added=Count("id", filter=Q(decided_on__gte=ctx.year_start, decided_on__lte=ctx.today)),
                lifted=Count(
                    "id",
                    filter=~Q(status=MeasureStatus.ACTIVE) & Q(ended_on__gte=ctx.year_start, ended_on__lte=ctx.today),
                ),
            )
        ):
            add_to(out, r.pop("case__court"), **r)
        return out

    @staticmethod
    def finish(total, view):
        return kpi(
            (_("限高在册"), total.get("active", 0), _("人次")),
            (_("本年发布"), total.get("added", 0), _("人次")),
            (_("本年解除"), total.get("lifted", 0), _("人次")),
        )


@register(29, _("强制措施"), ModuleGroup.CREDIT, ChartKind.BAR, sources=("cases.Measure",))
class Coercive:
    """Detentions, fines (with the amount) and criminal referrals (拒执罪) decided this year."""

    @staticmethod
    def gather(ctx):
        out = {}
        qs = _measures(ctx, COERCIVE_MEASURES).filter(decided_on__gte=ctx.year_start, decided_on__lte=ctx.today)
        for r in qs.order_by().values("case__court", "kind").annotate(n=Count("id"), amount=MoneySum("amount")):
            add_to(out, r["case__court"], **{r["kind"]: r["n"]})
            if r["kind"] == MeasureKind.FINE:
                add_to(out, r["case__court"], fine_amount=r["amount"] or Decimal(0))
        return out

    @staticmethod
    def finish(total, view):
        kinds = [MeasureKind(k) for k in COERCIVE_MEASURES]
        return {
            "categories": [str(k.label) for k in kinds],
            "series": [{"name": str(_("本年")), "values": [total.get(k.value, 0) for k in kinds]}],
            **kpi(
                *[(k.label, total.get(k.value, 0), _("人次")) for k in kinds],
                (_("罚款金额"), money(total.get("fine_amount")), _("元")),
            ),
        }
