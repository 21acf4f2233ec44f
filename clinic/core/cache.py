"""The shared cache (Redis), with one client per connection pool.

Django's Redis backend builds a new redis.Redis object for every cache call, about 80 µs of CPU
each, and a page makes several (the page cache, the clinic settings' version, rate limits). A
client is safe to share between calls over its pool, so each pool keeps one.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class PooledClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        if index not in self._clients:
            pool = self._get_connection_pool(write)
            self._clients[index] = self._client(connection_pool=pool)
        return self._clients[index]


class SharedRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = PooledClient
