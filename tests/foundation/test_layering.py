"""docs/architecture.md is true: dependencies point one way, and only the URL root and the WSGI entry wire apps together."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Highest first: each app may import only the apps after it (docs/architecture.md "Apps and the direction").
LAYERS = ["workbench", "dashboards", "command", "querycontrol", "cases", "execcenter"]
# The project's URL root includes every app's URLs, and its WSGI entry puts the screen poll's fast path
# (dashboards.fastpoll) in front of Django: they are the project, not a layer.
WIRING = {"execcenter/urls.py", "execcenter/wsgi.py"}


def imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def upward_imports():
    for rank, app in enumerate(LAYERS):
        higher = set(LAYERS[:rank])
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "migrations" in path.parts or rel in WIRING:
                continue
            for module in imports(path):
                if module.split(".")[0] in higher:
                    yield f"{rel} imports {module}"


def test_no_app_imports_an_app_above_it():
    assert list(upward_imports()) == []


def test_the_product_reaches_the_simulator_only_through_its_connector():
    reaching = sorted(
        {
            path.relative_to(ROOT).as_posix()
            for app in LAYERS
            for path in (ROOT / app).rglob("*.py")
            if "migrations" not in path.parts and any(m.split(".")[0] == "simulator" for m in imports(path))
        }
    )
    assert reaching == ["querycontrol/connectors/simulator.py"]
