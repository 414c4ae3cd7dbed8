"""execcenter.cache.RedisCache: Django's Redis cache, reusing one client per connection pool."""

import os
import threading

import pytest

from execcenter.cache import RedisCache

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL); the embedded default uses a file cache"
)


@pytest.fixture
def redis_cache():
    cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "test-reuse"})
    yield cache
    cache.delete_many(["a", "b", "c"])


def test_one_client_serves_every_call_and_every_thread(redis_cache):
    backend = redis_cache._cache
    assert backend.get_client() is backend.get_client(write=True) is backend.get_client("a")
    redis_cache.set("a", {"v": 1})
    redis_cache.set_many({"b": 2, "c": [3]})
    assert redis_cache.get("a") == {"v": 1} and redis_cache.get_many(["b", "c"]) == {"b": 2, "c": [3]}
    seen = []
    threads = [
        threading.Thread(target=lambda: seen.append((backend.get_client(), redis_cache.incr("b")))) for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {id(client) for client, _ in seen} == {id(backend.get_client())}
    assert sorted(n for _, n in seen) == list(range(3, 11))  # every increment landed once
