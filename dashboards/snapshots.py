"""Snapshots: the beat task computes every module for every court scope and stores, per screen, the
JSON bundle and its ETag in the shared cache. The poll endpoint only reads them (no database).

Cache layout (keys are per court code):
- dash:state                  the last value of every module for every scope, its error state
- dash:screen:<code>:etag     the current ETag (a 304 needs only this key and dash:meta)
- dash:screen:<code>:body     {"etag": ..., "body": bytes}
- dash:meta                   {"at": epoch seconds of the last refresh, "as_of": the data's time (ISO), "lag":
                              replica lag in s (None: read the primary), "source": "replica" | "primary" |
                              "primary (replica down)", "duration": s, "courts": [codes]}

A bundle holds only what changes when the figures change (values, errors), so an unchanged screen
keeps its ETag and polls answer 304; the refresh time travels in response headers instead.
"""

import datetime as dt
import hashlib
import json
import logging
import time

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from execcenter import db
from execcenter.db import reading_replica
from execcenter.models import Court

from .layouts import FRAME, pages_for
from .models import ScreenLayout
from .registry import Context, all_modules

log = logging.getLogger(__name__)

STATE_KEY = "dash:state"
META_KEY = "dash:meta"
LOCK_KEY = "dash:refresh-lock"
LOCK_SECONDS = 120  # longer than any refresh; a crashed refresher's lock frees itself


def etag_key(code):
    return f"dash:screen:{code}:etag"


def body_key(code):
    return f"dash:screen:{code}:body"


def _iso(ts):
    return timezone.localtime(ts).isoformat(timespec="seconds")


def _due(module, entry, now, force):
    if force or not entry or "computed_at" not in entry:
        return True
    # A module is due when its interval has passed (minus a second of beat jitter).
    return now.timestamp() - entry["computed_at"] >= module.interval - 1


def refresh(now=None, force=False, modules=None):
    """Recompute the due modules for all scopes and rebuild every screen's bundle.

    Returns a summary dict, or None when another refresh holds the lock (beat overlapping itself).
    """
    if not cache.add(LOCK_KEY, 1, LOCK_SECONDS):
        return None
    try:
        return _refresh(now or timezone.now(), force, modules)
    finally:
        cache.delete(LOCK_KEY)


def _refresh(now, force, only):
    # Module figures may lag the primary by a replica's few seconds; the bundles themselves go to the cache.
    with reading_replica():
        return _compute_and_publish(now, force, only)


def _measure_lag():
    """(lag seconds or None, source) before the modules read: the figures are at most that old."""
    try:
        lag = db.replica_lag()
    except db.REPLICA_ERRORS as exc:
        db.fall_back_to_primary(exc)
        lag = None
    if db.replica_alias() == db.REPLICA:
        return lag, "replica"
    return None, "primary (replica down)" if db.replica_down_reason() else "primary"


def _gather(module, ctx, courts):
    # A savepoint per module: a failing query (PostgreSQL aborts the transaction) stays inside its module, and
    # the others still compute (issue 5: isolated failure). A replica lost mid-refresh: the module is asked
    # again on the primary, and so are the modules after it (execcenter.db.fall_back_to_primary).
    alias = db.replica_alias()
    try:
        with transaction.atomic(using=alias):
            per_court = module.gather(ctx)
            return {c.code: _jsonable(ctx.finish(module, per_court, c)) for c in courts.values()}
    except db.REPLICA_ERRORS as exc:
        if alias != db.REPLICA or db.probe_replica():
            raise  # the module's own error, not the replica's absence
        db.fall_back_to_primary(exc)
        with transaction.atomic(using="default"):
            per_court = module.gather(ctx)
            return {c.code: _jsonable(ctx.finish(module, per_court, c)) for c in courts.values()}


def _compute_and_publish(now, force, only):
    started = time.monotonic()
    lag, source = _measure_lag()
    state = cache.get(STATE_KEY) or {}
    courts = {c.pk: c for c in Court.objects.order_by("code")}
    ctx = Context(now, courts=courts)
    computed, failed, timings = [], [], {}
    for code, module in all_modules().items():
        if only is not None and code not in only:
            continue
        entry = state.setdefault(code, {"values": {}, "changed": {}})
        if not _due(module, entry, now, force):
            continue
        t0 = time.monotonic()
        try:
            values = _gather(module, ctx, courts)
        except Exception as exc:  # any module bug must not take the other 39 down
            log.exception("dashboard module %s failed", code)
            err = entry.get("error") or {"since": _iso(now), "last_ok_at": entry.get("ok_at")}
            entry["error"] = {**err, "message": f"{type(exc).__name__}: {exc}"[:200]}
            entry["computed_at"] = now.timestamp()
            failed.append(code)
            continue
        for court_code, value in values.items():
            if entry["values"].get(court_code) != value:
                entry["changed"][court_code] = _iso(now)
        entry.update(values=values, computed_at=now.timestamp(), ok_at=_iso(now), error=None)
        computed.append(code)
        timings[code] = round(time.monotonic() - t0, 4)
    cache.set(STATE_KEY, state, None)
    screens = publish(state, courts)
    duration = time.monotonic() - started
    cache.set(
        META_KEY,
        {
            "at": time.time(),
            # The data's time: a replica's figures are as of the refresh minus its lag (docs/deployment.md).
            "as_of": _iso(now - dt.timedelta(seconds=lag or 0)),
            "lag": lag,
            "source": source,
            "duration": duration,
            "courts": sorted(c.code for c in courts.values()),
        },
        None,
    )
    return {
        "computed": computed,
        "failed": failed,
        "screens": screens,
        "duration": duration,
        "timings": timings,
        "lag": lag,
        "source": source,
    }


def _jsonable(value):
    # Round-trip through JSON so that the stored value compares equal to the previous one.
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _layouts():
    return {layout.centre.court_id: layout for layout in ScreenLayout.objects.select_related("centre")}


def publish(state, courts):
    """Write each screen's bundle (its layout's modules) and ETag; the version moves only on change."""
    layouts = _layouts()
    screens = cache.get("dash:screens") or {}
    metas = {code: m.meta() for code, m in all_modules().items()}
    payload = {}
    for court in courts.values():
        layout = layouts.get(court.pk)
        pages = pages_for(layout)
        codes = list(FRAME) + [c for page in pages for c in page["modules"]]
        modules = {}
        for code in dict.fromkeys(codes):
            entry = state.get(code)
            if entry is None or (court.code not in entry.get("values", {}) and not entry.get("error")):
                continue
            modules[code] = {
                **metas[code],
                "data": entry["values"].get(court.code),
                "changed_at": entry.get("changed", {}).get(court.code),
                "error": entry.get("error"),
            }
        bundle = {
            "court": {"code": court.code, "name": court.name, "short_name": court.short_name, "level": court.level},
            "layout": {
                "title": (layout.title if layout else "") or f"{court.short_name}执行指挥中心",
                "pages": pages,
                "page_seconds": layout.page_seconds if layout else 20,
            },
            "modules": modules,
        }
        content = json.dumps(bundle, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        digest = hashlib.blake2b(content.encode(), digest_size=8).hexdigest()
        prev = screens.get(court.code, {})
        version = prev.get("version", 0) + (prev.get("hash") != digest)
        screens[court.code] = {"hash": digest, "version": version}
        etag = f'"{version}-{digest}"'
        body = (f'{{"version":{version},' + content[1:]).encode()
        payload[etag_key(court.code)] = etag
        payload[body_key(court.code)] = {"etag": etag, "body": body}
    # Bodies and ETags in one round trip; a poll that sees the new ETag finds the new body too
    # (the 200 path answers with the ETag stored beside the body, so the two never disagree).
    cache.set_many(payload, None)
    cache.set("dash:screens", screens, None)
    return len(courts)


def live_bundle(court, now=None):
    """All registered modules for one scope computed now: the per-request baseline the benchmark
    compares snapshots against (the poll endpoint never does this)."""
    now = now or timezone.now()
    return {code: m.compute(court, now) for code, m in all_modules().items()}
