"""案款 modules 24–26: money recovered, payouts pending / overdue (法发〔2017〕6号: 30 days)."""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q
from django.utils.translation import gettext_lazy as _

from cases import predicates
from cases.choices import MoneyKind
from cases.models import MoneyEntry
from execcenter.money import MoneySum

from ..choices import ChartKind, ModuleGroup
from ..registry import add_to, kpi, money, register

ZERO = Decimal("0.00")


def money_facts(ctx):
    """Receipts and payouts per court today / this month / this year (shared by modules 24 and 38)."""

    def run():
        day = ctx.day_start
        t0, t1 = day(ctx.today), day(ctx.today + dt.timedelta(days=1))
        m0, y0 = day(ctx.month_start), day(ctx.year_start)
        receipt, payout = Q(kind=MoneyKind.RECEIPT), Q(kind=MoneyKind.PAYOUT)
        rows = (
            ctx.scoped(MoneyEntry.objects.filter(occurred_at__gte=y0, occurred_at__lt=t1))
            .order_by()
            .values("court")
            .annotate(
                in_today=MoneySum("amount", filter=receipt & Q(occurred_at__gte=t0)),
                in_month=MoneySum("amount", filter=receipt & Q(occurred_at__gte=m0)),
                in_year=MoneySum("amount", filter=receipt),
                out_today=MoneySum("amount", filter=payout & Q(occurred_at__gte=t0)),
                out_month=MoneySum("amount", filter=payout & Q(occurred_at__gte=m0)),
                out_year=MoneySum("amount", filter=payout),
            )
        )
        return {r.pop("court"): {k: v or ZERO for k, v in r.items()} for r in rows}

    return ctx.memo("money_facts", run)


@register(24, _("执行到位款"), ModuleGroup.MONEY, ChartKind.KPI, sources=("cases.MoneyEntry",))
class MoneyRecovered:
    """Money received into case accounts (deductions, voluntary payments, auction proceeds) and paid out."""

    @staticmethod
    def gather(ctx):
        return money_facts(ctx)

    @staticmethod
    def finish(total, view):
        g = lambda k: money(total.get(k))  # noqa: E731
        return {
            **kpi(
                (_("今日到位"), g("in_today"), _("元")),
                (_("本月到位"), g("in_month"), _("元")),
                (_("本年到位"), g("in_year"), _("元")),
                (_("今日发放"), g("out_today"), _("元")),
                (_("本月发放"), g("out_month"), _("元")),
                (_("本年发放"), g("out_year"), _("元")),
            ),
            "day": view.today.isoformat(),
        }


@register(25, _("案款待发放与超期"), ModuleGroup.MONEY, ChartKind.KPI, sources=("cases.MoneyEntry",))
class PendingPayouts:
    """Receipts not yet fully paid out; overdue once past their payout date (30 days after receipt)."""

    @staticmethod
    def gather(ctx):
        unpaid = ExpressionWrapper(
            F("amount") - F("paid_out_amount"), output_field=DecimalField(max_digits=16, decimal_places=2)
        )
        qs = ctx.scoped(MoneyEntry.objects.filter(kind=MoneyKind.RECEIPT, amount__gt=F("paid_out_amount")))
        overdue = predicates.payout_overdue(ctx.today)
        out = {}
        for r in (
            qs.order_by()
            .values("court")
            .annotate(
                pending=Count("id"),
                pending_amount=MoneySum(unpaid),
                overdue=Count("id", filter=overdue),
                overdue_amount=MoneySum(unpaid, filter=overdue),
            )
        ):
            add_to(out, r.pop("court"), **{k: v or (0 if "amount" not in k else ZERO) for k, v in r.items()})
        return out

    @staticmethod
    def finish(total, view):
        return kpi(
            (_("待发放笔数"), total.get("pending", 0), _("笔")),
            (_("待发放金额"), money(total.get("pending_amount")), _("元")),
            (_("超期未发放笔数"), total.get("overdue", 0), _("笔")),
            (_("超期未发放金额"), money(total.get("overdue_amount")), _("元")),
        )
