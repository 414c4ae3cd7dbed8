"""Rate limit per partner API key, atomic across every web process (issue 11, point 4).

DRF's SimpleRateThrottle reads a list of timestamps from the cache and writes it back: two processes (or threads)
both read 599 and both let their request through, which let 650 requests pass in 18 s against 600/min. Here the
whole check-and-count is one Lua script on Redis (a sliding window in a sorted set, timed by Redis' own clock), so
exactly `num` requests pass in any `duration` window whatever the number of processes. Without Redis (the embedded
default: one web process) the same sliding window is kept in the cache under a lock held by the process.
"""
import logging
import threading
import time
import uuid

from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

from .permissions import is_partner

SLIDING_WINDOW = """
local key, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) >= limit then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return tostring(oldest[2] + window - now)
end
redis.call('ZADD', key, now, ARGV[3])
redis.call('PEXPIRE', key, math.ceil(window * 1000))
return '-1'
"""

_local_lock = threading.Lock()


def _redis_client(key):
    backend = getattr(cache, "_cache", None)  # Django's RedisCacheClient
    get_client = getattr(backend, "get_client", None)
    return get_client(key, write=True) if get_client else None


def hit(name, limit, window):
    """Count one request against `name`; returns (allowed, seconds to wait when refused)."""
    key = cache.make_and_validate_key(f"throttle:{name}")
    client = _redis_client(key)
    if client is not None:
        wait = float(client.eval(SLIDING_WINDOW, 1, key, window, limit, uuid.uuid4().hex))
        return wait < 0, max(wait, 0.0)
    now = time.time()
    with _local_lock:  # one process: its threads take turns; the embedded default runs one web process
        stamps = [t for t in cache.get(key, []) if t > now - window]
        if len(stamps) >= limit:
            return False, stamps[0] + window - now
        cache.set(key, [*stamps, now], window)
        return True, 0.0


class PartnerKeyThrottle(SimpleRateThrottle):
    """Rate limit per partner API key (browser sessions are not throttled here)."""

    scope = "partner"

    def get_cache_key(self, request, view):
        if not is_partner(request.user):
            return None
        return f"{self.scope}:{request.user.pk}"

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        name = self.get_cache_key(request, view)
        if name is None:
            return True
        try:
            allowed, self._wait = hit(name, self.num_requests, self.duration)
        except Exception as exc:  # the cache backend's connection error, whatever its type
            # With the cache server down, partners are served unthrottled (and it is logged) rather than every
            # partner call failing with a 500: /healthz shows the cache down, and the keys still authenticate and
            # are scoped by the database (issue 16).
            logging.getLogger(__name__).warning("partner throttle skipped, cache unavailable: %s", exc)
            return True
        return allowed

    def wait(self):
        return self._wait
