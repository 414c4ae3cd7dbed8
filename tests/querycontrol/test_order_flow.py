"""The control order's transition table (querycontrol.services.flow.ORDER_FLOW) is the only way a status moves."""

from decimal import Decimal

import pytest

from querycontrol.choices import OrderStatus
from querycontrol.models import ControlOrder
from querycontrol.models.orders import PENDING_STATUSES
from querycontrol.services import flow
from querycontrol.services import orders as order_services

from .conftest import deposit, query_case


def test_every_status_has_a_row_and_the_terminal_ones_are_rejected_failed_lapsed():
    assert set(flow.ORDER_FLOW) == set(OrderStatus.values)
    assert flow.TERMINAL_STATUSES == {OrderStatus.REJECTED, OrderStatus.FAILED, OrderStatus.LAPSED}
    # An order still on its way (pending) always has somewhere to go.
    assert all(flow.ORDER_FLOW[s] for s in PENDING_STATUSES)


@pytest.mark.parametrize(
    "frm, to",
    [
        (OrderStatus.DRAFT, OrderStatus.APPROVED),  # approval skips submission
        (OrderStatus.SUBMITTED, OrderStatus.SENT),  # sent before approval
        (OrderStatus.REJECTED, OrderStatus.SUBMITTED),  # a rejection is final
        (OrderStatus.DONE, OrderStatus.SENT),
    ],
)
def test_a_move_the_table_does_not_list_is_refused_before_touching_the_row(frm, to):
    assert not flow.may_move(frm, to)
    with pytest.raises(ValueError):
        flow.move(0, frm, to)


def test_move_is_a_compare_and_swap(case, judge_xixia, django_capture_on_commit_callbacks):
    query_case(case, judge_xixia, django_capture_on_commit_callbacks)
    order = order_services.file_order(judge_xixia.user, "freeze", asset=deposit(case), amount=Decimal("100.00"))
    assert order.status == OrderStatus.SUBMITTED
    assert flow.move(order.pk, OrderStatus.SUBMITTED, OrderStatus.REJECTED, decision_note="x")
    # The second mover finds the row no longer submitted and moves nothing.
    assert not flow.move(order.pk, OrderStatus.SUBMITTED, OrderStatus.APPROVED)
    assert ControlOrder.objects.get(pk=order.pk).status == OrderStatus.REJECTED
