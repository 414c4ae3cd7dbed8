"""GET /api/v1/screens/<court-code>/snapshot — the big screen's conditional poll (every second, issue 17).

A plain Django view, not DRF: it must answer hundreds of polls a second, and an unchanged poll (304)
must not touch the database — access is proven by the signed screen token, the ETag and the refresh
time come from the cache. It never computes a module: when the snapshots are old it says so
(X-Snapshot-Age / X-Snapshot-Stale) and the screen shows its stale banner. Read from a replica, the data's time
(X-Snapshot-As-Of) is the refresh's minus the replica's lag (X-Snapshot-Lag, seconds; X-Snapshot-Source says where the
figures were read), and a lag past SCREEN_REPLICA_LAG_LIMIT_SECONDS is stale too.

A changed bundle (200) is sent as the refresher stored it: brotli when the client accepts br, else gzip when it
accepts gzip, else plain JSON (`Content-Encoding`, `Vary: Accept-Encoding`); nothing is compressed per request. The
ETag is the snapshot's, the same for the three encodings: If-None-Match compares it weakly (execcenter.conditional)
and the screen only asks "has the snapshot moved", which the three answer alike.

Why a 1-second conditional poll and not server-sent events: the web tier is gunicorn with threads (WSGI), where an
open event stream holds a thread per screen — a thousand screens would need a thousand threads. An unchanged poll
costs no database query and, within SCREEN_POLL_LOCAL_SECONDS, not even a cache read, so a thousand screens
polling every second are a thousand cheap requests per second (bench/polling.py, bench/freshness.py). Most of them
never reach this view: dashboards.fastpoll answers a screen-token poll that would get a 304 in front of Django's
middleware, with the same checks and `poll_headers`; tests/dashboards/test_fastpoll.py keeps the two answers equal.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from execcenter import broker
from execcenter.conditional import none_match

from ..screen_access import HEADER, token_allows, user_allows
from ..snapshots import META_KEY, body_key, etag_key


def stale_after():
    # Three missed refreshes (10 s each by default) and the data is called stale.
    return settings.SCREEN_STALE_AFTER_SECONDS


def _error(status, code, message):
    return JsonResponse({"code": code, "detail": message}, status=status, json_dumps_params={"ensure_ascii": False})


# The ETag and refresh time each web process read last, per screen: thousands of screens poll every 5 s while the
# snapshots change at most every 10 s, so most polls are answered without even the cache's round trip. A new
# snapshot reaches a screen at most SCREEN_POLL_LOCAL_SECONDS later.
_local = {}


def local_seconds():
    return settings.SCREEN_POLL_LOCAL_SECONDS


# The bundle each web process served last, per screen: {court code: {"etag", "body", "gzip", "br"}}. A changed
# snapshot is fetched from the cache once per process and then served from memory until the ETag moves (a wall of
# screens showing one court asks for the same new bundle within a poll interval).
_bodies = {}

# Encodings in the order we prefer them when the client accepts several (brotli is the smallest, see snapshots).
ENCODINGS = ("br", "gzip")


def accepted_encoding(header):
    """The stored encoding to send for an Accept-Encoding header value: "br", "gzip" or None (the plain bytes).

    RFC 9110 §12.5.3: a coding with q=0 is refused, "*" stands for any coding not named; no header means identity."""
    if not header:
        return None
    weights = {}
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        weights[name.strip().lower()] = q
    for coding in ENCODINGS:
        if weights.get(coding, weights.get("*", 0.0)) > 0:
            return coding
    return None


def _body(court_code, etag):
    held = _bodies.get(court_code)
    if held is not None and held["etag"] == etag:
        return held
    entry = cache.get(body_key(court_code))
    if entry is not None:
        if len(_bodies) > 10_000:  # as _local: bounded whatever codes are asked for
            _bodies.clear()
        _bodies[court_code] = entry
    return entry


def _current(court_code):
    now = time.monotonic()
    hit = _local.get(court_code)
    if hit is not None and hit[0] > now:
        return hit[1], hit[2]
    found = cache.get_many([etag_key(court_code), META_KEY])
    etag, meta = found.get(etag_key(court_code)), found.get(META_KEY)
    if etag is not None and meta is not None:
        if len(_local) > 10_000:  # court codes are few; never let made-up ones grow the table without bound
            _local.clear()
        _local[court_code] = (now + local_seconds(), etag, meta)
    return etag, meta


@require_GET
def snapshot(request, court_code):
    token = request.META.get(HEADER)
    allowed = token_allows(token, court_code) if token else user_allows(request.user, court_code)
    if allowed is None:
        return _error(
            401, "screen_token_invalid", _("大屏凭证无效或已过期，请重新获取 (screen token missing or expired)")
        )
    etag, meta = _current(court_code)
    if not allowed or (meta is not None and court_code not in meta["courts"]):
        # Out of scope and unknown courts look the same (docs/design.md §2: 404, never 403-with-details).
        return _error(404, "not_found", _("未找到该法院的大屏 (no such screen)"))
    if etag is None or meta is None:
        return _error(503, "snapshot_missing", _("大屏数据尚未生成，请稍候 (snapshot not generated yet)"))
    headers = poll_headers(etag, meta)
    if none_match(request.headers.get("If-None-Match"), etag):
        response = HttpResponse(status=304)
    else:
        entry = _body(court_code, etag)
        if entry is None:
            return _error(503, "snapshot_missing", _("大屏数据尚未生成，请稍候 (snapshot not generated yet)"))
        headers["ETag"] = entry["etag"]
        coding = accepted_encoding(request.headers.get("Accept-Encoding"))
        if coding is not None and coding in entry:
            response = HttpResponse(entry[coding], content_type="application/json; charset=utf-8")
            headers["Content-Encoding"] = coding
        else:
            response = HttpResponse(entry["body"], content_type="application/json; charset=utf-8")
    for name, value in headers.items():
        response[name] = value
    return response


def poll_headers(etag, meta):
    """The headers of a poll's answer, 200 or 304 (also sent by dashboards.fastpoll): {name: value}."""
    age = max(0.0, time.time() - meta["at"])
    lag = meta.get("lag")  # seconds the replica the figures were read from was behind (None: the primary)
    headers = {
        "ETag": etag,
        "Cache-Control": "no-cache, private",
        "X-Snapshot-Age": f"{age:.1f}",
        "X-Snapshot-As-Of": meta["as_of"],
        "X-Snapshot-Stale": "1"
        if age > stale_after() or (lag or 0) > settings.SCREEN_REPLICA_LAG_LIMIT_SECONDS
        else "0",
        "X-Snapshot-Lag": "" if lag is None else f"{lag:.1f}",
        "X-Snapshot-Source": meta.get("source", "primary"),
        # The broker as this process last saw it (a background probe; the poll never waits on it): the
        # screen says so, because approvals and queries then wait in the outbox (issue 16).
        "X-Broker": "down" if broker.last_known()["ok"] is False else "up",
        "Access-Control-Expose-Headers": (
            "ETag, X-Snapshot-Age, X-Snapshot-As-Of, X-Snapshot-Stale, X-Snapshot-Lag, X-Snapshot-Source, X-Broker"
        ),
    }
    # The body depends on Accept-Encoding (issue 17: stored compressed once per snapshot, sent as stored).
    headers["Vary"] = "Accept-Encoding"
    return headers
