"""The shared cache (Redis), with one client per connection pool, and versions kept in it.

Django's Redis backend builds a new redis.Redis object for every cache call, about 80 µs of CPU
each, and a page makes several (the page cache, the clinic settings' version, rate limits). A
client is safe to share between calls over its pool, so each pool keeps one.
"""

import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import ClassVar

from django.core.cache import cache
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


class SharedVersion:
    """A token in the shared cache that is replaced whenever what it stands for changes, and
    each process's own copy of it.

    Asking Redis costs a round trip on every request, about as much as serving a cached page. So
    `current()` asks at most once every `recheck_seconds`: a change made by another process
    shows within that time, one made by this process (`bump()`) at once. Used for the clinic's
    settings (core.models) and the page cache's content version (core.page_cache).
    """

    every: ClassVar[list["SharedVersion"]] = []

    def __init__(self, key: str, recheck_seconds: float = 1.0):
        self.key = key
        self.recheck_seconds = recheck_seconds
        self.forget()
        SharedVersion.every.append(self)

    def fresh(self) -> bool:
        """Whether this process's copy was read from the shared cache within the last
        `recheck_seconds`."""
        return self.value is not None and time.monotonic() - self.checked_at < self.recheck_seconds

    def current(self) -> str:
        if not self.fresh():
            self.seen(self.read())
        return self.value

    def read(self) -> str:
        """The shared cache's token; after a flush, a new one every process agrees on."""
        value = cache.get(self.key)
        if value is None:
            cache.add(self.key, uuid.uuid4().hex, None)
            value = cache.get(self.key)
        return value

    def seen(self, value: str) -> None:
        """Note a token just read from the shared cache."""
        self.value, self.checked_at = value, time.monotonic()

    def bump(self) -> str:
        """Say that something changed: a new token, for every process."""
        value = uuid.uuid4().hex
        cache.set(self.key, value, None)
        self.seen(value)
        return value

    def forget(self) -> None:
        """Ask the shared cache on the next call (when the cache itself was swapped or emptied)."""
        self.value: str | None = None
        self.checked_at = float("-inf")

    @classmethod
    def forget_all(cls, but: "SharedVersion | None" = None) -> None:
        for version in cls.every:
            if version is not but:
                version.forget()


# What kept_by_process keeps, by key: (the time.monotonic() it expires at or None, the value).
# Kept as the objects themselves: a Django cache pickles on every set and unpickles on every
# get, and unpickling a list of model instances cost about as much as the query it saved.
_kept: OrderedDict[str, tuple[float | None, object]] = OrderedDict()
# The article pages' lists and addresses and the time picker's weeks: small values, a few
# hundred at most in use at once.
KEPT_ENTRIES = 500


def kept_by_process[T](key: str, build: Callable[[], T], seconds: float | None = None) -> T:
    """What `build()` returns, kept by this process under `key` for `seconds` (None: until it
    is pushed out; at most KEPT_ENTRIES are kept, the least recently used go first). The key
    names everything the value is built from, such as a SharedVersion's token, ids and a
    language; never raw input. The value is shared by every later caller: only read it."""
    now = time.monotonic()
    found = _kept.get(key)
    if found is not None and (found[0] is None or now < found[0]):
        _kept.move_to_end(key)
        return found[1]
    value = build()
    _kept[key] = (None if seconds is None else now + seconds, value)
    _kept.move_to_end(key)
    while len(_kept) > KEPT_ENTRIES:
        _kept.popitem(last=False)
    return value


def forget_kept() -> None:
    """Forget everything kept_by_process keeps (as a process just started)."""
    _kept.clear()
