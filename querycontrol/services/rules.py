"""The law on control orders, checked server-side before an order is filed, submitted and approved.

- No over-freezing (《最高人民法院关于人民法院民事执行中查封、扣押、冻结财产的规定》Art. 19): everything the
  case controls may not exceed the outstanding claim plus costs.
- Terms (民诉法解释 2022 Art. 485): deposits ≤ 1 year, movables ≤ 2, real estate and other rights ≤ 3;
  each renewal ≤ the same term and only while the control (freeze / seal) is in force.
- Deduction only from funds frozen for the same case (a deduction is also a freeze).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from execcenter.exceptions import RuleViolation
from execcenter.money import MoneySum, require_amount
from querycontrol.choices import HOLDING_OUTCOMES, InstitutionAction, OrderKind, OrderOutcome, OrderStatus
from querycontrol.models import ControlOrder
from querycontrol.models.orders import PENDING_STATUSES

if TYPE_CHECKING:
    from cases.models import Case
    from querycontrol.models import Institution

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def controlled_value(case: Case, exclude: ControlOrder | None = None) -> Decimal:
    """What the case's freezes and seals hold, wait in line for, or are about to ask for."""
    total = ZERO
    qs = ControlOrder.objects.filter(case=case).counting_against_limit()
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    for status, outcome, requested, held in qs.values_list("status", "outcome", "requested_amount", "held_amount"):
        if status == OrderStatus.DONE and outcome in HOLDING_OUTCOMES:
            total += held
        else:  # pending, or queued: it may take its full requested amount when it takes effect
            total += requested
    return total


def control_limit(case: Case) -> Decimal:
    """Outstanding claim plus costs (查封规定 Art. 19)."""
    return (case.outstanding_amount or ZERO) + (case.costs_amount or ZERO)


def freeze_allowance(case: Case, exclude: ControlOrder | None = None) -> Decimal:
    """How much more the case may freeze: the amount a new freeze is pre-filled with."""
    return max(control_limit(case) - controlled_value(case, exclude=exclude), ZERO)


def max_term_days(institution: Institution, start: datetime.date | None = None) -> int:
    return institution.max_term_days(start or timezone.localdate())


def check_amount(amount: Decimal | str | int) -> Decimal:
    """A positive amount in yuan to the fen (execcenter.money.parse_amount), or RuleViolation."""
    return require_amount(amount)


def check_term(institution: Institution, term_days: int | None, start: datetime.date | None = None) -> int:
    longest = max_term_days(institution, start)
    if term_days is None:
        return longest
    if not isinstance(term_days, int) or term_days <= 0:
        raise RuleViolation(_("期限天数必须为正整数 (term_days must be a positive integer)"), code="term_invalid")
    if term_days > longest:
        raise RuleViolation(
            _(
                "期限 %(days)s 天超过法定最长期限 %(max)s 天（民诉法解释第485条：存款1年、动产2年、不动产及其他财产权3年）"
                " (term exceeds the legal maximum, Art. 485)"
            )
            % {"days": term_days, "max": longest},
            code="term_too_long",
        )
    return term_days


def check_supported(institution: Institution, action: str) -> None:
    if not institution.supports(action):
        raise RuleViolation(
            _("%(inst)s 不办理%(action)s (the institution does not support this action)")
            % {"inst": institution.name, "action": InstitutionAction(action).label},
            code="not_supported",
        )


def check_no_over_freeze(
    case: Case, amount: Decimal, order: ControlOrder | None = None, *, indivisible: bool = False
) -> None:
    """查封规定 Art. 19. An indivisible asset (a seal of a flat, a vehicle) may exceed the limit only when
    nothing else is controlled: the exception of Art. 19 for a debtor with no other property."""
    others = controlled_value(case, exclude=order)
    allowed = max(control_limit(case) - others, ZERO)
    if amount <= allowed:
        return
    if indivisible and others == ZERO:
        return
    raise RuleViolation(
        _(
            "超标的冻结：本案未执行金额及费用 %(limit)s 元，已控制 %(held)s 元，本次最多还可冻结 %(allowed)s 元"
            "（查封规定第19条） (over-freezing: at most %(allowed)s more may be controlled)"
        )
        % {"limit": control_limit(case), "held": others, "allowed": allowed},
        code="over_freeze",
        details={"allowed": str(allowed)},
    )


def check_target(order_kind: str, target: ControlOrder | None, case: Case) -> None:
    """renew / unfreeze / deduct act on a freeze or seal of the same case that is in force."""
    if target is None:
        raise RuleViolation(
            _("请选择要%(kind)s的原冻结/查封 (a target freeze is required)") % {"kind": OrderKind(order_kind).label},
            code="target_required",
        )
    if target.case_id != case.pk:
        raise RuleViolation(
            _("只能对本案的冻结款项%(kind)s (only freezes of the same case)") % {"kind": OrderKind(order_kind).label},
            code="target_other_case",
        )
    if order_kind == OrderKind.DEDUCT and target.kind != OrderKind.FREEZE:
        raise RuleViolation(_("只能扣划已冻结的资金 (deduct only from frozen funds)"), code="deduct_not_frozen")
    waiting = target.status == OrderStatus.DONE and target.outcome == OrderOutcome.QUEUED
    if order_kind == OrderKind.UNFREEZE and waiting:
        return  # withdrawing from the queue (轮候) is allowed
    if not target.is_holding:
        raise RuleViolation(
            _("原冻结/查封未生效或已解除、失效 (the target freeze is not in force)"), code="target_not_holding"
        )
    if order_kind == OrderKind.RENEW and target.expires_on and target.expires_on < timezone.localdate():
        raise RuleViolation(
            _("冻结期限已届满，只能在到期前续冻（民诉法解释第485条） (renew only before expiry)"),
            code="renew_after_expiry",
        )


def committed_on_target(target: ControlOrder, exclude: ControlOrder | None = None) -> Decimal:
    """Deductions and releases already on their way for `target` (they use up its frozen funds)."""
    qs = ControlOrder.objects.filter(
        target=target, kind__in=[OrderKind.DEDUCT, OrderKind.UNFREEZE], status__in=PENDING_STATUSES
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.aggregate(t=MoneySum("requested_amount"))["t"] or ZERO


def check_within_frozen(
    order_kind: str, target: ControlOrder | None, amount: Decimal, order: ControlOrder | None = None
) -> None:
    free = target.held_amount - committed_on_target(target, exclude=order)
    if amount > free:
        what = _("扣划") if order_kind == OrderKind.DEDUCT else _("解冻")
        raise RuleViolation(
            _(
                "%(what)s金额 %(amount)s 元超过本案在该账户的冻结余额 %(free)s 元 (amount exceeds the funds frozen for this case)"
            )
            % {"what": what, "amount": amount, "free": max(free, ZERO)},
            code="exceeds_frozen",
            details={"allowed": str(max(free, ZERO))},
        )


def renewal_start(target: ControlOrder) -> datetime.date:
    return (target.expires_on or timezone.localdate()) + datetime.timedelta(days=1)
