"""Per-address rate limits for the public forms, kept in Django's cache (Redis in production,
shared by every worker). Addresses are hashed before they become cache keys."""

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


def retry_after(limit: Limit, request) -> int | None:
    """Seconds until this address may send again, or None when it may send now."""
    window = cache.get(_key(limit, request))
    if not window or window["count"] < limit.count:
        return None
    return max(1, int(window["until"] - time.time()))


def record(limit: Limit, request) -> None:
    """Count one accepted submission; the window starts with the first one."""
    key = _key(limit, request)
    now = time.time()
    window = cache.get(key)
    if not window or window["until"] <= now:
        window = {"count": 0, "until": now + limit.window_seconds}
    window["count"] += 1
    cache.set(key, window, int(window["until"] - now) + 1)


def refuse(response, seconds: int):
    """Mark a response as a rate-limit refusal: 429 with Retry-After."""
    response.status_code = 429
    response["Retry-After"] = str(seconds)
    return response


def wait_text(seconds: int) -> int:
    """Whole minutes to tell a person, at least one."""
    return max(1, -(-seconds // 60))
