"""The simulator stands on the far side of the connector boundary: it imports nothing of the product and agrees
with it only on the wire (docs/architecture.md)."""

import ast
from pathlib import Path

from querycontrol.choices import CONTROL_KINDS, InstitutionAction, OrderKind
from querycontrol.connectors.base import Connector
from simulator import http, services

SIMULATOR = Path(services.__file__).resolve().parent
PRODUCT_APPS = {"cases", "command", "dashboards", "execcenter", "querycontrol", "workbench"}


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


def imported_modules(path: Path):
    """Every module an `import` / `from … import` in `path` names, at any depth (function-local imports too)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_the_simulator_imports_nothing_from_the_product_apps():
    sources = [p for p in SIMULATOR.rglob("*.py") if "migrations" not in p.parts]
    assert len(sources) > 10  # the scan sees the package
    crossing = sorted(
        f"{p.relative_to(SIMULATOR)}: {m}"
        for p in sources
        for m in imported_modules(p)
        if m.split(".")[0] in PRODUCT_APPS
    )
    assert crossing == []


def test_the_simulators_migrations_depend_on_no_product_app():
    for path in (SIMULATOR / "migrations").glob("0*.py"):
        assert not [m for m in imported_modules(path) if m.split(".")[0] in PRODUCT_APPS], path.name
        assert not any(
            f"'{app}'" in path.read_text(encoding="utf-8") or f'"{app}"' in path.read_text(encoding="utf-8")
            for app in PRODUCT_APPS
        ), path.name


def test_the_import_scan_would_see_a_crossing(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from querycontrol.models import Institution\n", encoding="utf-8")
    assert list(imported_modules(probe)) == ["querycontrol.models"]
