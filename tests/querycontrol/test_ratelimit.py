"""Per-institution rate limits shared by all workers: a token bucket and an in-flight cap, in Redis
(production) or a SQLite file (embedded default). Two limiter objects stand for two worker processes."""

import time

import pytest
from django.conf import settings

from querycontrol.ratelimit import Limit, RedisRateLimiter, SQLiteRateLimiter


def _limiters(kind, tmp_path):
    if kind == "redis":
        if not settings.REDIS_URL:
            pytest.skip("no REDIS_URL: the embedded default uses the SQLite limiter")
        a, b = RedisRateLimiter(settings.REDIS_URL), RedisRateLimiter(settings.REDIS_URL)
    else:
        a, b = SQLiteRateLimiter(tmp_path / "rl.sqlite3"), SQLiteRateLimiter(tmp_path / "rl.sqlite3")
    a.reset(["T-BANK", "T-OTHER"])
    return a, b


@pytest.mark.parametrize("kind", ["redis", "sqlite"])
def test_token_bucket_is_shared_between_workers(kind, tmp_path):
    first, second = _limiters(kind, tmp_path)
    lim = Limit("T-BANK", rate=2.0, in_flight=100)
    grants = [first.acquire([lim]), second.acquire([lim]), first.acquire([lim])]
    assert [bool(g.granted) for g in grants] == [True, True, False]  # 2 per second across both "workers"
    assert 0 < grants[2].wait <= 0.5 + 0.01
    time.sleep(grants[2].wait + 0.05)
    assert second.acquire([lim]).granted == ["T-BANK"]


@pytest.mark.parametrize("kind", ["redis", "sqlite"])
def test_in_flight_cap_holds_until_release_and_other_institutions_are_unaffected(kind, tmp_path):
    first, second = _limiters(kind, tmp_path)
    bank, other = Limit("T-BANK", rate=1000.0, in_flight=1), Limit("T-OTHER", rate=1000.0, in_flight=1)
    held = first.acquire([bank])
    assert held.granted == ["T-BANK"]
    blocked = second.acquire([bank, other])
    assert blocked.granted == ["T-OTHER"]
    first.release(held)
    assert second.acquire([bank]).granted == ["T-BANK"]
