"""Per-institution rate limits shared by every worker process (docs/design.md §7: Celery's `rate_limit` is
per worker, so four workers would send four times the agreed rate).

Each institution has a token bucket (`rate_per_second`, burst = one second's worth) and a cap on
requests in flight (`max_in_flight`). In-flight slots are leases with a deadline, so a worker killed
while holding one cannot block the institution for longer than the lease.

With REDIS_URL the state lives in Redis and one Lua call checks a whole chunk of institutions
atomically. On the embedded default (no Redis) it lives in a small SQLite file under VAR_DIR, locked
with BEGIN IMMEDIATE, which serialises the processes of one machine just as well.
"""

import os
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings

# Seconds an in-flight slot is held at most (longer than any query may take: soft time limit).
LEASE_SECONDS = 120
# Shortest pause before asking again when an institution is saturated.
MIN_WAIT = 0.01


@dataclass(frozen=True)
class Limit:
    code: str
    rate: float  # requests per second (tokens refilled per second; also the burst size)
    in_flight: int  # requests running at once


@dataclass
class Grant:
    granted: list  # codes that may be sent now
    lease: str  # identifies the in-flight slots taken, for release()
    wait: float  # seconds until a denied code may get a token (0 when all granted)


# One call for a whole chunk: ARGV = now_ms, lease_ms, member, key prefix, then "code rate cap" lines.
# (Keys are built in the script from the codes: one short payload instead of 2 keys and 2 args per
# institution; fine for a single Redis, which is what the product runs on.)
_LUA_ACQUIRE = """
local now_ms = tonumber(ARGV[1])
local lease_ms = tonumber(ARGV[2])
local member = ARGV[3]
local prefix = ARGV[4]
local out = {}
for code, rate, cap in string.gmatch(ARGV[5], "(%S+) (%S+) (%S+)") do
  rate = tonumber(rate)
  cap = tonumber(cap)
  local bucket, flight = prefix .. 'b:' .. code, prefix .. 'f:' .. code
  local state = redis.call('HMGET', bucket, 't', 'ts')
  local tokens = tonumber(state[1]) or rate
  local ts = tonumber(state[2]) or now_ms
  tokens = math.min(rate, tokens + math.max(0, now_ms - ts) * rate / 1000)
  local busy = redis.call('ZCARD', flight)
  if busy >= cap then
    redis.call('ZREMRANGEBYSCORE', flight, '-inf', now_ms - lease_ms)
    busy = redis.call('ZCARD', flight)
  end
  local wait = 0
  if tokens >= 1 and busy < cap then
    tokens = tokens - 1
    redis.call('ZADD', flight, now_ms, member)
    redis.call('PEXPIRE', flight, lease_ms)
  elseif tokens < 1 then
    wait = math.ceil((1 - tokens) * 1000 / rate)
  else
    wait = 10
  end
  redis.call('HSET', bucket, 't', tostring(tokens), 'ts', now_ms)
  redis.call('PEXPIRE', bucket, 60000)
  out[#out + 1] = wait
end
return out
"""

_LUA_RELEASE = """
for code in string.gmatch(ARGV[3], "%S+") do
  redis.call('ZREM', ARGV[1] .. 'f:' .. code, ARGV[2])
end
return 0
"""


class RedisRateLimiter:
    prefix = "ec:rl:"

    def __init__(self, url):
        import redis

        self.client = redis.Redis.from_url(url)
        self.script = self.client.register_script(_LUA_ACQUIRE)
        self.release_script = self.client.register_script(_LUA_RELEASE)

    def acquire(self, limits):
        lease = uuid.uuid4().hex
        if not limits:
            return Grant([], lease, 0.0)
        payload = "\n".join(f"{lim.code} {lim.rate} {lim.in_flight}" for lim in limits)
        # The server clock, so that workers on different hosts agree on "now".
        sec, usec = self.client.time()
        waits = self.script(args=[sec * 1000 + usec // 1000, LEASE_SECONDS * 1000, lease, self.prefix, payload])
        granted = [lim.code for lim, w in zip(limits, waits) if int(w) == 0]
        denied = [int(w) for w in waits if int(w) > 0]
        return Grant(granted, lease, max(MIN_WAIT, min(denied) / 1000) if denied else 0.0)

    def release(self, grant):
        if grant.granted:
            self.release_script(args=[self.prefix, grant.lease, " ".join(grant.granted)])

    def reset(self, codes):
        if codes:
            self.client.delete(*[f"{self.prefix}{k}:{c}" for c in codes for k in ("b", "f")])


class SQLiteRateLimiter:
    """The same buckets in a SQLite file, for the embedded default without Redis."""

    def __init__(self, path):
        self.path = str(path)
        self.local = threading.local()
        with self._conn() as db:
            db.execute("CREATE TABLE IF NOT EXISTS bucket (code TEXT PRIMARY KEY, tokens REAL, ts REAL)")
            db.execute("CREATE TABLE IF NOT EXISTS flight (code TEXT, lease TEXT, ts REAL, PRIMARY KEY (code, lease))")

    def _conn(self):
        # One connection per thread and per process (a forked pool child must not reuse its parent's).
        db = getattr(self.local, "db", None)
        if db is None or self.local.pid != os.getpid():
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            self.local.db, self.local.pid = db, os.getpid()
        return db

    def acquire(self, limits):
        lease = uuid.uuid4().hex
        granted, waits = [], []
        db = self._conn()
        now = time.time()
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("DELETE FROM flight WHERE ts < ?", (now - LEASE_SECONDS,))
            for lim in limits:
                row = db.execute("SELECT tokens, ts FROM bucket WHERE code = ?", (lim.code,)).fetchone()
                tokens, ts = row if row else (lim.rate, now)
                tokens = min(lim.rate, tokens + max(0.0, now - ts) * lim.rate)
                busy = db.execute("SELECT COUNT(*) FROM flight WHERE code = ?", (lim.code,)).fetchone()[0]
                if tokens >= 1 and busy < lim.in_flight:
                    tokens -= 1
                    db.execute("INSERT INTO flight VALUES (?, ?, ?)", (lim.code, lease, now))
                    granted.append(lim.code)
                else:
                    waits.append((1 - tokens) / lim.rate if tokens < 1 else MIN_WAIT)
                db.execute("INSERT OR REPLACE INTO bucket VALUES (?, ?, ?)", (lim.code, tokens, now))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return Grant(granted, lease, max(MIN_WAIT, min(waits)) if waits else 0.0)

    def release(self, grant):
        if grant.granted:
            db = self._conn()
            db.execute("BEGIN IMMEDIATE")
            db.executemany("DELETE FROM flight WHERE code = ? AND lease = ?", [(c, grant.lease) for c in grant.granted])
            db.execute("COMMIT")

    def reset(self, codes):
        db = self._conn()
        db.execute("BEGIN IMMEDIATE")
        db.executemany("DELETE FROM bucket WHERE code = ?", [(c,) for c in codes])
        db.executemany("DELETE FROM flight WHERE code = ?", [(c,) for c in codes])
        db.execute("COMMIT")


@lru_cache(maxsize=2)
def _build(redis_url, var_dir):
    if redis_url:
        return RedisRateLimiter(redis_url)
    return SQLiteRateLimiter(f"{var_dir}/ratelimit.sqlite3")


def get_rate_limiter():
    return _build(settings.QUERYCONTROL_RATELIMIT_REDIS_URL, str(settings.VAR_DIR))


def limits_for(institutions):
    return [Limit(i.code, float(max(1, i.rate_per_second)), max(1, i.max_in_flight)) for i in institutions]
