import time

import pytest
from django.test import RequestFactory

from clinic import ratelimit
from clinic.form_guard import GuardedForm, stamp

LIMIT = ratelimit.Limit("test", 3, 600)


def request(address="203.0.113.7", forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **extra)


def test_limit_counts_per_address_and_scope():
    for _ in range(3):
        assert ratelimit.retry_after(LIMIT, request()) is None
        ratelimit.record(LIMIT, request())
    wait = ratelimit.retry_after(LIMIT, request())
    assert wait is not None and 590 <= wait <= 600
    assert ratelimit.retry_after(LIMIT, request("198.51.100.2")) is None
    assert ratelimit.retry_after(ratelimit.Limit("other", 3, 600), request()) is None


def test_window_ends(monkeypatch):
    for _ in range(3):
        ratelimit.record(LIMIT, request())
    later = time.time() + 601
    monkeypatch.setattr(ratelimit.time, "time", lambda: later)
    assert ratelimit.retry_after(LIMIT, request()) is None


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
