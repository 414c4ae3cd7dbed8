"""Django's Redis cache with one client per connection pool.

Django's RedisCacheClient builds a new redis.Redis object for every cache call, and each one copies redis-py's
table of ~170 response callbacks: ≈ 0.3 ms, a sixth of what an unchanged big-screen poll (two cache reads)
costs. redis.Redis is safe to share between threads (each command takes a connection from the pool), so one per
pool serves.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
