"""Open start times for a service: working hours, minus time off, minus booked time.

Everything is computed in the clinic's time zone, one local day at a time: a day's hours are
turned into UTC instants with zoneinfo for that very date (so a day with a daylight-saving
change gets its own offset), and only then stepped through in UTC, where a timedelta is real
elapsed time. Results are UTC datetimes.

The rules:
- a session lies inside one block of the therapist's working hours;
- it does not overlap the therapist's time off;
- the session plus the service's recovery buffer does not overlap a booked session plus its
  buffer (the same rule as the database's exclusion constraint);
- it starts at least the minimum notice after now, and on a day no later than the horizon;
- starts are offered every slot step, counted from the start of each block of hours.

Requests that are not confirmed do not hold a time: several clients may ask for the same one
and the clinic decides. Three queries whatever the range: hours, time off, bookings.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone

from clinic.booking import catalogue
from clinic.booking.models import BookingRequest, Service, Therapist, TimeOff, WorkingHours
from clinic.core.models import ClinicSettings

UTC = dt.UTC


@dataclass(frozen=True)
class Slot:
    """One open start time (UTC) and the therapists free for the whole session then."""

    start: dt.datetime
    end: dt.datetime
    therapist_ids: tuple[int, ...]

    @property
    def value(self) -> str:
        """How the time travels in a form: a UTC timestamp to the minute."""
        return slot_value(self.start)


def slot_value(start: dt.datetime) -> str:
    return start.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def parse_slot_value(value: str) -> dt.datetime | None:
    try:
        parsed = dt.datetime.strptime(value, "%Y-%m-%dT%H:%MZ")
    except (TypeError, ValueError):
        return None
    return parsed.replace(tzinfo=UTC)


def local_midnight(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    """The UTC instant at which `day` begins in `zone`."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(UTC)


def local_instant(day: dt.date, clock: dt.time, zone: dt.tzinfo) -> dt.datetime:
    """The UTC instant of a wall-clock time on a given day in `zone`.

    A time that does not exist that day (skipped when clocks spring forward) is read with the
    offset from before the change, i.e. it lands just after the jump; an ambiguous one (repeated
    when clocks fall back) is its first occurrence.
    """
    return dt.datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def local_days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def bookable_days(now: dt.datetime, rules: ClinicSettings) -> tuple[dt.date, dt.date]:
    """The first and last local dates a client may pick (today until the horizon)."""
    today = timezone.localtime(now, rules.zone).date()
    return today, today + dt.timedelta(days=rules.booking_horizon_days)


def _overlaps(start: dt.datetime, end: dt.datetime, intervals: Iterable[tuple]) -> bool:
    return any(start < other_end and end > other_start for other_start, other_end in intervals)


def open_slots(
    service: Service,
    therapist: Therapist | None = None,
    *,
    first_day: dt.date,
    last_day: dt.date,
    now: dt.datetime | None = None,
    rules: ClinicSettings | None = None,
    therapists: list[Therapist] | None = None,
) -> list[Slot]:
    """Open start times for `service` with `therapist` (None: any therapist taking new
    clients), on the clinic's local dates first_day..last_day, in time order."""
    rules = rules or ClinicSettings.load()
    now = now or timezone.now()
    zone = rules.zone
    earliest_day, latest_day = bookable_days(now, rules)
    first_day, last_day = max(first_day, earliest_day), min(last_day, latest_day)
    if first_day > last_day:
        return []
    if therapist is not None:
        candidates = [therapist]
    elif therapists is not None:
        candidates = therapists
    else:
        candidates = catalogue.bookable_therapists()
    ids = [candidate.pk for candidate in candidates]
    if not ids:
        return []

    range_start = local_midnight(first_day, zone)
    range_end = local_midnight(last_day + dt.timedelta(days=1), zone)
    # Read once: the properties build a new timedelta on every call of the loop below.
    duration, buffer = service.duration, service.recovery_buffer
    reach = duration + buffer

    # Kept by the process (catalogue): the weekly hours and the time off change rarely.
    hours = catalogue.working_hours()
    away = {
        therapist_id: [(off, back) for off, back in spans if off < range_end and back > range_start]
        for therapist_id, spans in catalogue.time_off().items()
        if therapist_id in ids
    }

    booked: dict[int, list[tuple]] = defaultdict(list)
    for row in (
        BookingRequest.objects.blocking(range_start, range_end + reach)
        .filter(therapist_id__in=ids)
        .values_list("therapist_id", "start", "blocked_until")
    ):
        booked[row[0]].append((row[1], row[2]))

    earliest = now + rules.minimum_notice
    step = rules.slot_step
    free_at: dict[dt.datetime, list[int]] = defaultdict(list)
    for day in local_days(first_day, last_day):
        for therapist_id in ids:
            for block_start, block_end in hours.get((therapist_id, day.weekday()), ()):
                start = local_instant(day, block_start, zone)
                window_end = local_instant(day, block_end, zone)
                while start + duration <= window_end:
                    end = start + duration
                    if (
                        start >= earliest
                        and not _overlaps(start, end, away.get(therapist_id, ()))
                        and not _overlaps(start, end + buffer, booked[therapist_id])
                        and therapist_id not in free_at[start]
                    ):
                        free_at[start].append(therapist_id)
                    start += step
    return [
        Slot(start=start, end=start + duration, therapist_ids=tuple(free_at[start]))
        for start in sorted(free_at)
        if free_at[start]
    ]


def open_slots_by_day(
    service: Service,
    therapist: Therapist | None = None,
    *,
    first_day: dt.date,
    last_day: dt.date,
    now: dt.datetime | None = None,
    rules: ClinicSettings | None = None,
    therapists: list[Therapist] | None = None,
) -> dict[dt.date, list[Slot]]:
    """open_slots grouped by the clinic's local date; every date of the range is a key."""
    rules = rules or ClinicSettings.load()
    days: dict[dt.date, list[Slot]] = {day: [] for day in local_days(first_day, last_day)}
    for slot in open_slots(
        service,
        therapist,
        first_day=first_day,
        last_day=last_day,
        now=now,
        rules=rules,
        therapists=therapists,
    ):
        days.setdefault(timezone.localtime(slot.start, rules.zone).date(), []).append(slot)
    return days


class Unavailable(StrEnum):
    TOO_SOON = "too_soon"
    TOO_FAR = "too_far"
    TAKEN = "taken"


def find_slot(
    service: Service,
    therapist: Therapist | None,
    start: dt.datetime,
    *,
    now: dt.datetime | None = None,
    rules: ClinicSettings | None = None,
    therapists: list[Therapist] | None = None,
) -> Slot | Unavailable:
    """The open slot starting exactly at `start`, or why there is none. `therapists`: the
    candidates for "any therapist" when the caller has them already (as for open_slots)."""
    rules = rules or ClinicSettings.load()
    now = now or timezone.now()
    if start < now + rules.minimum_notice:
        return Unavailable.TOO_SOON
    day = timezone.localtime(start, rules.zone).date()
    if day > bookable_days(now, rules)[1]:
        return Unavailable.TOO_FAR
    for slot in open_slots(
        service,
        therapist,
        first_day=day,
        last_day=day,
        now=now,
        rules=rules,
        therapists=therapists,
    ):
        if slot.start == start:
            return slot
    return Unavailable.TAKEN


def day_has_clock_change(day: dt.date, zone: dt.tzinfo) -> bool:
    """Whether the UTC offset differs between the start and the end of a local day."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(day, dt.time(23, 59), tzinfo=zone)
    return start.utcoffset() != end.utcoffset()


def free_therapists(
    service: Service, start: dt.datetime, *, rules: ClinicSettings | None = None
) -> list[Therapist]:
    """Active therapists who work then, are not off, and are not booked (buffers included) for
    a session of `service` at `start`. For the clinic's own choices: no notice or horizon."""
    rules = rules or ClinicSettings.load()
    end = start + service.duration
    local_start = timezone.localtime(start, rules.zone)
    day = local_start.date()
    working = {
        block.therapist_id
        for block in WorkingHours.objects.filter(weekday=day.weekday(), therapist__active=True)
        if local_instant(day, block.start, rules.zone) <= start
        and end <= local_instant(day, block.end, rules.zone)
    }
    away = set(
        TimeOff.objects.filter(start__lt=end, end__gt=start).values_list("therapist_id", flat=True)
    )
    booked = set(
        BookingRequest.objects.blocking(start, end + service.recovery_buffer).values_list(
            "therapist_id", flat=True
        )
    )
    return list(Therapist.objects.filter(pk__in=working - away - booked))
