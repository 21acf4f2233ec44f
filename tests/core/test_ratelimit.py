import hashlib
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from clinic.core import ratelimit
from clinic.core.form_guard import GuardedForm, stamp

LIMIT = ratelimit.Limit("test")


@pytest.fixture(autouse=True)
def _numbers(settings):
    # 3 a device, 10 an address, in 10 minutes
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "test": (3, 10, 600), "other": (3, 10, 600)}
    settings.RATE_LIMIT_ALLOWED_ADDRESSES = []


def request(address="203.0.113.7", forwarded=None, device=None):
    """A POST from one browser (`device` is its session) at `address`."""
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    made = RequestFactory().post("/", **extra)
    made.session = device if device is not None else SessionStore()
    return made


@pytest.fixture
def tablet():
    return SessionStore()


pytestmark = pytest.mark.django_db


def test_a_device_gets_its_own_small_count(tablet):
    for _ in range(3):
        assert ratelimit.acquire(LIMIT, request(device=tablet)) is None
    wait = ratelimit.acquire(LIMIT, request(device=tablet))
    assert wait is not None and 590 <= wait <= 600
    # Another client on the same Wi-Fi is not held back by the first one.
    assert ratelimit.acquire(LIMIT, request()) is None
    assert ratelimit.acquire(ratelimit.Limit("other"), request(device=tablet)) is None


def test_the_address_cap_stops_a_flood_of_fresh_devices():
    results = [ratelimit.acquire(LIMIT, request()) for _ in range(12)]
    assert results[:10] == [None] * 10
    assert all(wait is not None for wait in results[10:])
    assert ratelimit.acquire(LIMIT, request("198.51.100.2")) is None


def test_the_clinics_own_network_skips_the_address_cap(settings):
    settings.RATE_LIMIT_ALLOWED_ADDRESSES = ["192.168.1.0/24"]
    assert all(ratelimit.acquire(LIMIT, request("192.168.1.20")) is None for _ in range(15))
    tablet = SessionStore()
    for _ in range(3):
        ratelimit.acquire(LIMIT, request("192.168.1.20", device=tablet))
    assert ratelimit.acquire(LIMIT, request("192.168.1.20", device=tablet)) is not None


def test_a_refusal_takes_nothing_from_the_other_count(tablet):
    for _ in range(3):
        ratelimit.acquire(LIMIT, request(device=tablet))
    for _ in range(5):
        assert ratelimit.acquire(LIMIT, request(device=tablet)) is not None
    # Only the 3 accepted uses count against the address: 7 more fresh devices get in.
    assert [ratelimit.acquire(LIMIT, request()) for _ in range(8)].count(None) == 7


def test_a_released_use_can_be_taken_again(tablet):
    for _ in range(3):
        ratelimit.acquire(LIMIT, request(device=tablet))
    ratelimit.release(LIMIT, request(device=tablet))
    assert ratelimit.acquire(LIMIT, request(device=tablet)) is None
    assert ratelimit.acquire(LIMIT, request(device=tablet)) is not None


def test_refusals_do_not_count_against_the_next_window(monkeypatch, tablet):
    for _ in range(5):
        ratelimit.acquire(LIMIT, request(device=tablet))
    later = time.time() + 601
    monkeypatch.setattr(ratelimit.time, "time", lambda: later)
    assert ratelimit.acquire(LIMIT, request(device=tablet)) is None


def test_many_requests_at_once_cannot_all_slip_in():
    from concurrent.futures import ThreadPoolExecutor

    def one_tablet(_):
        return ratelimit.acquire(LIMIT, request(device={ratelimit.DEVICE_KEY: "one-tablet"}))

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(one_tablet, range(40)))
    assert sum(result is None for result in results) == 3


def test_cache_keys_name_neither_the_address_nor_the_session(tablet):
    ratelimit.acquire(LIMIT, request(device=tablet))
    keys = [key for key, _count in ratelimit._counters(LIMIT, request(device=tablet))]
    device = tablet[ratelimit.DEVICE_KEY]
    assert keys and not any("203.0.113.7" in key or device in key for key in keys)
    # Keyed: knowing the address is not enough to find its counter.
    plain = hashlib.sha256(b"test:address:203.0.113.7").hexdigest()
    assert not any(plain in key for key in keys)


def test_client_ip_ignores_forwarded_header_without_a_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert ratelimit.client_ip(request("10.0.0.1", "1.1.1.1")) == "10.0.0.1"


def test_client_ip_behind_one_proxy_takes_the_address_it_saw(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    spoofed = request("10.0.0.1", "6.6.6.6, 203.0.113.9")
    assert ratelimit.client_ip(spoofed) == "203.0.113.9"


class Sample(GuardedForm):
    pass


@pytest.mark.parametrize(
    ("seconds_ago", "website", "ok"),
    [(10, "", True), (1, "", False), (None, "", False), (10, "http://spam.example", False)],
)
def test_guarded_form_refuses_bots(seconds_ago, website, ok):
    started = "" if seconds_ago is None else stamp(time.time() - seconds_ago)
    assert Sample(data={"started": started, "website": website}).is_valid() is ok


def test_forged_start_time_is_refused():
    assert not Sample(data={"started": "1700000000"}).is_valid()


def test_control_characters_never_reach_a_stored_or_emailed_text():
    from django import forms

    from clinic.core.form_guard import without_control_characters

    class Contact(GuardedForm):
        name = forms.CharField()
        note = forms.CharField(widget=forms.Textarea)

    form = Contact(
        data={
            "name": "Ana\r\nBcc: victim@example.com\x1b",
            "note": "line one\r\nline two\x07\tend",
            "started": stamp(time.time() - 30),
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "Ana Bcc: victim@example.com"
    assert form.cleaned_data["note"] == "line one\nline two \tend"
    assert without_control_characters("plain name") == "plain name"
