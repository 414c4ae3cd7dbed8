"""seed_demo's query-and-control part: through the services, orders in every state, alerts, idempotent."""

import io
import random

import pytest

from execcenter.models import Alert
from execcenter.org import create_demo_logins
from querycontrol import demo
from querycontrol.models import ControlOrder, QueryRequest

from .conftest import make_case


@pytest.mark.django_db
def test_demo_makes_finished_and_running_queries_orders_in_every_state_and_expiry_alerts(courts):
    create_demo_logins()
    for _ in range(6):
        make_case(claim=__import__("decimal").Decimal("300000.00"))
    out = io.StringIO()
    demo.enrich(random.Random(1), out)
    statuses = set(QueryRequest.objects.values_list("status", flat=True))
    assert "running" in statuses and statuses & {"complete", "partial"}
    orders = set(ControlOrder.objects.values_list("status", flat=True))
    assert {"draft", "submitted", "approved", "rejected", "done", "failed", "lapsed"} <= orders
    assert ControlOrder.objects.filter(kind="deduct", status="done").exists()
    assert Alert.objects.filter(kind="freeze_expiring").exists()
    count = ControlOrder.objects.count()
    demo.enrich(random.Random(1), out)  # a second seed changes nothing
    assert ControlOrder.objects.count() == count
