"""A new route without a permission rule fails here: every URL pattern names its policy action (or is exempt, with why)."""

from execcenter import policy
from tests.permissions.routes import all_routes


def test_every_route_declares_a_policy_action_that_exists():
    undeclared, unknown = [], []
    for route, exempt in all_routes():
        if exempt:
            continue
        if not route.declared:
            undeclared.append(route.pattern)
            continue
        for action in route.actions.values():
            if action not in policy.RULES:
                unknown.append((route.pattern, action))
    assert undeclared == [], "routes without a policy action (use @requires / policy_read / policy_actions)"
    assert unknown == []


def test_every_rule_is_used_by_a_route_or_a_service():
    """A rule nobody asks is either dead or a route that forgot to ask it."""
    import pathlib

    source = "\n".join(
        p.read_text(encoding="utf-8")
        for p in pathlib.Path(".").glob("*/**/*.py")
        if ".venv" not in p.parts and "tests" not in p.parts and p.name not in ("rules.py", "policy.py")
    )
    source += "\n".join(p.read_text(encoding="utf-8") for p in pathlib.Path("templates").glob("**/*.html"))
    unused = [a for a in policy.RULES if f'"{a}"' not in source]
    assert unused == []


def test_the_openapi_document_states_each_endpoints_permission(api, judge_xixia):
    schema = api.as_officer(judge_xixia).get("/api/schema/?format=json").json()
    missing = [
        f"{method.upper()} {path}"
        for path, ops in schema["paths"].items()
        if path.startswith("/api/v1/")
        for method, op in ops.items()
        if method in ("get", "post", "put", "patch", "delete") and "权限 (permission)" not in op.get("description", "")
    ]
    assert missing == []
