"""Every write API given a body of the wrong shape answers a clear 4xx in Chinese and English and changes nothing
(issue 13 item 11): a list, a string, a number or null where the body is an object; for each declared field an
empty string (where an enum is declared too), null, a list, an object, a string where a number is expected; and a
body over the size limit. Walked over every POST/PUT/PATCH operation of the product's own OpenAPI schema, on the
demo province (100 cases and every app's demo rows), as the personas who may do the work (a judge, an approver,
a duty officer, the director), so the bodies reach the views and not only the permission check. Operations that
declare no body (withdraw, launch …) read none and are left out; null is sent only where the schema does not
declare it (debtor facts take null as "leave as it is")."""

import io
import json
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from execcenter.models import AuditLog

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]{2}")
PERSONAS = ("xixia_judge", "xixia_approver", "xixia_duty", "director")
APPS = ("cases", "command", "dashboards", "querycontrol", "workbench", "execcenter")


def _state():
    """Row counts of every model of the product, and per status where a model has one (a refused transition that
    changed a status would show), leaving out the audit log and sessions (reading a page may write them)."""
    out = {}
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            if model is AuditLog:
                continue
            out[model._meta.label] = model.objects.count()
            if any(f.name == "status" for f in model._meta.concrete_fields):
                for row in model.objects.values("status").annotate(n=Count("id")).order_by("status"):
                    out[(model._meta.label, row["status"])] = row["n"]
    return out


def _resolve(schema, ref_or_schema):
    s = ref_or_schema or {}
    while "$ref" in s:
        s = schema["components"]["schemas"][s["$ref"].rsplit("/", 1)[1]]
    return s


def _odd_bodies(schema, body_schema):
    """(label, body) pairs: whole bodies of the wrong shape, then one wrong value per declared field."""
    yield "list for object", [{"x": 1}]
    yield "string for object", "文本"
    yield "number for object", 12
    yield "null body", None
    props = _resolve(schema, body_schema).get("properties", {})
    for name, prop in props.items():
        prop = _resolve(schema, prop)
        kinds = [prop] + [_resolve(schema, p) for p in prop.get("allOf", []) + prop.get("oneOf", [])]
        if any("enum" in k for k in kinds):
            yield f"{name}: empty enum", {name: ""}
        if not any(k.get("nullable") for k in kinds):  # null is a declared value there ("leave as it is")
            yield f"{name}: null", {name: None}
        yield f"{name}: list", {name: ["a", 1]}
        yield f"{name}: object", {name: {"a": 1}}
        if any(k.get("type") in ("integer", "number") or k.get("format") == "decimal" for k in kinds):
            yield f"{name}: string for number", {name: "一百"}


def _bilingual(response):
    text = response.content.decode("utf-8", "replace")
    text = json.dumps(json.loads(text), ensure_ascii=False) if text.startswith(("{", "[")) else text
    return bool(CJK.search(text)) and bool(LATIN.search(text))


def _path_ids(client, path):
    """The path with {id} filled by the first row its list endpoint shows the persona (or 1: then a 404)."""
    prefix = path.split("{", 1)[0]
    listing = client.get(prefix)
    data = listing.json() if listing.status_code == 200 else []
    rows = data.get("results", []) if isinstance(data, dict) else data
    return path.replace("{id}", str(rows[0]["id"] if rows and "id" in rows[0] else 1))


@pytest.mark.django_db
def test_every_write_api_refuses_bodies_of_the_wrong_shape_clearly_and_changes_nothing(courts):
    call_command("seed_demo", cases=100, seed=3, stdout=io.StringIO())
    from django.contrib.auth import get_user_model

    schema = SchemaGenerator().get_schema(request=None, public=True)
    users = {u.username: u for u in get_user_model().objects.filter(username__in=PERSONAS)}
    failures, probes = [], 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in ("post", "put", "patch"):
                continue
            content = operation.get("requestBody", {}).get("content", {})
            body_schema = content.get("application/json", {}).get("schema")
            if body_schema is None:
                continue  # an action without a body (withdraw, launch, check-in …) reads none: nothing to refuse
            for username in PERSONAS:
                client = APIClient(raise_request_exception=False)
                client.force_authenticate(users[username])
                url = _path_ids(client, path)
                for label, body in _odd_bodies(schema, body_schema):
                    before = _state()
                    response = client.generic(
                        method.upper(), url, json.dumps(body, ensure_ascii=False), content_type="application/json"
                    )
                    probes += 1
                    where = f"{method.upper()} {url} as {username}, {label}"
                    if response.status_code >= 500:
                        failures.append(f"{where}: {response.status_code}")
                        continue
                    if response.status_code < 400:
                        failures.append(f"{where}: accepted ({response.status_code}) {response.content[:200]!r}")
                    elif not _bilingual(response):
                        failures.append(
                            f"{where}: {response.status_code} not in Chinese and English: {response.content[:200]!r}"
                        )
                    if _state() != before:
                        failures.append(f"{where}: the refused request changed rows")
            # An oversized body: refused before any view code reads it.
            client = APIClient(raise_request_exception=False)
            client.force_authenticate(users["xixia_judge"])
            big = json.dumps({"note": "长" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2)}, ensure_ascii=False)
            url = _path_ids(client, path)
            before = _state()
            response = client.generic(method.upper(), url, big, content_type="application/json")
            probes += 1
            # 413 where the body is read; a refusal that comes first (scope 404, role 403, state 409) is as good.
            if not 400 <= response.status_code < 500 or not _bilingual(response) or _state() != before:
                failures.append(f"{method.upper()} {url} oversized: {response.status_code} {response.content[:200]!r}")
    print(f"odd bodies: {probes} requests")
    assert probes > 500
    assert failures == [], "\n".join(failures)
