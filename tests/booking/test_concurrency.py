"""Two confirmations of overlapping times for one therapist, from two database connections at
once: the database's exclusion constraint lets exactly one through."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from clinic.booking import pipeline
from clinic.booking.models import BookingEvent, BookingRequest, BookingStatus
from tests.booking.support import local
from tests.factories import make_booking, make_staff

pytestmark = pytest.mark.django_db(transaction=True)

NOW = local(2026, 11, 2, 8, 0)
START = local(2026, 11, 4, 10, 0)
S = BookingStatus


@pytest.fixture
def two_requests(deep60, alex):
    first = make_booking(S.REQUESTED, service=deep60, therapist=alex, start=START)
    second = make_booking(
        S.REQUESTED, service=deep60, therapist=alex, start=START + dt.timedelta(minutes=30)
    )
    return first, second


def in_thread(target, results, *args):
    def run():
        try:
            results.append(("ok", target(*args)))
        except pipeline.BookingError as error:
            results.append(("refused", error.message))
        finally:
            connection.close()

    return threading.Thread(target=run)


def test_the_second_waits_for_the_first_and_is_refused(two_requests, alex):
    """The first holds its uncommitted booking while the second tries: the second blocks on
    the database, then gets the clear message once the first commits."""
    staff = make_staff("tess", password=None, is_staff=False)
    first, second = two_requests
    first_saved = threading.Event()
    results = []

    def confirm_and_hold(request_obj):
        with transaction.atomic():
            pipeline.confirm(request_obj, by=staff, now=NOW)
            first_saved.set()
            threading.Event().wait(0.5)  # still uncommitted while the second one tries
        return "first"

    def confirm_after_first(request_obj):
        first_saved.wait(5)
        pipeline.confirm(request_obj, by=staff, now=NOW)
        return "second"

    threads = [
        in_thread(confirm_and_hold, results, first),
        in_thread(confirm_after_first, results, second),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert sorted(results) == [
        ("ok", "first"),
        ("refused", "Alex Morgan is already booked at that time (sessions include their "
         "recovery buffer). Choose another time or therapist."),
    ]  # fmt: skip
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (S.CONFIRMED, S.REQUESTED)
    assert BookingEvent.objects.filter(to_status=S.CONFIRMED).count() == 1


def test_many_at_once_exactly_one_succeeds(deep60, alex):
    staff = make_staff("tess", password=None, is_staff=False)
    requests = [
        make_booking(S.REQUESTED, service=deep60, therapist=alex, start=START + dt.timedelta(minutes=m))
        for m in (0, 15, 30, 45)
    ]  # fmt: skip
    barrier = threading.Barrier(len(requests))
    results = []

    def confirm(request_obj):
        barrier.wait()
        return pipeline.confirm(request_obj, by=staff, now=NOW).reference

    threads = [in_thread(confirm, results, r) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert [kind for kind, _value in results].count("ok") == 1
    assert [kind for kind, _value in results].count("refused") == 3
    assert BookingRequest.objects.filter(status=S.CONFIRMED).count() == 1
