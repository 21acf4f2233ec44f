"""The time page's week of open times, kept by each process (clinic/booking/availability.py,
open_slots_by_day): read once until a booking changes, a booking saved here gone from the next
page, one saved by another process within a second, the minimum notice applied afresh, and a
time is still checked against the database when it is chosen."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.booking import availability
from clinic.booking.availability import BOOKED, open_slots_by_day, slot_value
from clinic.booking.models import BookingRequest, BookingStatus
from tests.booking.support import DENVER, in_days, local, remember_intake
from tests.factories import make_booking, make_intake

pytestmark = pytest.mark.django_db

START = in_days(3, 10)  # three days from today, 10:00 clinic time


def times_page(client) -> str:
    response = client.get(
        "/book/",
        {"service": "deep-tissue-60", "therapist": "alex", "day": START.date().isoformat()},
    )
    assert response.status_code == 200
    return response.content.decode()


def offers(html: str, when: dt.datetime) -> bool:
    return f'value="{slot_value(when)}"' in html


def bookings_read(captured) -> int:
    return sum('FROM "clinic_bookingrequest"' in q["sql"] for q in captured.captured_queries)


def confirm(service, therapist, start) -> BookingRequest:
    return make_booking(BookingStatus.CONFIRMED, service=service, therapist=therapist, start=start)


def test_the_next_time_page_reads_no_bookings(client, deep60, alex):
    with CaptureQueriesContext(connection) as first:
        assert offers(times_page(client), START)
    with CaptureQueriesContext(connection) as second:
        assert offers(times_page(client), START)
    assert bookings_read(first) == 1
    assert bookings_read(second) == 0


def test_a_booking_saved_here_leaves_the_next_page(client, deep60, alex):
    assert offers(times_page(client), START)
    booking = confirm(deep60, alex, START)
    assert not offers(times_page(client), START)
    booking.status = BookingStatus.CANCELLED
    booking.save()
    assert offers(times_page(client), START)


def test_a_deleted_booking_frees_its_time_on_the_next_page(client, deep60, alex):
    booking = confirm(deep60, alex, START)
    assert not offers(times_page(client), START)
    booking.delete()
    assert offers(times_page(client), START)


def test_a_booking_saved_by_another_process_shows_within_a_second(client, clock, deep60, alex):
    assert offers(times_page(client), START)
    seen = BOOKED.current()
    confirm(deep60, alex, START)  # as another process: its save replaced the shared version...
    BOOKED.seen(seen)  # ...which this process has not asked for yet
    clock[0] += BOOKED.recheck_seconds / 2
    assert offers(times_page(client), START)
    clock[0] += BOOKED.recheck_seconds / 2
    assert not offers(times_page(client), START)


def test_a_bulk_insert_says_so_itself(client, deep60, alex):
    """bulk_create sends no signal: the scale seed calls booked_changed() (the rule for any
    such write)."""
    booking = confirm(deep60, alex, START)
    booking.delete()
    assert offers(times_page(client), START)
    BookingRequest.objects.bulk_create([booking])
    assert offers(times_page(client), START)  # nothing said: the kept week is stale
    availability.booked_changed()
    assert not offers(times_page(client), START)


def test_a_save_makes_a_new_version_again_when_committed(
    deep60, alex, django_capture_on_commit_callbacks
):
    before = BOOKED.current()
    with django_capture_on_commit_callbacks(execute=True):
        confirm(deep60, alex, START)
        at_save = cache.get(BOOKED.key)
    assert before != at_save != cache.get(BOOKED.key)


def test_the_minimum_notice_moves_with_the_clock_in_a_kept_week(deep60, alex):
    wednesday = dt.date(2026, 11, 4)
    now = local(2026, 11, 3, 21, 0)  # 12 hours' notice: Wednesday opens at 9:00

    def first_time(now) -> str:
        days = open_slots_by_day(deep60, alex, first_day=wednesday, last_day=wednesday, now=now)
        return days[wednesday][0].start.astimezone(DENVER).strftime("%H:%M")

    assert first_time(now) == "09:00"
    with CaptureQueriesContext(connection) as later:
        assert first_time(now + dt.timedelta(minutes=50)) == "10:00"
    assert bookings_read(later) == 0


def test_a_time_taken_since_the_page_was_kept_is_refused_when_chosen(client, clock, deep60, alex):
    """Within that second the kept page may still offer a time just booked elsewhere; choosing
    it asks the database and says it is taken, beside the other open times."""
    remember_intake(client, make_intake())
    assert offers(times_page(client), START)
    seen = BOOKED.current()
    confirm(deep60, alex, START)
    BOOKED.seen(seen)
    response = client.post(
        "/book/",
        {
            "service": "deep-tissue-60",
            "therapist": "alex",
            "day": START.date().isoformat(),
            "start": slot_value(START),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and 'aria-invalid="true"' in html
    assert client.session.get("booking_draft", {}).get("start") is None


def test_the_week_strip_counts_open_times_in_the_pages_language(client, deep60, alex):
    alex.working_hours.filter(weekday=START.weekday()).delete()
    english = times_page(client)
    strip = english.split('class="week-days"')[1].split("</ul>")[0]
    assert strip.count("<li>") == 7
    current = strip.split('aria-current="date"')[0].rsplit("<li>", 1)[1]
    assert current == '<span class="week-day week-day-closed" '  # the day asked for: no times
    day_shown = strip.split('aria-current="date"')[1].split("</li>")[0]
    assert '<span class="visually-hidden">no open times</span>' in day_shown
    links = strip.count('<a class="week-day" href="')
    assert links >= 5  # today may be closed by the minimum notice
    assert strip.count('<span class="week-day-word"> open times</span>') == links
    spanish = client.get(
        "/es/book/",
        {"service": "deep-tissue-60", "therapist": "alex", "day": START.date().isoformat()},
    ).content.decode()
    assert "horarios disponibles</span>" in spanish and "sin horarios disponibles" in spanish


def test_only_changes_to_the_time_held_make_the_kept_weeks_stale(deep60, alex):
    """A new request holds no time (the clinic decides), nor does a deleted one that was never
    booked; a message to the client changes nothing of the time held. A confirmation does."""
    version = BOOKED.current()
    request = make_booking(BookingStatus.REQUESTED, service=deep60, therapist=None, start=START)
    request.message_to_client = "We will call you about the time."
    request.save(update_fields=["message_to_client"])
    assert BOOKED.current() == version
    request.delete()
    assert BOOKED.current() == version
    booked = confirm(deep60, alex, START)
    assert BOOKED.current() != version
    version = BOOKED.current()
    booked.status = BookingStatus.CANCELLED
    booked.save(update_fields=["status"])
    assert BOOKED.current() != version


def test_the_kept_week_strip_follows_the_counts_of_open_times(client, deep60, alex):
    """The strip is kept per process under what it shows (views/times.py week_kept_as): a
    booking that takes times from the day shown changes its count on the next page."""

    def count_shown() -> int:
        strip = times_page(client).split('class="week-days"')[1].split("</ul>")[0]
        current = strip.split('aria-current="date">')[1]
        return int(current.split('<span class="week-day-count">')[1].split("<")[0])

    before = count_shown()
    assert count_shown() == before  # kept: the same strip
    confirm(deep60, alex, START)
    assert count_shown() < before
