"""Sending approved orders to the institution, applying its answer once, and watching terms.

A send is safe to repeat: APPROVED → SENT is a compare-and-swap, the institution answers a key it has
seen with its first answer, and the answer is applied under a row lock only while the order is SENT.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import ReceiptSource
from cases.services import add_event, record_receipt
from execcenter import faultpoints
from execcenter.choices import AlertSeverity
from execcenter.masking import mask_id_number
from execcenter.scope import is_partner
from execcenter.services import audit, raise_alert, resolve_alerts
from querycontrol.choices import OrderKind, OrderOutcome, OrderStatus
from querycontrol.connectors import (
    ControlResult,
    Party,
    PermanentConnectorError,
    TransientConnectorError,
    get_connector,
)
from querycontrol.connectors.validation import InvalidAnswer
from querycontrol.models import ControlOrder

from .flow import may_move, move
from .stalled import redeliver_stalled

if TYPE_CHECKING:
    from django.http import HttpRequest

    from execcenter.services import Actor

ZERO = Decimal("0.00")
EXPIRY_WARNINGS = (7, 15, 30)  # days before expiry at which an alert is raised (docs/design.md §4 module 16)


def _call(connector, order, attempt):
    common = dict(
        case_number=order.case.number, court_code=order.court.code, idempotency_key=str(order.uuid), attempt=attempt
    )
    code, ref = order.institution.code, order.asset.asset_ref
    if order.kind == OrderKind.FREEZE:
        return connector.freeze(code, ref, order.requested_amount, term_days=order.term_days, **common)
    if order.kind == OrderKind.SEAL:
        return connector.seal(code, ref, term_days=order.term_days, **common)
    if order.kind == OrderKind.RENEW:
        return connector.renew(code, ref, term_days=order.term_days, **common)
    if order.kind == OrderKind.UNFREEZE:
        return connector.unfreeze(code, ref, order.requested_amount or None, **common)
    return connector.deduct(code, ref, order.requested_amount, **common)


def send(order_id: int, *, attempt: int = 1, final_attempt: bool = True) -> ControlOrder | None:
    """Send one approved order (or re-send one already SENT whose answer we never recorded)."""
    order = ControlOrder.objects.select_related("case", "court", "institution", "asset").filter(pk=order_id).first()
    if order is None:
        return None
    now = timezone.now()
    if order.status == OrderStatus.APPROVED:
        if not move(
            order.pk, OrderStatus.APPROVED, OrderStatus.SENT, sent_at=now, attempts=F("attempts") + 1, updated_at=now
        ):
            return send(order_id, attempt=attempt, final_attempt=final_attempt)  # a twin moved it; look again
    elif order.status == OrderStatus.SENT:
        ControlOrder.objects.filter(pk=order.pk, status=OrderStatus.SENT).update(
            attempts=F("attempts") + 1, updated_at=now
        )
    else:
        return order  # decided, done or failed: nothing to send
    faultpoints.point("order.send.claimed")
    try:
        result = _call(get_connector(), order, attempt)
    except InvalidAnswer as exc:
        return _refuse_answer(order, str(exc))
    except PermanentConnectorError as exc:
        return _fail(order, str(exc))
    except TransientConnectorError as exc:
        ControlOrder.objects.filter(pk=order.pk).update(last_error=str(exc)[:200], updated_at=timezone.now())
        if not final_attempt:
            raise
        # The institution may have acted and lost its answer; the order stays SENT (never "failed" on a
        # guess) and the stalled-order sweep asks again with the same key until it answers.
        raise_alert(
            kind="order_unanswered",
            court=order.court,
            source=order,
            dedup_key=f"order-unanswered:{order.uuid}",
            title=_("协助单位未答复：%(inst)s %(kind)s")
            % {"inst": order.institution.name, "kind": order.get_kind_display()},
            message=str(exc),
            link=f"/querycontrol/orders/{order.pk}/",
        )
        return order
    faultpoints.point("order.send.answered")
    return apply_result(order.pk, result)


def unbelievable(order: ControlOrder, result: ControlResult) -> str:
    """Why the institution's answer cannot be true for this order ("" when it can), issue 16.

    A bank never freezes, deducts or releases more than it was asked to: an answer that says so is a
    fault at the gateway, and storing it would rest the no-over-freezing rule and every later deduction
    on money nobody holds. A freeze answer must also echo the amount we asked for.
    """
    if result.status == "rejected":
        return ""
    asked = order.requested_amount
    if order.kind in (OrderKind.FREEZE, OrderKind.DEDUCT) or (order.kind == OrderKind.UNFREEZE and asked > 0):
        if order.kind == OrderKind.FREEZE and result.requested_amount != asked:
            return _("答复的申请金额 %(got)s 与所申请的 %(asked)s 不符 (requested_amount does not match)") % {
                "got": result.requested_amount,
                "asked": asked,
            }
        if result.effective_amount > asked:
            return _("答复的实际金额 %(got)s 超过申请金额 %(asked)s (effective amount exceeds the request)") % {
                "got": result.effective_amount,
                "asked": asked,
            }
    if result.status == "queued" and order.kind not in (OrderKind.FREEZE, OrderKind.SEAL):
        return _("只有冻结、查封可以轮候 (only freezes and seals can be queued)")
    return ""


def _refuse_answer(order, reason):
    """The answer is not believed: the order fails (nothing recorded as held or paid) and a critical alert
    asks the court to check with the institution what it really did."""
    order = _fail(order, _("协助单位答复无效：%(reason)s") % {"reason": reason})
    raise_alert(
        kind="order_bad_answer",
        court=order.court,
        severity=AlertSeverity.CRITICAL,
        source=order,
        dedup_key=f"order-bad-answer:{order.uuid}",
        title=_("协助单位答复无效：%(inst)s %(kind)s")
        % {"inst": order.institution.name, "kind": order.get_kind_display()},
        message=_("%(reason)s。请与协助单位核实实际办理情况。") % {"reason": reason},
        link=f"/querycontrol/orders/{order.pk}/",
    )
    resolve_alerts(f"order-unanswered:{order.uuid}")
    return order


def _fail(order, message):
    with transaction.atomic():
        if move(
            order.pk,
            OrderStatus.SENT,
            OrderStatus.FAILED,
            message=message[:200],
            last_error=message[:200],
            completed_at=timezone.now(),
        ):
            add_event(
                order.case,
                "order",
                _("%(kind)s失败：%(msg)s") % {"kind": order.get_kind_display(), "msg": message[:120]},
                None,
                {"order": order.pk},
            )
    order.refresh_from_db()
    return order


def _outcome_of_control(order, result):
    if result.status == "queued":
        return OrderOutcome.QUEUED, ZERO
    effective = result.effective_amount
    if order.kind == OrderKind.SEAL:
        return OrderOutcome.SEALED, effective
    return (OrderOutcome.FROZEN if effective >= order.requested_amount else OrderOutcome.PARTIALLY_FROZEN), effective


@transaction.atomic
def apply_result(order_id: int, result: ControlResult) -> ControlOrder:
    """Apply the institution's answer: once, whatever how often it arrives."""
    order = (
        ControlOrder.objects.select_for_update(of=("self",))
        .select_related("case", "institution", "asset")
        .get(pk=order_id)
    )
    if order.status != OrderStatus.SENT:
        return order
    reason = unbelievable(order, result)
    if reason:
        return _refuse_answer(order, reason)
    if result.status == "rejected":
        order.status, order.message = OrderStatus.FAILED, (result.message or _("协助单位拒绝"))[:200]
    else:
        order.status = OrderStatus.DONE
        order.effective_amount = result.effective_amount
        order.message = (result.message or "")[:200]
        order.institution_ref = (result.institution_ref or "")[:64]
        if order.kind in (OrderKind.FREEZE, OrderKind.SEAL):
            order.outcome, order.held_amount = _outcome_of_control(order, result)
            order.queue_position = result.queue_position
            if order.outcome != OrderOutcome.QUEUED and order.held_amount <= 0 and order.kind == OrderKind.FREEZE:
                order.status, order.outcome = OrderStatus.FAILED, ""
                order.message = order.message or _("账户无可冻结余额 (nothing to freeze)")
        else:
            _apply_follow_up(order, result)
        if result.expires_on and order.kind in (OrderKind.FREEZE, OrderKind.SEAL, OrderKind.RENEW):
            order.expires_on = datetime.date.fromisoformat(result.expires_on)
    # Applied under the row lock taken above, so a plain save is the compare-and-swap here.
    if not may_move(OrderStatus.SENT, order.status):
        raise ValueError(f"control order cannot move sent → {order.status}")
    order.completed_at = timezone.now()
    order.save()
    if order.kind == OrderKind.DEDUCT and order.status == OrderStatus.DONE and order.effective_amount > 0:
        # Into the case account (一案一账户); booked once per order whatever happens (reference is unique).
        record_receipt(
            order.case,
            order.effective_amount,
            source=ReceiptSource.DEDUCTION,
            reference=f"deduct:{order.uuid}",
            checked_as="order.decide",
            note=_("扣划 %(inst)s %(ref)s") % {"inst": order.institution.name, "ref": order.asset.asset_ref},
        )
    faultpoints.point("order.apply.saved")
    resolve_alerts(f"order-unanswered:{order.uuid}")
    label = order.get_outcome_display() if order.outcome else order.get_status_display()
    add_event(
        order.case,
        "order",
        _("%(kind)s结果：%(label)s，%(inst)s，金额 %(amount)s 元")
        % {
            "kind": order.get_kind_display(),
            "label": label,
            "inst": order.institution.name,
            "amount": order.effective_amount,
        },
        None,
        {"order": order.pk, "outcome": order.outcome},
    )
    audit(
        None,
        "querycontrol.order.result",
        order,
        court=order.court,
        details={"status": order.status, "outcome": order.outcome, "effective": str(order.effective_amount)},
    )
    if order.kind in (OrderKind.UNFREEZE, OrderKind.DEDUCT) and order.status == OrderStatus.DONE:
        # Released funds may let freezes queued behind take effect (轮候冻结): ask the institution.
        from querycontrol.tasks import refresh_queued

        transaction.on_commit(lambda: refresh_queued.delay(order.institution_id, order.asset.asset_ref))
    transaction.on_commit(lambda: faultpoints.point("order.applied"))
    return order


def _apply_follow_up(order, result):
    target = ControlOrder.objects.select_for_update().get(pk=order.target_id)
    if order.kind == OrderKind.RENEW:
        order.outcome = OrderOutcome.RENEWED
        if result.expires_on:
            target.expires_on = datetime.date.fromisoformat(result.expires_on)
            target.save(update_fields=["expires_on", "updated_at"])
            resolve_alerts(f"freeze-expiry:{target.uuid}:")
        return
    effective = result.effective_amount
    if order.kind == OrderKind.UNFREEZE:
        order.outcome = OrderOutcome.RELEASED
        if target.outcome == OrderOutcome.QUEUED:
            target.outcome, target.held_amount = OrderOutcome.RELEASED, ZERO
        else:
            target.held_amount = max(target.held_amount - effective, ZERO)
            if target.held_amount == 0:
                target.outcome = OrderOutcome.RELEASED
    else:
        order.outcome = OrderOutcome.DEDUCTED
        target.held_amount = max(target.held_amount - effective, ZERO)
        if target.held_amount == 0:
            target.outcome = OrderOutcome.DEDUCTED
    target.save(update_fields=["held_amount", "outcome", "updated_at"])
    if not target.is_holding:
        resolve_alerts(f"freeze-expiry:{target.uuid}:")


def refresh_queued(institution_id: int, asset_ref: str) -> int:
    """Ask the institution whether our queued freezes / seals on one asset have taken effect.

    The answer to a query lists the asset's freeze book (`details.freezes`: court, case, status,
    amount), as the gateways do; an entry of ours that is now active promotes our order.
    """
    queued = list(
        ControlOrder.objects.select_related("case", "court", "institution", "asset", "respondent").filter(
            institution_id=institution_id,
            asset__asset_ref=asset_ref,
            status=OrderStatus.DONE,
            outcome=OrderOutcome.QUEUED,
        )
    )
    promoted = 0
    for order in queued:
        party = Party(name=order.respondent.name, id_number=order.respondent.id_number)
        # An external query like any other (issue 11): who (the system), whose accounts, for which case and why.
        audit(
            None,
            "querycontrol.queued_refresh",
            order,
            court=order.court,
            details={
                "case": order.case.number,
                "respondent": order.respondent_id,
                "respondent_id_number": mask_id_number(party.id_number),
                "institution": order.institution.code,
                "asset_ref": asset_ref,
                "purpose": _("轮候查封、冻结生效核查"),
            },
        )
        try:
            assets = get_connector().query(order.institution.code, party, request_ref=f"queue:{order.uuid}")
        except (TransientConnectorError, PermanentConnectorError):
            continue
        for asset in assets:
            if asset.asset_ref != asset_ref:
                continue
            for entry in (asset.details or {}).get("freezes", []):
                if (
                    entry.get("court_code") == order.court.code
                    and entry.get("case_number") == order.case.number
                    and entry.get("status") == "active"
                ):
                    promoted += _promote(
                        order, Decimal(str(entry.get("frozen_amount") or "0")), entry.get("expires_on")
                    )
    return promoted


@transaction.atomic
def _promote(order, amount, expires_on):
    if not ControlOrder.objects.filter(pk=order.pk, status=OrderStatus.DONE, outcome=OrderOutcome.QUEUED).update(
        outcome=OrderOutcome.SEALED
        if order.kind == OrderKind.SEAL
        else (OrderOutcome.FROZEN if amount >= order.requested_amount else OrderOutcome.PARTIALLY_FROZEN),
        held_amount=amount,
        effective_amount=amount,
        queue_position=None,
        expires_on=datetime.date.fromisoformat(expires_on) if expires_on else None,
        updated_at=timezone.now(),
    ):
        return 0
    add_event(
        order.case,
        "order",
        _("轮候%(kind)s已生效：%(inst)s，金额 %(amount)s 元")
        % {"kind": order.get_kind_display(), "inst": order.institution.name, "amount": amount},
        None,
        {"order": order.pk},
    )
    return 1


def lapse_expired(today: datetime.date | None = None) -> int:
    """A freeze whose term ended unrenewed stops holding (民诉法解释 Art. 485). Returns how many lapsed."""
    today = today or timezone.localdate()
    lapsed = 0
    for order in ControlOrder.objects.holding().filter(expires_on__lt=today).select_related("case"):
        with transaction.atomic():
            if move(order.pk, OrderStatus.DONE, OrderStatus.LAPSED):
                lapsed += 1
                add_event(
                    order.case,
                    "order",
                    _("%(kind)s期限届满未续，已失效：%(ref)s")
                    % {"kind": order.get_kind_display(), "ref": order.asset.asset_ref},
                    None,
                    {"order": order.pk},
                )
                resolve_alerts(f"freeze-expiry:{order.uuid}:")
    return lapsed


def watch_expiry(today: datetime.date | None = None) -> int:
    """Alerts for freezes and seals expiring within 30 / 15 / 7 days (one alert per threshold)."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=max(EXPIRY_WARNINGS))
    raised = 0
    for order in (
        ControlOrder.objects.holding()
        .filter(expires_on__gte=today, expires_on__lte=horizon)
        .select_related("case", "court", "institution", "asset")
    ):
        days = (order.expires_on - today).days
        threshold = min(t for t in EXPIRY_WARNINGS if days <= t)
        severity = (
            AlertSeverity.CRITICAL
            if threshold == 7
            else (AlertSeverity.WARNING if threshold == 15 else AlertSeverity.INFO)
        )
        _alert, created = raise_alert(
            kind="freeze_expiring",
            court=order.court,
            severity=severity,
            source=order,
            dedup_key=f"freeze-expiry:{order.uuid}:{threshold}",
            title=_("%(kind)s将于%(days)s天后到期：%(case)s")
            % {"kind": order.get_kind_display(), "days": days, "case": order.case.number},
            message=_("%(inst)s %(ref)s，冻结金额 %(amount)s 元，到期日 %(date)s，请及时续冻（民诉法解释第485条）")
            % {
                "inst": order.institution.name,
                "ref": order.asset.asset_ref,
                "amount": order.held_amount,
                "date": order.expires_on,
            },
            link=f"/querycontrol/orders/{order.pk}/",
        )
        raised += int(created)
    return raised


def order_stale_seconds() -> int:
    """QUERYCONTROL_ORDER_STALE_SECONDS (default 30): an approved or sent order untouched this long is sent again."""
    from django.conf import settings

    return int(settings.QUERYCONTROL_ORDER_STALE_SECONDS)


def resume_stalled_orders(older_than: datetime.timedelta | None = None) -> int:
    """Re-send approved / sent orders whose message was lost (killed worker, lost filesystem message,
    or Redis holding it until the visibility timeout), or whose institution did not answer the last
    attempt. Safe: the institution dedups by the order UUID, and the answer is applied once."""
    from querycontrol.tasks import send_order

    owed = ControlOrder.objects.filter(status__in=[OrderStatus.APPROVED, OrderStatus.SENT])
    return redeliver_stalled(
        owed,
        send_order.delay,
        older_than=older_than if older_than is not None else datetime.timedelta(seconds=order_stale_seconds()),
    )


def answer_order(
    actor: Actor, order: ControlOrder, result: ControlResult, *, request: HttpRequest | None = None
) -> ControlOrder:
    """An institution's gateway answers an order through the API (instead of in the send call):
    the answer to a SENT order, or a queued freeze that has now taken effect. Applied once."""
    from execcenter.exceptions import InvalidTransition, PermissionDenied

    if not is_partner(actor) or actor.institution_code != order.institution.code or not actor.allows("answer"):
        raise PermissionDenied(_("只有该协助单位的接口可以答复 (only the institution's own gateway may answer)"))
    audit(
        actor,
        "querycontrol.order.answer",
        order,
        court=order.court,
        request=request,
        details={"status": result.status, "effective": str(result.effective_amount)},
    )
    if order.status == OrderStatus.SENT:
        return apply_result(order.pk, result)
    if (
        order.status == OrderStatus.DONE
        and order.outcome == OrderOutcome.QUEUED
        and result.status in ("done", "partial")
    ):
        _promote(order, result.effective_amount, result.expires_on)
        order.refresh_from_db()
        return order
    raise InvalidTransition(_("该措施不在等待答复的状态 (the order is not awaiting an answer)"))
