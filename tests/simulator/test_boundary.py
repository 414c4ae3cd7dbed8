"""The simulator stands on the far side of the connector boundary: it agrees with the product only on the wire."""
from querycontrol.choices import CONTROL_KINDS, InstitutionAction, OrderKind
from querycontrol.connectors.base import Connector
from simulator import http, services


def test_the_five_order_kinds_are_the_simulators_actions_and_the_connectors_methods():
    assert set(services.ACTIONS) == set(OrderKind.values)
    assert all(callable(getattr(Connector, kind, None)) for kind in OrderKind.values)
    assert set(CONTROL_KINDS) < set(OrderKind.values)


def test_institution_actions_are_query_plus_the_order_kinds_with_the_same_labels():
    assert InstitutionAction.choices == [("query", "查询"), *OrderKind.choices]


def test_the_http_route_accepts_exactly_query_and_the_order_kinds():
    for action in ("query", *OrderKind.values):
        assert http.ROUTE.match(f"/v1/institutions/BANK-ICBC/{action}")
    assert not http.ROUTE.match("/v1/institutions/BANK-ICBC/release")
