"""Open start times: hours, time off, bookings and their buffers, notice, horizon, DST."""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinic.booking.availability import (
    Unavailable,
    find_slot,
    free_therapists,
    open_slots,
    open_slots_by_day,
)
from clinic.booking.models import BookingStatus, TimeOff
from clinic.core.models import ClinicSettings
from tests.booking.support import DENVER, local
from tests.factories import make_booking, make_therapist

pytestmark = pytest.mark.django_db

# Monday 2 November 2026, 08:00 in Denver: "now" for most tests.
NOW = local(2026, 11, 2, 8, 0)
WEDNESDAY = dt.date(2026, 11, 4)


def wall_clock(slots) -> list[str]:
    return [timezone.localtime(slot.start, DENVER).strftime("%H:%M") for slot in slots]


def on_day(service, therapist=None, day=WEDNESDAY, now=NOW):
    return open_slots(service, therapist, first_day=day, last_day=day, now=now)


def test_slots_lie_inside_working_hours_every_step(deep60, alex):
    times = wall_clock(on_day(deep60, alex))
    assert times[0] == "09:00"
    assert times[1] == "09:15"
    assert times[-1] == "16:00"  # a 60-minute session must end by 17:00
    assert len(times) == 29


def test_several_blocks_a_day_and_no_session_across_the_lunch_break(deep60):
    therapist = make_therapist("split", hours=((9, 0, 12, 0), (13, 0, 15, 0)))
    times = wall_clock(on_day(deep60, therapist))
    assert "11:00" in times and "11:15" not in times  # 11:15 would run into lunch
    assert "12:00" not in times and "12:30" not in times
    assert times[-1] == "14:00"


def test_no_hours_that_weekday_means_no_times(deep60):
    weekdays_only = make_therapist("weekdays", weekdays=range(5))
    saturday = dt.date(2026, 11, 7)
    assert on_day(deep60, weekdays_only, day=saturday) == []


def test_time_off_removes_overlapping_starts(deep60, alex):
    TimeOff.objects.create(
        therapist=alex, start=local(2026, 11, 4, 11, 0), end=local(2026, 11, 4, 13, 0)
    )
    times = wall_clock(on_day(deep60, alex))
    assert "10:00" in times  # ends exactly when the time off starts
    assert "10:15" not in times and "12:45" not in times
    assert "13:00" in times


def test_confirmed_booking_blocks_its_session_and_buffer_and_ours(deep60, alex):
    # Booked 12:00-13:00 with a 15-minute buffer: blocked 12:00-13:15.
    make_booking(
        BookingStatus.CONFIRMED, service=deep60, therapist=alex, start=local(2026, 11, 4, 12, 0)
    )
    times = wall_clock(on_day(deep60, alex))
    assert "10:45" in times  # 10:45-11:45, own buffer until 12:00
    assert "11:00" not in times  # its buffer (12:00-12:15) would overlap the booking
    assert "13:00" not in times  # inside the booking's buffer
    assert "13:15" in times


def test_unconfirmed_requests_do_not_hold_a_time(deep60, alex):
    for status in (BookingStatus.REQUESTED, BookingStatus.PROPOSED, BookingStatus.CANCELLED):
        make_booking(status, service=deep60, therapist=alex, start=local(2026, 11, 4, 12, 0))
    assert "12:00" in wall_clock(on_day(deep60, alex))


def test_a_booking_of_another_therapist_does_not_block(deep60, alex, sam):
    make_booking(
        BookingStatus.CONFIRMED, service=deep60, therapist=sam, start=local(2026, 11, 4, 12, 0)
    )
    assert "12:00" in wall_clock(on_day(deep60, alex))


def test_any_therapist_is_the_union_and_says_who_is_free(deep60, alex, sam):
    make_booking(
        BookingStatus.CONFIRMED, service=deep60, therapist=alex, start=local(2026, 11, 4, 12, 0)
    )
    slots = {wall_clock([slot])[0]: slot.therapist_ids for slot in on_day(deep60)}
    assert slots["09:00"] == (alex.pk,)
    assert slots["12:00"] == (sam.pk,)
    assert set(slots["14:00"]) == {alex.pk, sam.pk}
    assert slots["19:00"] == (sam.pk,)


def test_any_therapist_leaves_out_inactive_and_those_not_taking_new_clients(deep60, alex):
    make_therapist("resting", active=False)
    make_therapist("full", accepts_new_clients=False)
    assert {slot.therapist_ids for slot in on_day(deep60)} == {(alex.pk,)}


def test_minimum_notice(deep60, alex):
    now = local(2026, 11, 3, 22, 0)  # 12 hours' notice: nothing before 10:00 on Wednesday
    times = wall_clock(on_day(deep60, alex, now=now))
    assert times[0] == "10:00"
    rules = ClinicSettings.load()
    rules.minimum_notice_hours = 0
    rules.save()
    assert wall_clock(on_day(deep60, alex, now=now))[0] == "09:00"


def test_horizon(deep60, alex):
    last = NOW.date() + dt.timedelta(days=60)
    days = open_slots_by_day(
        deep60, alex, first_day=last - dt.timedelta(days=1), last_day=last + dt.timedelta(days=2),
        now=NOW,
    )  # fmt: skip
    assert days[last] and days[last - dt.timedelta(days=1)]
    assert days.get(last + dt.timedelta(days=1), []) == []
    assert last == dt.date(2027, 1, 1)
    assert find_slot(deep60, alex, local(2027, 1, 2, 10, 0), now=NOW) is Unavailable.TOO_FAR
    assert find_slot(deep60, alex, local(2027, 1, 1, 10, 0), now=NOW).start.year == 2027


def test_find_slot_says_why_a_time_is_not_open(deep60, alex):
    make_booking(
        BookingStatus.CONFIRMED, service=deep60, therapist=alex, start=local(2026, 11, 4, 12, 0)
    )
    assert find_slot(deep60, alex, local(2026, 11, 2, 9, 0), now=NOW) is Unavailable.TOO_SOON
    assert find_slot(deep60, alex, local(2026, 11, 4, 12, 0), now=NOW) is Unavailable.TAKEN
    assert find_slot(deep60, alex, local(2026, 11, 4, 9, 5), now=NOW) is Unavailable.TAKEN
    slot = find_slot(deep60, alex, local(2026, 11, 4, 9, 0), now=NOW)
    assert slot.end == local(2026, 11, 4, 10, 0)


def test_free_therapists_for_the_clinics_choice(deep60, alex, sam):
    make_booking(
        BookingStatus.CONFIRMED, service=deep60, therapist=alex, start=local(2026, 11, 4, 13, 0)
    )
    assert free_therapists(deep60, local(2026, 11, 4, 13, 0)) == [sam]
    assert free_therapists(deep60, local(2026, 11, 4, 9, 0)) == [alex]


# --- daylight saving time in America/Denver ------------------------------------------------------


def test_a_week_with_the_autumn_change_keeps_wall_clock_hours(deep60, alex):
    """Sunday 1 November 2026 at 02:00 the clocks go back from MDT (UTC-6) to MST (UTC-7)."""
    days = open_slots_by_day(
        deep60, alex, first_day=dt.date(2026, 10, 29), last_day=dt.date(2026, 11, 4),
        now=local(2026, 10, 20, 8, 0),
    )  # fmt: skip
    for day, slots in days.items():
        assert wall_clock(slots)[0] == "09:00", day
        assert wall_clock(slots)[-1] == "16:00", day
        assert len(slots) == 29, day
    assert days[dt.date(2026, 10, 31)][0].start == dt.datetime(2026, 10, 31, 15, 0, tzinfo=dt.UTC)
    assert days[dt.date(2026, 11, 1)][0].start == dt.datetime(2026, 11, 1, 16, 0, tzinfo=dt.UTC)


def test_a_week_with_the_spring_change_keeps_wall_clock_hours(deep60, alex):
    """Sunday 14 March 2027 at 02:00 the clocks go forward from MST (UTC-7) to MDT (UTC-6)."""
    days = open_slots_by_day(
        deep60, alex, first_day=dt.date(2027, 3, 11), last_day=dt.date(2027, 3, 17),
        now=local(2027, 3, 1, 8, 0),
    )  # fmt: skip
    for day, slots in days.items():
        assert wall_clock(slots)[0] == "09:00", day
        assert len(slots) == 29, day
    assert days[dt.date(2027, 3, 13)][0].start == dt.datetime(2027, 3, 13, 16, 0, tzinfo=dt.UTC)
    assert days[dt.date(2027, 3, 14)][0].start == dt.datetime(2027, 3, 14, 15, 0, tzinfo=dt.UTC)


def test_hours_across_the_autumn_change_last_an_hour_longer(deep60):
    night = make_therapist("night", hours=((0, 0, 4, 0),))
    now = local(2026, 10, 20)
    normal = on_day(deep60, night, day=dt.date(2026, 10, 31), now=now)
    change = on_day(deep60, night, day=dt.date(2026, 11, 1), now=now)
    assert len(normal) == 13  # 4 hours: starts 00:00 .. 03:00
    assert len(change) == 17  # 5 real hours that night
    for slot in change:  # every session is 60 real minutes, whatever the clock says
        assert slot.end - slot.start == dt.timedelta(minutes=60)
    assert change[-1].end == dt.datetime(2026, 11, 1, 11, 0, tzinfo=dt.UTC)  # 04:00 MST


def test_hours_across_the_spring_change_last_an_hour_less(deep60):
    night = make_therapist("night", hours=((1, 0, 4, 0),))
    change = on_day(deep60, night, day=dt.date(2027, 3, 14), now=local(2027, 3, 1))
    assert len(change) == 5  # 01:00 MST to 04:00 MDT is two real hours
    assert wall_clock(change) == ["01:00", "01:15", "01:30", "01:45", "03:00"]


# --- a property: whatever is booked, no open time overlaps it --------------------------------------


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    starts=st.lists(st.integers(min_value=0, max_value=32), min_size=1, max_size=6, unique=True),
    buffer=st.sampled_from([0, 10, 15, 30]),
)
def test_no_open_time_overlaps_a_booking_with_buffers(deep60, alex, starts, buffer):
    from clinic.booking.models import BookingRequest

    BookingRequest.objects.all().delete()
    deep60.recovery_buffer_minutes = buffer
    deep60.save()
    booked = []
    for quarter in sorted(starts):
        start = local(2026, 11, 4, 9, 0) + dt.timedelta(minutes=15 * quarter)
        end_blocked = start + deep60.duration + deep60.recovery_buffer
        if any(start < b_end and end_blocked > b_start for b_start, b_end in booked):
            continue
        make_booking(BookingStatus.CONFIRMED, service=deep60, therapist=alex, start=start)
        booked.append((start, end_blocked))
    for slot in on_day(deep60, alex):
        blocked_until = slot.end + deep60.recovery_buffer
        assert not any(slot.start < b_end and blocked_until > b_start for b_start, b_end in booked)
