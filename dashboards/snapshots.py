"""Snapshots: the refresher computes the modules for the court scopes and stores, per screen, the JSON bundle
(plain, gzip and brotli) and its ETag in the shared cache. The poll endpoint only reads them (no database).

Who refreshes: the waiting loop `manage.py refresh_screens` (dashboards/refresher.py) recomputes the modules and
scopes that dirty marks name (dashboards/dirty.py) within a tick of the change's commit, plus each module over the
whole province on its interval; the beat task `refresh_snapshots` does the interval refresh alone when no loop runs.

Cache layout (keys are per court code):
- dash:state                  the last value of every module for every scope, its error state
- dash:screen:<code>:etag     the current ETag (a 304 needs only this key and dash:meta)
- dash:screen:<code>:body     {"etag": ..., "body": bytes, "gzip": bytes, "br": bytes}
- dash:meta                   {"at": epoch seconds of the last refresh, "as_of": the data's time (ISO), "lag":
                              replica lag in s (None: read the primary), "source": "replica" | "primary" |
                              "primary (replica down)", "duration": s, "courts": [codes]}

A bundle holds only what changes when the figures change (values, errors), so an unchanged screen
keeps its ETag and polls answer 304; the refresh time travels in response headers instead.
"""

import datetime as dt
import gzip
import hashlib
import json
import logging
import time

import brotli
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
    now = now or timezone.now()
    state = None if force else cache.get(STATE_KEY) or {}
    plan = {
        code: None
        for code, module in all_modules().items()
        if (modules is None or code in modules) and (force or _due(module, state.get(code), now, False))
    }
    return refresh_plan(plan, now)


def refresh_plan(plan, now=None):
    """Recompute what `plan` names and republish the screens it may change (issue 17: incremental refresh).

    `plan` maps a module code to None (every court: one gather over the whole province) or to a set of court ids
    whose rows changed (the dirty marks, dashboards/dirty.py). For those, an additive module re-gathers only each
    dirty court's subtree, replaces those courts' partial figures in this process's copy (`PARTIALS`) and finishes
    only the dirty courts and their ancestors; a non-additive one (indicators, ranking) gathers the province but
    still finishes and publishes only those scopes. Returns the summary dict ("computed", "failed", "screens",
    "duration" s, "timings" {code: s}, "incremental" [codes re-gathered per dirty court], "whole" [codes finished
    for every scope], "scopes" [court codes republished]), or None when
    another refresh holds the lock (the caller keeps its marks and tries again).
    """
    if not cache.add(LOCK_KEY, 1, LOCK_SECONDS):
        return None
    try:
        if any(dirty is not None for dirty in plan.values()):
            # A mark names a change committed on the primary, which a replica may not have replayed yet: a round
            # that read it there could miss the change and still consume the mark. Such rounds read the primary —
            # small reads, one dirty court's rows per module (the province's interval gathers keep the replica).
            return _compute_and_publish(now or timezone.now(), plan)
        # Module figures may lag the primary by a replica's few seconds; the bundles themselves go to the cache.
        with reading_replica():
            return _compute_and_publish(now or timezone.now(), plan)
    finally:
        cache.delete(LOCK_KEY)


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


def _compute(module, ctx, dirty, courts, scoped):
    """(values {court code: JSON} of the scopes finished, scope ids or None for all, incremental?) for one module.

    A savepoint per module: a failing query (PostgreSQL aborts the transaction) stays inside its module, and the
    others still compute (issue 5: isolated failure). A replica lost mid-refresh: the module is asked again on the
    primary, and so are the modules after it (execcenter.db.fall_back_to_primary)."""
    alias = db.replica_alias()
    try:
        with transaction.atomic(using=alias):
            return _finish(module, ctx, dirty, courts, scoped)
    except db.REPLICA_ERRORS as exc:
        if alias != db.REPLICA or db.probe_replica():
            raise  # the module's own error, not the replica's absence
        db.fall_back_to_primary(exc)
        with transaction.atomic(using="default"):
            return _finish(module, ctx, dirty, courts, scoped)


def _finish(module, ctx, dirty, courts, scoped):
    per_court, scope_ids, was_incremental = _gather(module, ctx, dirty, courts, scoped)
    scopes = courts.values() if scope_ids is None else [courts[i] for i in scope_ids]
    return {c.code: _jsonable(ctx.finish(module, per_court, c)) for c in scopes}, scope_ids, was_incremental


# Partial figures of the last gather per module, in this process (the refresher loop's): {code: {"per_court": {court
# id: partial}, "courts": frozenset of court ids}}. Bounded by modules × courts, not by cases. A process without them
# (a beat task, a restarted loop) gathers the province once before it can refresh incrementally.
PARTIALS = {}
# Beyond this many dirty courts in one round, one gather over the province costs less than one per court.
MAX_INCREMENTAL_COURTS = 8


def affected(court_ids, courts):
    """The dirty courts and every ancestor of them (the scopes whose totals include their rows): court ids."""
    out = set()
    for cid in court_ids:
        court = courts.get(cid)
        while court is not None and court.pk not in out:
            out.add(court.pk)
            court = courts.get(court.parent_id)
    return out


def _gather(module, ctx, dirty, courts, scoped):
    """(per_court, scope ids to finish or None for all, incremental?) for one module of the plan."""
    held = PARTIALS.get(module.code)
    full = (
        dirty is None
        or None in dirty
        or held is None
        or held["courts"] != frozenset(courts)
        or len(dirty) > MAX_INCREMENTAL_COURTS
        or any(cid not in courts for cid in dirty)
    )
    if full or not module.additive:
        per_court = module.gather(ctx)
        PARTIALS[module.code] = {"per_court": per_court, "courts": frozenset(courts)}
        return per_court, (None if full else affected(dirty, courts)), False
    per_court = held["per_court"]
    for cid in dirty:
        court = courts[cid]
        # One context per dirty court for the whole round: modules sharing a query (ctx.memo) share it here too.
        sctx = scoped.setdefault(cid, Context(ctx.now, scope=court, courts=courts))
        part = module.gather(sctx)
        for sub in ctx.subtree(court):
            if sub.pk in part:
                per_court[sub.pk] = part[sub.pk]
            else:
                per_court.pop(sub.pk, None)
    return per_court, affected(dirty, courts), True


def _compute_and_publish(now, plan):
    started = time.monotonic()
    lag, source = _measure_lag()
    state = cache.get(STATE_KEY) or {}
    courts = {c.pk: c for c in Court.objects.order_by("code")}
    ctx = Context(now, courts=courts)
    scoped = {}
    computed, failed, timings, incremental, whole = [], [], {}, [], []
    touched = set()  # court ids whose screens may change
    for code, module in all_modules().items():
        if code not in plan:
            continue
        entry = state.setdefault(code, {"values": {}, "changed": {}})
        t0 = time.monotonic()
        try:
            values, scope_ids, was_incremental = _compute(module, ctx, plan[code], courts, scoped)
        except Exception as exc:  # any module bug must not take the other 39 down
            log.exception("dashboard module %s failed", code)
            PARTIALS.pop(code, None)  # half-replaced partials: gather the province next time
            err = entry.get("error") or {"since": _iso(now), "last_ok_at": entry.get("ok_at")}
            entry["error"] = {**err, "message": f"{type(exc).__name__}: {exc}"[:200]}
            entry["computed_at"] = now.timestamp()
            failed.append(code)
            touched.update(courts)
            continue
        for court_code, value in values.items():
            if entry["values"].get(court_code) != value:
                entry["changed"][court_code] = _iso(now)
        if scope_ids is None:
            entry.update(values=values, computed_at=now.timestamp())
            touched.update(courts)
            whole.append(code)
        else:
            # Only some scopes were finished: the others keep their values, and the module stays due on its
            # interval (time moves figures such as "today" and days to a deadline for every court).
            entry["values"].update(values)
            touched.update(scope_ids)
        if was_incremental:
            incremental.append(code)
        if entry.get("error"):
            touched.update(courts)  # the error banner leaves every screen
        entry.update(ok_at=_iso(now), error=None)
        computed.append(code)
        timings[code] = round(time.monotonic() - t0, 4)
    cache.set(STATE_KEY, state, None)
    published = {pk: c for pk, c in courts.items() if pk in touched}
    screens = publish(state, published)
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
        "incremental": incremental,
        "whole": whole,
        "scopes": sorted(c.code for c in published.values()),
    }


def _jsonable(value):
    # Round-trip through JSON so that the stored value compares equal to the previous one.
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _layouts():
    return {layout.centre.court_id: layout for layout in ScreenLayout.objects.select_related("centre")}


def publish(state, courts):
    """Write the bundle (its layout's modules) and ETag of each screen of `courts` ({id: Court}); the version moves
    only on change. A changed bundle is compressed here, once per snapshot (gzip and brotli), so the poll serves the bytes as they are (issue 17: full bundles are cheap too)."""
    if not courts:
        return 0
    layouts = _layouts()
    screens = cache.get("dash:screens") or {}
    present = cache.get_many([etag_key(c.code) for c in courts.values()])
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
        if present.get(etag_key(court.code)) == etag:
            continue  # unchanged and still in the cache: nothing to write, nothing to compress
        body = (f'{{"version":{version},' + content[1:]).encode()
        payload[etag_key(court.code)] = etag
        payload[body_key(court.code)] = {"etag": etag, "body": body, **compressed(body)}
    # Bodies and ETags in one round trip; a poll that sees the new ETag finds the new body too
    # (the 200 path answers with the ETag stored beside the body, so the two never disagree).
    if payload:
        cache.set_many(payload, None)
    cache.set("dash:screens", screens, None)
    return len(courts)


# gzip level 6 (zlib's default) and brotli quality 5. Measured on the high court's 26,686-byte bundle (20,000 cases,
# machine at load 20): gzip 6 → 6,497 bytes in 2.5 ms; brotli 5 → 5,715 bytes in 6 ms; brotli 9 → 5,585 bytes in
# 68 ms; brotli 11 → 5,154 bytes in 217 ms. A round that republishes 200 screens compresses 200 bundles before any
# screen sees them, so the last 2–10 % of bytes are not worth 60–200 ms a bundle of freshness.
GZIP_LEVEL, BROTLI_QUALITY = 6, 5


def compressed(body):
    """{"gzip": bytes, "br": bytes}: `body` (bytes) compressed for the two encodings browsers accept."""
    return {
        "gzip": gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0),
        "br": brotli.compress(body, quality=BROTLI_QUALITY),
    }


def live_bundle(court, now=None):
    """All registered modules for one scope computed now: the per-request baseline the benchmark
    compares snapshots against (the poll endpoint never does this)."""
    now = now or timezone.now()
    return {code: m.compute(court, now) for code, m in all_modules().items()}
