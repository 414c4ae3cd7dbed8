"""The control order's states and the moves between them, in one table (like the case's `cases.services.FLOW`).

draft → submitted → approved → sent → done → lapsed, with two refusals on the way: the approver rejects
(submitted → rejected) or the institution refuses or cannot act (sent → failed). Every move is a
compare-and-swap on the status through `move`, so two workers or two approvers acting at once cannot both
win, and a move the table does not list is a programming error, refused before it touches the row.

A queued freeze (轮候冻结) taking effect stays `done` (only its outcome changes): it is not a move.
"""

from django.utils import timezone

from querycontrol.choices import OrderStatus
from querycontrol.models import ControlOrder

ORDER_FLOW: dict[str, frozenset[str]] = {
    OrderStatus.DRAFT: frozenset({OrderStatus.SUBMITTED}),
    OrderStatus.SUBMITTED: frozenset({OrderStatus.APPROVED, OrderStatus.REJECTED}),
    OrderStatus.APPROVED: frozenset({OrderStatus.SENT}),
    OrderStatus.SENT: frozenset({OrderStatus.DONE, OrderStatus.FAILED}),
    OrderStatus.DONE: frozenset({OrderStatus.LAPSED}),  # a freeze / seal whose term ended unrenewed
    OrderStatus.REJECTED: frozenset(),
    OrderStatus.FAILED: frozenset(),
    OrderStatus.LAPSED: frozenset(),
}
TERMINAL_STATUSES = frozenset(s for s, targets in ORDER_FLOW.items() if not targets)


def may_move(from_status: str, to_status: str) -> bool:
    """Whether the table allows `from_status` → `to_status`."""
    return to_status in ORDER_FLOW.get(from_status, frozenset())


def move(order_id: int, from_status: str, to_status: str, **changes) -> bool:
    """Compare-and-swap the order's status from `from_status` to `to_status`, writing `changes` with it.

    Returns True when this call moved the row, False when the row was no longer in `from_status` (someone
    else moved it first: the caller decides whether that is a refusal or nothing to do).
    Raises ValueError for a move the table does not allow (a bug in the caller, never user input).
    """
    if not may_move(from_status, to_status):
        raise ValueError(f"control order cannot move {from_status} → {to_status}")
    changes.setdefault("updated_at", timezone.now())
    return ControlOrder.objects.filter(pk=order_id, status=from_status).update(status=to_status, **changes) == 1
