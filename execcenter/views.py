import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from execcenter.policy_http import requires
from execcenter.tasks import HEARTBEAT_KEY


@requires("me.read")
def home(request):
    """Land on my workbench (我的工作台, every role's home page); the case list or a portal page without it."""
    for name in ("workbench:home", "cases:case-list"):
        try:
            return redirect(reverse(name))
        except NoReverseMatch:
            continue
    return render(request, "execcenter/home.html")


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True, "vendor": connection.vendor}


def _check_cache():
    token = str(time.time())
    cache.set("healthz-probe", token, 30)
    if cache.get("healthz-probe") != token:
        raise RuntimeError("cache read-back mismatch")
    return {"ok": True, "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def _check_broker():
    from execcenter import broker

    return broker.probe(timeout=2)


def _check_outbox():
    """Task messages committed with a decision but not yet handed to the broker (execcenter.outbox).
    A backlog is normal for the few seconds of a broker outage; it fails the check past OUTBOX_STALE_SECONDS."""
    from execcenter import outbox

    waiting, oldest_age = outbox.backlog()
    return {"ok": oldest_age <= settings.OUTBOX_STALE_SECONDS, "waiting": waiting, "oldest_age_s": oldest_age}


def _check_worker():
    last = cache.get(HEARTBEAT_KEY)
    if last is None:
        return {"ok": False, "error": "no worker heartbeat yet"}
    age = time.time() - float(last)
    return {"ok": age <= settings.WORKER_HEARTBEAT_STALE_SECONDS, "last_heartbeat_age_s": round(age, 1)}


@never_cache
@require_GET
@requires("health.read", public=True)
def healthz(request):
    """Database, broker, cache, the outbox backlog and the last worker heartbeat; 503 when any is down."""
    checks = {}
    for name, check in (
        ("database", _check_database),
        ("cache", _check_cache),
        ("broker", _check_broker),
        ("outbox", _check_outbox),
        ("worker", _check_worker),
    ):
        try:
            checks[name] = check()
        except Exception as exc:  # a health check reports every failure, whatever its type
            checks[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:200]}
    ok = all(c["ok"] for c in checks.values())
    return JsonResponse({"status": "ok" if ok else "fail", "checks": checks}, status=200 if ok else 503)


@csrf_exempt  # browsers post reports without a CSRF token; nothing is changed, the report is only logged
@require_POST
def csp_report(request):
    """Content-Security-Policy violation reports from browsers: logged (first 4 kB) for the operators, 204."""
    logging.getLogger("execcenter.csp").warning("CSP violation: %s", request.body[:4096].decode("utf-8", "replace"))
    return HttpResponse(status=204)
