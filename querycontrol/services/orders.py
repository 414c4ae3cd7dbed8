"""Control orders: file → submit → approve (four-eyes) → send → done, each step a compare-and-swap.

Exactly once: the order's UUID travels to the institution as the idempotency key, so a send that is
retried, redelivered after a crash or run twice gets the institution's first answer; the answer is
applied to our rows in one transaction guarded by `status=SENT`, so it is applied once; and the
deduction's receipt is booked with reference "deduct:<uuid>", which the case ledger books once.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from cases.services import add_event
from execcenter import outbox
from execcenter.exceptions import DomainError, InvalidTransition, PermissionDenied, RuleViolation
from execcenter.money import require_amount
from execcenter.scope import has_role, is_partner, officer_of, user_of
from execcenter.services import actor_label, audit
from querycontrol import documents
from querycontrol.choices import AssetKind, OrderKind, OrderOutcome, OrderStatus
from querycontrol.models import ControlOrder
from querycontrol.models.orders import PENDING_STATUSES

from . import rules
from .flow import move
from .numbering import next_document_no

if TYPE_CHECKING:
    from django.http import HttpRequest

    from execcenter.services import Actor
    from querycontrol.models import FoundAsset

FILING_ROLES = ("judge", "officer")
ZERO = Decimal("0.00")
# Asset kinds that are money (frozen by amount, deductible); the others are sealed whole.
CASH_KINDS = {AssetKind.DEPOSIT, AssetKind.PAYMENT, AssetKind.PROVIDENT_FUND, AssetKind.SECURITIES, AssetKind.INSURANCE}


def _not_found():
    return DomainError(_("记录不存在 (not found)"), code="not_found", status=404)


def check_may_file(actor: Actor, case: Case) -> None:
    if not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
        raise _not_found()
    if is_partner(actor):
        if not actor.allows("control"):
            raise PermissionDenied(_("该 API 密钥无权提交控制措施 (this key may not file orders)"))
    elif not has_role(actor, *FILING_ROLES):
        raise PermissionDenied(_("只有执行法官或执行员可以提交控制措施 (only judges and officers may file orders)"))
    if not case.is_open:
        raise RuleViolation(_("案件已结案，不能采取控制措施 (the case is closed)"), code="case_closed")


def suggested_amount(kind: str, asset: FoundAsset | None = None, target: ControlOrder | None = None) -> Decimal | None:
    """What the law allows, for pre-filling the form: freeze ≤ min(available, allowance), deduct ≤ frozen."""
    if kind == OrderKind.FREEZE and asset is not None:
        return min(asset.available, rules.freeze_allowance(asset.case))
    if kind in (OrderKind.DEDUCT, OrderKind.UNFREEZE) and target is not None:
        free = max(target.held_amount - rules.committed_on_target(target), ZERO)
        if kind == OrderKind.DEDUCT:
            free = min(free, rules.control_limit(target.case) - _pending_deductions(target.case))
        return max(free, ZERO)
    if kind == OrderKind.SEAL and asset is not None:
        return asset.balance
    return None


def _pending_deductions(case, exclude=None):
    qs = ControlOrder.objects.filter(case=case, kind=OrderKind.DEDUCT, status__in=PENDING_STATUSES)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return sum(qs.values_list("requested_amount", flat=True), ZERO)


def _validate(order, case):
    """Every legal rule for `order` against the case as it stands now (called with the case row locked)."""
    kind = order.kind
    inst = order.institution
    rules.check_supported(inst, kind)
    if kind in (OrderKind.FREEZE, OrderKind.SEAL):
        asset = order.asset
        is_cash = asset.kind in CASH_KINDS
        if kind == OrderKind.FREEZE and not is_cash:
            raise RuleViolation(_("该财产应查封而非冻结 (seal this asset, do not freeze it)"), code="seal_not_freeze")
        if kind == OrderKind.SEAL and is_cash:
            raise RuleViolation(
                _("资金账户应冻结而非查封 (freeze this account, do not seal it)"), code="freeze_not_seal"
            )
        if (
            ControlOrder.objects.filter(case=case, asset__institution=inst, asset__asset_ref=asset.asset_ref)
            .counting_against_limit()
            .exclude(pk=order.pk)
            .exists()
        ):
            raise RuleViolation(
                _("本案对该财产已有冻结/查封，请续冻、解冻或扣划原措施 (this case already controls the asset)"),
                code="already_controlled",
            )
        order.term_days = rules.check_term(inst, order.term_days)
        rules.check_amount(order.requested_amount)
        rules.check_no_over_freeze(case, order.requested_amount, order, indivisible=kind == OrderKind.SEAL)
        return
    target = order.target
    rules.check_target(kind, target, case)
    if kind == OrderKind.RENEW:
        order.term_days = rules.check_term(inst, order.term_days, rules.renewal_start(target))
        if (
            ControlOrder.objects.filter(target=target, kind=OrderKind.RENEW, status__in=PENDING_STATUSES)
            .exclude(pk=order.pk)
            .exists()
        ):
            raise RuleViolation(_("该冻结已有待办理的续冻 (a renewal is already on its way)"), code="renewal_pending")
        return
    if kind == OrderKind.UNFREEZE and target.outcome == OrderOutcome.QUEUED:
        return
    rules.check_amount(order.requested_amount)
    rules.check_within_frozen(kind, target, order.requested_amount, order)
    if kind == OrderKind.DEDUCT:
        owed = rules.control_limit(case) - _pending_deductions(case, exclude=order)
        if order.requested_amount > owed:
            raise RuleViolation(
                _("扣划金额超过未执行金额及费用 %(owed)s 元 (deduction exceeds what is owed)")
                % {"owed": max(owed, ZERO)},
                code="deduct_exceeds_claim",
                details={"allowed": str(max(owed, ZERO))},
            )


@transaction.atomic
def file_order(
    actor: Actor,
    kind: str,
    *,
    case: Case | None = None,
    asset: FoundAsset | None = None,
    target: ControlOrder | None = None,
    amount: Decimal | str | None = None,
    term_days: int | None = None,
    submit: bool = True,
    request: HttpRequest | None = None,
) -> ControlOrder:
    """Create an order (draft; submitted unless `submit=False`). Nothing is sent before approval.

    `case` is the case the order is filed in (default: the asset's); renew / unfreeze / deduct name
    the freeze they act on (`target`), which must belong to that same case.
    """
    kind = OrderKind(kind)
    if target is not None:
        asset = target.asset
    if asset is None:
        raise RuleViolation(_("请选择财产 (an asset is required)"), code="asset_required")
    case = Case.objects.select_for_update().get(pk=(case.pk if case is not None else asset.case_id))
    check_may_file(actor, case)
    if target is not None:
        rules.check_target(kind, target, case) if kind not in (OrderKind.FREEZE, OrderKind.SEAL) else None
    if asset.case_id != case.pk:
        raise RuleViolation(_("该财产不是本案查询所得 (the asset was not found in this case)"), code="asset_other_case")
    if kind in (OrderKind.FREEZE, OrderKind.SEAL):
        target = None
    if kind == OrderKind.SEAL:
        amount = asset.balance
    elif kind == OrderKind.RENEW:
        amount = target.held_amount if target is not None else ZERO
    elif kind == OrderKind.UNFREEZE and amount is None and target is not None:
        amount = target.held_amount if target.outcome != OrderOutcome.QUEUED else target.requested_amount
    if amount is None:
        amount = suggested_amount(kind, asset=asset, target=target)
    order = ControlOrder(
        case=case,
        court=case.court,
        kind=kind,
        asset=asset,
        institution=asset.institution,
        respondent_id=asset.respondent_id,
        target=target,
        requested_amount=require_amount(amount or 0, allow_zero=True),
        term_days=term_days,
        filed_by=user_of(actor),
        filed_by_label=actor_label(actor)[:64],
    )
    _validate(order, case)
    order.save()
    audit(
        actor,
        "querycontrol.order.file",
        order,
        court=case.court,
        request=request,
        details={"kind": kind, "amount": str(order.requested_amount), "asset": asset.asset_ref},
    )
    if submit:
        _submit(actor, order, case, request)
    return order


def _submit(actor, order, case, request):
    _validate(order, case)
    if not move(
        order.pk, OrderStatus.DRAFT, OrderStatus.SUBMITTED, submitted_at=timezone.now(), term_days=order.term_days
    ):
        raise InvalidTransition(_("只有草稿可以提交 (only drafts can be submitted)"))
    order.status = OrderStatus.SUBMITTED
    add_event(
        case,
        "order",
        _("提交%(kind)s申请：%(inst)s %(amount)s 元")
        % {"kind": order.get_kind_display(), "inst": order.institution.name, "amount": order.requested_amount},
        actor,
        {"order": order.pk},
    )
    audit(actor, "querycontrol.order.submit", order, court=case.court, request=request)


@transaction.atomic
def submit_order(actor: Actor, order: ControlOrder, *, request: HttpRequest | None = None) -> ControlOrder:
    case = Case.objects.select_for_update().get(pk=order.case_id)
    check_may_file(actor, case)
    order = ControlOrder.objects.select_related("asset", "institution", "target").get(pk=order.pk)
    _submit(actor, order, case, request)
    return order


def check_may_decide(actor: Actor, order: ControlOrder) -> None:
    """Four-eyes: an approver of the order's own court, and never the one who filed it."""
    officer = officer_of(actor)
    if is_partner(actor) or officer is None:
        raise PermissionDenied(_("审批须由本院执行局长本人进行 (an approver of the court must decide)"))
    if not ControlOrder.objects.visible_to(actor).filter(pk=order.pk).exists():
        raise _not_found()
    if not officer.has_role("approver"):
        raise PermissionDenied(_("只有执行局长可以审批控制措施 (only approvers may decide)"))
    if officer.court_id != order.court_id:
        raise PermissionDenied(_("只能审批本院的控制措施 (approve orders of your own court only)"))
    if order.filed_by_id is not None and order.filed_by_id == actor.pk:
        raise PermissionDenied(_("不能审批本人提交的控制措施（双人审批） (nobody approves their own order)"))


@transaction.atomic
def approve_order(
    actor: Actor, order: ControlOrder, *, note: str = "", request: HttpRequest | None = None
) -> ControlOrder:
    check_may_decide(actor, order)
    case = Case.objects.select_for_update().get(pk=order.case_id)
    order = ControlOrder.objects.select_related("asset", "institution", "target").get(pk=order.pk)
    if order.status != OrderStatus.SUBMITTED:
        raise InvalidTransition(_("该措施不在待审批状态 (the order is not awaiting approval)"))
    _validate(order, case)  # the case may have changed since filing (payments, other orders)
    document_no = next_document_no(case)
    if not move(
        order.pk,
        OrderStatus.SUBMITTED,
        OrderStatus.APPROVED,
        decided_by=actor,
        decided_by_label=actor_label(actor)[:64],
        decided_at=timezone.now(),
        decision_note=note[:200],
        document_no=document_no,
        term_days=order.term_days,
    ):
        raise InvalidTransition(_("该措施已被他人审批 (the order was decided by someone else)"))
    order.refresh_from_db()
    add_event(
        case,
        "order",
        _("批准%(kind)s：%(inst)s，文书编号 %(no)s")
        % {"kind": order.get_kind_display(), "inst": order.institution.name, "no": document_no},
        actor,
        {"order": order.pk},
    )
    audit(actor, "querycontrol.order.approve", order, court=case.court, request=request, details={"note": note})
    # The ruling and notice take effect now: rendered from this moment's figures, numbered, stored, never redone.
    documents.issue_order_documents(order, actor=actor, request=request)
    enqueue_send(order.pk)
    return order


@transaction.atomic
def reject_order(
    actor: Actor, order: ControlOrder, *, note: str = "", request: HttpRequest | None = None
) -> ControlOrder:
    check_may_decide(actor, order)
    if not (note or "").strip():
        raise RuleViolation(_("请填写驳回理由 (a reason is required)"), code="reason_required")
    if not move(
        order.pk,
        OrderStatus.SUBMITTED,
        OrderStatus.REJECTED,
        decided_by=actor,
        decided_by_label=actor_label(actor)[:64],
        decided_at=timezone.now(),
        decision_note=note[:200],
    ):
        raise InvalidTransition(_("该措施不在待审批状态 (the order is not awaiting approval)"))
    order.refresh_from_db()
    add_event(
        order.case,
        "order",
        _("驳回%(kind)s申请：%(note)s") % {"kind": order.get_kind_display(), "note": note},
        actor,
        {"order": order.pk},
    )
    audit(actor, "querycontrol.order.reject", order, court=order.court, request=request, details={"note": note})
    return order


def enqueue_send(order_id: int) -> None:
    """Called inside the approving transaction: the send message is an outbox row committed with the
    approval, handed to the broker after commit (or by the relay once a down broker is back)."""
    outbox.enqueue("querycontrol.tasks.send_order", [(order_id,)], fault_point="order.approved")


from .sending import apply_result, lapse_expired, send, watch_expiry  # noqa: E402,F401
