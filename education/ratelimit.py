"""A small fixed-window rate limit in Django's cache (Redis in production, shared by workers).

Addresses are hashed before they become cache keys, so the cache never holds a raw IP address.
"""

import hashlib

from django.core.cache import cache


def _key(scope: str, ident: str) -> str:
    digest = hashlib.sha256(f"{scope}:{ident}".encode()).hexdigest()
    return f"ratelimit:{scope}:{digest}"


def is_limited(scope: str, ident: str, *, limit: int) -> bool:
    """True when `ident` has already used up its `limit` in the current window."""
    return cache.get(_key(scope, ident), 0) >= limit


def record(scope: str, ident: str, *, window_seconds: int) -> None:
    """Count one use; the window starts at the first use and lasts `window_seconds`."""
    key = _key(scope, ident)
    if not cache.add(key, 1, window_seconds):
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, window_seconds)
