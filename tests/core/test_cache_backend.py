"""The shared cache keeps one Redis client per pool, and still reads and writes like Django's."""

import socket

import pytest

from clinic.core.cache import SharedRedisCache


def redis_is_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


pytestmark = pytest.mark.skipif(not redis_is_running(), reason="no Redis on 127.0.0.1:6379")


@pytest.fixture
def cache():
    shared = SharedRedisCache("redis://127.0.0.1:6379/9", {"KEY_PREFIX": "test-cache-backend"})
    yield shared
    shared.delete_many(["greeting", "counter"])


def test_every_call_reuses_one_client(cache):
    first = cache._cache.get_client()
    assert cache._cache.get_client() is first
    assert cache._cache.get_client(write=True) is first  # one server: one pool, one client


def test_it_stores_reads_counts_and_deletes(cache):
    cache.set("greeting", {"text": "hola"}, 30)
    assert cache.get("greeting") == {"text": "hola"}
    cache.set("counter", 1, 30)
    assert cache.incr("counter") == 2
    assert cache.get_many(["greeting", "counter"]) == {"greeting": {"text": "hola"}, "counter": 2}
    cache.delete("greeting")
    assert cache.get("greeting") is None
