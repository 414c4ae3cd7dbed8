"""Settlements paid by instalments (分期履行的执行和解, 《最高人民法院关于执行和解若干问题的规定》2018).

Recording a settlement suspends the case (执行和解: its days stop counting against the statutory limit) and keeps
the plan: due dates and amounts. Receipts booked into the case account from the day of the agreement on are
matched to the instalments oldest first (`schedule`), so the case shows at any time what is paid and what is due.
The hourly scan (`check_missed`) marks a plan breached when an instalment is past due and not fully paid and
alerts the judge: on the applicant's request the court resumes enforcement (Art. 9: 恢复执行 of the original
judgment, cases.services.resume). A plan paid in full is performed, and the case may be closed as 执行完毕
(cases.closure allows it after a settlement).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from execcenter.choices import AlertSeverity
from execcenter.exceptions import InvalidTransition, RuleViolation
from execcenter.money import MoneySum
from execcenter.policy import require
from execcenter.scope import user_of
from execcenter.services import raise_alert, resolve_alerts

from .choices import MoneyKind, SettlementStatus, SuspensionKind
from .models import MoneyEntry, SettlementInstalment, SettlementPlan
from .services import _check_amount, _record, resume, suspend

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Row:
    seq: int
    due_on: object
    amount: Decimal
    paid: Decimal

    @property
    def outstanding(self):
        return self.amount - self.paid

    def missed(self, today):
        return self.due_on < today and self.paid < self.amount


@transaction.atomic
def record_settlement(actor, case, *, agreed_on, instalments, note="", request=None):
    """执行和解 with a payment plan. instalments: [(due_on date, amount)] in any order, each amount > 0 (yuan,
    2 places), due on or after `agreed_on`. Suspends the case and returns the SettlementPlan. Raises
    RuleViolation (bad plan), InvalidTransition (the case cannot be suspended now, or a plan is already active)."""
    require(actor, "case.suspend", case)
    if agreed_on > timezone.localdate():
        raise RuleViolation(_("和解日期不能晚于今天 (agreement date in the future)"), code="date_in_future")
    rows = sorted(((due, _check_amount(amount)) for due, amount in instalments), key=lambda r: r[0])
    if not rows:
        raise RuleViolation(_("请至少填写一期履行计划 (at least one instalment)"), code="no_instalments")
    if rows[0][0] < agreed_on:
        raise RuleViolation(
            _("履行日期不能早于和解日期 (an instalment is due before the agreement)"), code="due_before_agreement"
        )
    if SettlementPlan.objects.filter(case=case, status=SettlementStatus.ACTIVE).exists():
        raise InvalidTransition(
            _("本案已有履行中的和解协议 (a settlement is already running)"), code="settlement_active"
        )
    total = sum((a for _d, a in rows), ZERO)
    case = suspend(
        case,
        SuspensionKind.SETTLEMENT,
        (_("执行和解，分%(n)s期履行，共 %(t)s 元") % {"n": len(rows), "t": total})[:200],
        actor=actor,
        request=request,
        on=agreed_on,
    )
    plan = SettlementPlan.objects.create(
        case=case, agreed_on=agreed_on, total=total, note=(note or "")[:200], created_by=user_of(actor)
    )
    SettlementInstalment.objects.bulk_create(
        SettlementInstalment(plan=plan, seq=n, due_on=due, amount=amount)
        for n, (due, amount) in enumerate(rows, start=1)
    )
    _record(
        case,
        "settlement",
        _("执行和解：%(n)s期，共 %(t)s 元，首期 %(d)s") % {"n": len(rows), "t": total, "d": rows[0][0]},
        actor,
        "case.settlement",
        request=request,
        obj=plan,
        details={"plan": plan.pk, "instalments": [[d.isoformat(), str(a)] for d, a in rows]},
    )
    return plan


def paid_towards(plan):
    """Receipts into the case account from the day of the agreement on (yuan)."""
    start = timezone.make_aware(timezone.datetime.combine(plan.agreed_on, timezone.datetime.min.time()))
    return (
        MoneyEntry.objects.filter(case_id=plan.case_id, kind=MoneyKind.RECEIPT, occurred_at__gte=start).aggregate(
            s=MoneySum("amount")
        )["s"]
        or ZERO
    )


def schedule(plan):
    """[Row(seq, due_on, amount, paid)]: the money received since the agreement, matched to the instalments in order."""
    left = paid_towards(plan)
    rows = []
    for inst in plan.instalments.order_by("seq"):
        paid = min(left, inst.amount)
        left -= paid
        rows.append(Row(inst.seq, inst.due_on, inst.amount, paid))
    return rows


@transaction.atomic
def check_missed(today=None):
    """Beat (hourly, cases.tasks.scan_cases): performed plans are marked so; a plan with an instalment past due
    and not fully paid is breached and the judge is alerted once per instalment. Returns {"breached", "performed"}."""
    today = today or timezone.localdate()
    out = {"breached": 0, "performed": 0}
    for plan in SettlementPlan.objects.filter(
        status__in=[SettlementStatus.ACTIVE, SettlementStatus.BREACHED]
    ).select_related("case__court", "case__assigned_judge"):
        rows = schedule(plan)
        if all(r.paid == r.amount for r in rows):
            SettlementPlan.objects.filter(pk=plan.pk).update(status=SettlementStatus.PERFORMED)
            resolve_alerts(f"settlement:{plan.pk}:")
            out["performed"] += 1
            continue
        missed = [r for r in rows if r.missed(today)]
        if not missed:
            continue
        if plan.status == SettlementStatus.ACTIVE:
            SettlementPlan.objects.filter(pk=plan.pk, status=SettlementStatus.ACTIVE).update(
                status=SettlementStatus.BREACHED
            )
            out["breached"] += 1
        first = missed[0]
        judge = plan.case.assigned_judge
        raise_alert(
            kind="settlement.missed",
            court=plan.case.court,
            severity=AlertSeverity.WARNING,
            source=plan.case,
            dedup_key=f"settlement:{plan.pk}:missed:{first.seq}",
            link=reverse("cases:case-detail", args=[plan.case_id]),
            title=_("%(n)s 和解协议第%(s)s期未按期履行") % {"n": plan.case.number, "s": first.seq},
            message=_(
                "应于 %(d)s 履行 %(a)s 元，尚欠 %(o)s 元。请承办法官 %(j)s 告知申请执行人：可申请恢复执行原生效法律文书。"
            )
            % {
                "d": first.due_on,
                "a": first.amount,
                "o": first.outstanding,
                "j": judge.name if judge else _("（未分案）"),
            },
        )
    return out


@transaction.atomic
def resume_after_breach(actor, case, *, note="", request=None):
    """恢复执行 on the applicant's request after the settlement was not performed (和解规定 Art. 9): the case
    leaves suspension and the plan is ended. Raises InvalidTransition when no plan was breached."""
    plan = SettlementPlan.objects.select_for_update().filter(case=case, status=SettlementStatus.BREACHED).first()
    if plan is None:
        raise InvalidTransition(_("没有未按期履行的和解协议 (no breached settlement)"), code="no_breached_settlement")
    case = resume(case, actor=actor, request=request, note=note or _("申请执行人申请恢复执行（和解协议未履行）"))
    SettlementPlan.objects.filter(pk=plan.pk).update(status=SettlementStatus.ENDED)
    resolve_alerts(f"settlement:{plan.pk}:")
    return case
