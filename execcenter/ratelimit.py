"""Sliding-window rate limits shared by every process: the partner API throttle, the public lookup's limits per
address, case number and ID number, and its burst detector (issue 11).

On Redis the whole check-and-count is one Lua script (a sorted set of hit times, timed by Redis' own clock), so
exactly `limit` hits pass in any `window` seconds whatever the number of processes or threads. Without Redis (the
embedded default: one web process) the same window is kept in the cache under a lock held by the process.
"""

import threading
import time
import uuid

from django.core.cache import cache

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
    """Count one hit against `name` (any string); returns (allowed, seconds to wait when refused). A refused hit is
    not counted."""
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
