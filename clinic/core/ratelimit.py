"""Rate limits for the public forms and the staff sign-in, kept in Django's cache (Redis in
production, shared by every worker and server).

A clinic's clients share addresses (the waiting room's Wi-Fi, the front desk's tablet) while an
attacker can change theirs, so each limit counts twice: per device (the browser session) with a
small number that fits one person, and per address with a much higher cap that only a flood
reaches. The clinic's own addresses (RATE_LIMIT_ALLOWED_ADDRESSES) skip the address cap. The
numbers are settings (RATE_LIMITS). Cache keys hold a keyed hash, never an address or a session
key. Each count is a window that opens with the first use, taken with an atomic increment.
"""

import contextlib
import hashlib
import hmac
import ipaddress
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    """A named limit; its numbers are settings.RATE_LIMITS[scope]:
    (per device, per address, window in seconds), None where that count is not kept."""

    scope: str

    @property
    def numbers(self) -> tuple[int | None, int | None, int]:
        return settings.RATE_LIMITS[self.scope]


READER_QUESTIONS = Limit("reader-question")
INTAKES = Limit("intake")
BOOKINGS = Limit("booking")
INTAKE_STEPS = Limit("intake-step")
STAFF_SIGN_IN = Limit("staff-sign-in")
# Asking for a "my appointments" link by email (clinic/booking/my_appointments.py).
MY_LINKS = Limit("my-link")


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


def is_clinic_address(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(
        ip in ipaddress.ip_network(allowed, strict=False)
        for allowed in settings.RATE_LIMIT_ALLOWED_ADDRESSES
    )


DEVICE_KEY = "ratelimit_device"


def _device(request) -> str:
    """A random name for this browser, kept in its session. The session's own key changes at
    sign-in and on submitting a check, so it cannot name the device."""
    return request.session.setdefault(DEVICE_KEY, secrets.token_hex(16))


def _key(scope: str, kind: str, identity: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{scope}:{kind}:{identity}".encode(), hashlib.sha256
    ).hexdigest()
    return f"ratelimit:{scope}:{kind}:{digest}"


def _counters(limit: Limit, request) -> list[tuple[str, int]]:
    per_device, per_address, _window = limit.numbers
    counters = []
    if per_device is not None and hasattr(request, "session"):
        counters.append((_key(limit.scope, "device", _device(request)), per_device))
    address = client_ip(request)
    if per_address is not None and not is_clinic_address(address):
        counters.append((_key(limit.scope, "address", address), per_address))
    return counters


def _take(key: str, count: int, window: int, now: float) -> int | None:
    if cache.add(key, 0, window):
        cache.set(f"{key}:until", now + window, window)
    try:
        used = cache.incr(key)
    except ValueError:  # the window ended between add() and incr(): start a new one
        cache.add(key, 0, window)
        cache.set(f"{key}:until", now + window, window)
        used = cache.incr(key)
    if used <= count:
        return None
    cache.decr(key)
    until = cache.get(f"{key}:until", now + window)
    return max(1, int(until - now))


def acquire(limit: Limit, request) -> int | None:
    """Take one use for this device and this address, atomically (many requests at once
    cannot all slip in). Returns None when the request may go ahead, or the seconds until it
    may try again (nothing is taken then)."""
    window, now = limit.numbers[2], time.time()
    taken = []
    for key, count in _counters(limit, request):
        wait = _take(key, count, window, now)
        if wait is not None:
            for earlier in taken:
                with contextlib.suppress(ValueError):
                    cache.decr(earlier)
            return wait
        taken.append(key)
    return None


def acquire_for(limit: Limit, identity: str, count: int) -> int | None:
    """Take one use of a count kept for `identity` (e.g. the email address a link goes to)
    rather than for a device or an address, in `limit`'s window: at most `count` uses. Like
    acquire(), None when it may go ahead, else the seconds to wait. The key holds a keyed
    hash of the identity, never the identity."""
    return _take(_key(limit.scope, "identity", identity), count, limit.numbers[2], time.time())


def release(limit: Limit, request) -> None:
    """Give back a use taken by a submission that was then refused for another reason."""
    for key, _count in _counters(limit, request):
        with contextlib.suppress(ValueError):  # the window has just ended
            cache.decr(key)


def refuse(response, seconds: int):
    """Mark a response as a rate-limit refusal: 429 with Retry-After."""
    response.status_code = 429
    response["Retry-After"] = str(seconds)
    return response


def wait_text(seconds: int) -> int:
    """Whole minutes to tell a person, at least one."""
    return max(1, -(-seconds // 60))
