import time

import pytest
from django.test import RequestFactory

from clinic.core import ratelimit
from clinic.core.form_guard import GuardedForm, stamp

LIMIT = ratelimit.Limit("test", 3, 600)


def request(address="203.0.113.7", forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **extra)


def test_limit_counts_per_address_and_scope():
    for _ in range(3):
        assert ratelimit.acquire(LIMIT, request()) is None
    wait = ratelimit.acquire(LIMIT, request())
    assert wait is not None and 590 <= wait <= 600
    assert ratelimit.acquire(LIMIT, request("198.51.100.2")) is None
    assert ratelimit.acquire(ratelimit.Limit("other", 3, 600), request()) is None


def test_a_released_use_can_be_taken_again():
    for _ in range(3):
        ratelimit.acquire(LIMIT, request())
    ratelimit.release(LIMIT, request())
    assert ratelimit.acquire(LIMIT, request()) is None
    assert ratelimit.acquire(LIMIT, request()) is not None


def test_refusals_do_not_count_against_the_next_window(monkeypatch):
    for _ in range(5):
        ratelimit.acquire(LIMIT, request())
    later = time.time() + 601
    monkeypatch.setattr(ratelimit.time, "time", lambda: later)
    assert ratelimit.acquire(LIMIT, request()) is None


def test_many_requests_at_once_cannot_all_slip_in():
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: ratelimit.acquire(LIMIT, request()), range(40)))
    assert sum(result is None for result in results) == 3


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
