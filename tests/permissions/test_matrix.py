"""The permission matrix: every route × the personas of issue 10, against records in and out of their scope.

For each route (tests/permissions/routes.py) and persona, the request's answer must be what the one policy says:
404 for a record outside the persona's scope, the policy's 403 / 409 when it refuses, and neither 401/403/404 when
it allows (400 for the empty body is fine: the route let the request in). A refused request must change nothing.
The table test below pins what the policy says for the personas, written out by hand, so the matrix is not the
policy checking itself.
"""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db.models import Count, Max, Sum
from django.urls import reverse
from rest_framework.test import APIClient

from cases.models import ApprovalRequest, Case, MoneyEntry
from execcenter import policy
from execcenter.choices import PartnerAction, PartnerKind
from execcenter.models import Court
from execcenter.org import create_demo_partner
from querycontrol.models import ControlOrder
from tests.permissions.routes import all_routes

# What each persona may do, by hand (docs/permissions.md has the whole table, generated from the policy).
EXPECTED = {
    # action: personas allowed (without a record)
    "case.read": {
        "judge_xixia",
        "judge_jingyuan",
        "officer_xixia",
        "approver_xixia",
        "president_xixia",
        "duty_yinchuan",
        "director_high",
        "auditor_high",
        "case_system",
        "disclosure",
    },
    "money.payout.request": {"judge_xixia", "judge_jingyuan", "officer_xixia", "case_system"},
    "money.payout.approve": {"approver_xixia"},
    "case.close.request": {"judge_xixia", "judge_jingyuan", "officer_xixia", "case_system"},
    "case.extend.approve": {"president_xixia"},
    "money.receipt": {"judge_xixia", "judge_jingyuan", "officer_xixia", "case_system"},
    "order.decide": {"approver_xixia"},
    "order.answer": {"bank"},
    "task.read": {
        "judge_xixia",
        "judge_jingyuan",
        "officer_xixia",
        "approver_xixia",
        "president_xixia",
        "director_high",
        "auditor_high",
        "case_system",
        "bank",
    },
    "alert.handle": {"duty_yinchuan", "director_high", "approver_xixia", "president_xixia"},  # leaders: once reached
    "audit.read": {"director_high", "auditor_high"},
    "duty.plan": {"director_high"},
    "operation.command": {"director_high"},
    "personal_data.read": {
        "judge_xixia",
        "judge_jingyuan",
        "officer_xixia",
        "approver_xixia",
        "president_xixia",
        "case_system",
    },
    "disclosure.lookup": {
        "judge_xixia",
        "judge_jingyuan",
        "officer_xixia",
        "approver_xixia",
        "president_xixia",
        "duty_yinchuan",
        "director_high",
        "auditor_high",
        "case_system",
        "disclosure",
        "bank",
        "anonymous",
    },
}

# Routes whose URL names a step: an example value and the policy action that step is.
STEP_ROUTES = {
    "cases:case-action": ({"name": "payout"}, "money.payout.request"),
    "cases:approval-decide": ({"decision": "approve"}, "approval.decide"),
    "querycontrol:order-decide": ({"decision": "approve"}, "order.decide"),
    "querycontrol:order-document": ({"which": "ruling"}, "document.read"),
    "querycontrol:order-preview": ({"which": "ruling"}, "document.read"),
    "command:operation-transition": ({"action": "launch"}, "operation.command"),
    "command:incident-update": ({"action": "close"}, "incident.dispatch"),
    "command:letter-transition": ({"action": "close"}, "letter.manage"),
    "command:petition-action": ({"action": "close"}, "petition.close"),
    "command:bulletin-download": ({"fmt": "xlsx"}, "bulletin.read"),
    "dashboards:duty-step": ({"step": "check-in"}, "duty.work"),
    "dashboards:swap-decide": ({"decision": "approve"}, "duty.plan"),
}
# Routes whose example URL names no real sub-record or lacks its query parameter (a photo id, an indicator code, a
# bucket, a letter's token, ?case=, the chosen orders): when the policy lets the request in, 404 is their answer.
EXAMPLE_404 = (
    "roster/month/",
    "photos/",
    "indicators/<str:code>",
    "workbench/list/",
    "letters/answer/",
    "orders/new/",
    "orders/documents.zip",
)
OTHER_KWARGS = {
    "court_code": "宁0105",
    "code": "execution_rate",
    "key": "overdue",
    "token": "x",
    "fmt": "xlsx",
    "step": "end",
}


def _personas(courts):
    from tests.conftest import _officer

    people = {
        "judge_xixia": _officer(courts, "m_judge_xixia", "宁0105", "judge"),
        "judge_jingyuan": _officer(courts, "m_judge_jingyuan", "宁0424", "judge"),
        "officer_xixia": _officer(courts, "m_officer_xixia", "宁0105", "officer"),
        "approver_xixia": _officer(courts, "m_approver_xixia", "宁0105", "approver"),
        "president_xixia": _officer(courts, "m_president_xixia", "宁0105", "president"),
        "duty_yinchuan": _officer(courts, "m_duty_yinchuan", "宁01", "duty"),
        "director_high": _officer(courts, "m_director_high", "宁", "director", "duty"),
        "auditor_high": _officer(courts, "m_auditor_high", "宁", "auditor"),
    }
    actors = {name: officer.user for name, officer in people.items()}
    keys = {}
    for name, kind, code, actions, institution in (
        ("bank", PartnerKind.INSTITUTION, "宁", [PartnerAction.READ, PartnerAction.ANSWER], "BANK-ICBC"),
        (
            "case_system",
            PartnerKind.CASE_SYSTEM,
            "宁01",
            [PartnerAction.READ, PartnerAction.WRITE_CASES, PartnerAction.QUERY, PartnerAction.CONTROL],
            "",
        ),
        ("disclosure", PartnerKind.DISCLOSURE, "宁", [PartnerAction.READ], ""),
    ):
        client, raw = create_demo_partner(f"matrix-{name}", kind, code, actions, institution)
        actors[name], keys[name] = client, raw
    actors["anonymous"] = AnonymousUser()
    return actors, keys


@pytest.fixture
def world(db, settings):
    """Every app's demo records on a small province (the demo generator), plus the personas."""
    settings.DEMO_DATA_ALLOWED = True
    call_command("seed_demo", cases=120, verbosity=0)
    courts = {c.code: c for c in Court.objects.all()}
    actors, keys = _personas(courts)
    return courts, actors, keys


def test_the_policy_says_what_the_table_says(world):
    _courts, actors, _keys = world
    for action, allowed in EXPECTED.items():
        got = {name for name, actor in actors.items() if policy.may(actor, action)}
        assert got == allowed, (action, sorted(got ^ allowed))


def _fingerprint():
    """A few aggregates that move whenever a case, its money, an approval or an order changes."""
    return (
        Case.objects.aggregate(
            n=Count("id"), at=Max("updated_at"), got=Sum("recovered_amount"), days=Sum("extension_days")
        ),
        MoneyEntry.objects.aggregate(n=Count("id"), total=Sum("amount")),
        sorted(ApprovalRequest.objects.values_list("status").annotate(n=Count("id"))),
        sorted(ControlOrder.objects.values_list("status").annotate(n=Count("id"))),
    )


def _record(model, courts, inside):
    """A record of `model` in 西夏区法院's scope (inside) or in 泾源县法院's (outside), or None."""
    if model is None:
        return None
    qs = model._default_manager.all()
    court = courts["宁0105" if inside else "宁0424"]
    for path in ("court", "case__court", "shift__centre__court", "centre__court", "item__case__court"):
        try:
            found = qs.filter(**{path: court}).order_by("pk").first()
        except Exception:  # the model has no such path
            continue
        if found is not None:
            return found
    return None


def _url(route, record):
    name = route.url_name
    kwargs = {}
    if name in STEP_ROUTES:
        kwargs.update(STEP_ROUTES[name][0])
    for key in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route.pattern):
        key = key[0] or key[1]
        if key in kwargs:
            continue
        if key in ("pk", "case_id"):
            kwargs[key] = record.pk if record is not None else 999999
        elif key.endswith(("_id", "_pk")):
            kwargs[key] = 0  # a sub-record of the example: the route answers 404 when it lets the request in
        else:
            kwargs[key] = OTHER_KWARGS.get(key, "x")
    if route.kind == "api" and "format" in kwargs:
        kwargs.pop("format")
    return reverse(name, kwargs=kwargs)


def _client(actors, keys, who):
    client = APIClient()
    if who in keys:
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {keys[who]}")
    elif who != "anonymous":
        client.force_login(actors[who])
    return client


def _expected(actor, action, record, detail):
    """('404'|'403'|'409'|'login'|'allowed', why)."""
    if detail and record is None:
        return "404"
    refusal = policy.explain(actor, action, record if detail else None)
    if refusal is None:
        return "allowed"
    if not getattr(actor, "is_authenticated", False) and not policy.rule(action).public:
        return "login"
    return str(refusal.error.status)


def test_every_route_answers_what_the_policy_says_for_every_persona(world):
    courts, actors, keys = world
    failures, checked = [], 0
    for route, exempt in all_routes():
        if exempt or not route.declared or route.url_name is None:
            continue
        detail = bool(re.search(r"<(?:\w+:)?(pk|case_id)>|\(\?P<pk>", route.pattern))
        for inside in (True, False) if detail else (True,):
            record = _record(route.model, courts, inside) if detail else None
            for method_action, action in route.actions.items():
                method = method_action.split(":")[0] if route.kind == "api" else ("post" if _is_post(route) else "get")
                action = STEP_ROUTES.get(route.url_name, (None, action))[1]
                if record is not None and type(record).__name__ == "IssuedDocument":
                    from cases.document_views import read_action

                    action = read_action(record)  # each kind of document has its own read rule
                if detail and route.kind == "api" and record is None:
                    continue
                url = _url(route, record)
                for who, actor in actors.items():
                    expect = _expected(actor, action, record, detail)
                    if detail and record is not None and who != "anonymous" and not _visible(actor, record):
                        expect = "404"
                    if (
                        "<str:court_code>" in route.pattern
                        and who != "anonymous"
                        and who not in keys
                        and not policy.may(actor, "court.read", courts["宁0105"])
                    ):
                        expect = "404"  # the screen of a court outside the officer's scope does not exist for them
                    if route.kind == "html" and who in keys and not policy.rule(action).public:
                        expect = "login"  # API keys open the API only; browser pages want a person's login
                    hidden = who in keys and getattr(actor, "institution_code", "")  # a gateway sees only its own tasks
                    before = _fingerprint() if method == "post" and expect != "allowed" else None
                    response = (
                        getattr(_client(actors, keys, who), method)(url, {}, format="json")
                        if route.kind == "api"
                        else getattr(_client(actors, keys, who), method)(url)
                    )
                    checked += 1
                    got = response.status_code
                    example = any(part in route.pattern for part in EXAMPLE_404) or bool(
                        re.search(r"<(?:int:)?\w+_(?:id|pk)>", route.pattern)
                    )
                    ok = {
                        "allowed": (got not in (401, 403, 404) or (example and got == 404))
                        and (got < 500 or got == 503),
                        "login": got in (302, 401, 403),
                        "404": got == 404 or (who == "anonymous" and got in (302, 401, 403)),
                        "403": got == 403
                        or (who == "anonymous" and got in (302, 401))
                        or (bool(hidden) and got == 404),
                        "409": got in (409, 403),
                    }[expect]
                    if not ok:
                        failures.append(
                            (f"{method.upper()} {route.pattern} [{action}] expected {expect}, got {got}", who)
                        )
                    if before is not None and _fingerprint() != before:
                        failures.append((f"{method.upper()} {route.pattern} [{action}] refused but changed data", who))
    assert checked > 500
    grouped = {}
    for what, who in failures:
        grouped.setdefault(what, []).append(who)
    assert grouped == {}, "\n".join(f"{what}: {', '.join(who)}" for what, who in grouped.items())


def _visible(actor, record):
    manager = type(record)._default_manager
    return not hasattr(manager, "visible_to") or manager.visible_to(actor).filter(pk=record.pk).exists()


POST_ROUTES = {
    "cases:case-action",
    "cases:approval-decide",
    "cases:auction-round",
    "cases:auction-conclude",
    "querycontrol:order-decide",
    "querycontrol:query-start",
    "querycontrol:query-cancel",
    "querycontrol:query-retry",
    "querycontrol:documents-batch",
    "querycontrol:order-auction",
    "command:operation-transition",
    "command:incident-update",
    "command:letter-transition",
    "command:petition-action",
    "dashboards:duty-step",
    "dashboards:handover-ack",
    "dashboards:swap-decide",
}


def _is_post(route):
    return route.url_name in POST_ROUTES
