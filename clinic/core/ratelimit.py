"""Per-address rate limits for the public forms, kept in Django's cache (Redis in production,
shared by every worker): a count per window that opens with the first use, taken with an
atomic increment. Addresses are hashed before they become cache keys."""

import contextlib
import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    scope: str
    count: int
    window_seconds: int


READER_QUESTIONS = Limit("reader-question", 3, 10 * 60)
INTAKES = Limit("intake", 5, 60 * 60)
BOOKINGS = Limit("booking", 5, 60 * 60)


def client_ip(request) -> str:
    """The client's address. Behind TRUSTED_PROXY_COUNT proxies it is the address the
    outermost trusted proxy saw, taken from the right of X-Forwarded-For (clients can write
    anything on the left)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _key(limit: Limit, request) -> str:
    digest = hashlib.sha256(f"{limit.scope}:{client_ip(request)}".encode()).hexdigest()
    return f"ratelimit:{limit.scope}:{digest}"


def acquire(limit: Limit, request) -> int | None:
    """Take one use for this address, atomically (many requests at once cannot all slip in).
    The window opens with the first use. Returns None when the submission may go ahead, or
    the seconds until the address may try again."""
    key, now = _key(limit, request), time.time()
    if cache.add(key, 0, limit.window_seconds):
        cache.set(f"{key}:until", now + limit.window_seconds, limit.window_seconds)
    try:
        used = cache.incr(key)
    except ValueError:  # the window ended between add() and incr(): start a new one
        cache.add(key, 0, limit.window_seconds)
        cache.set(f"{key}:until", now + limit.window_seconds, limit.window_seconds)
        used = cache.incr(key)
    if used <= limit.count:
        return None
    cache.decr(key)
    until = cache.get(f"{key}:until", now + limit.window_seconds)
    return max(1, int(until - now))


def release(limit: Limit, request) -> None:
    """Give back a use taken by a submission that was then refused for another reason."""
    with contextlib.suppress(ValueError):  # the window has just ended
        cache.decr(_key(limit, request))


def refuse(response, seconds: int):
    """Mark a response as a rate-limit refusal: 429 with Retry-After."""
    response.status_code = 429
    response["Retry-After"] = str(seconds)
    return response


def wait_text(seconds: int) -> int:
    """Whole minutes to tell a person, at least one."""
    return max(1, -(-seconds // 60))
