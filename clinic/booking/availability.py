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
and the clinic decides. One query whatever the range: the bookings (the hours and time off are
kept with the booking catalogue).

The time page's week of open times (open_slots_by_day) is kept by each process under BOOKED, a
version every saved or deleted booking replaces, beside the catalogue's and the settings'; only
the minimum notice is applied afresh, since it moves with the clock. A booking made in another
process shows within a second (clinic.core.cache.SharedVersion). find_slot, which decides
whether a time can be kept or requested, always reads the database.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from clinic.booking import catalogue
from clinic.booking.models import (
    BOOKED_STATUSES,
    BookingRequest,
    Service,
    Therapist,
    TimeOff,
    WorkingHours,
)
from clinic.core.cache import SharedVersion, kept_by_process
from clinic.core.models import ClinicSettings

UTC = dt.UTC

BOOKED = SharedVersion("booked-times-version")


@dataclass(frozen=True)
class Slot:
    """One open start time (UTC) and the therapists free for the whole session then."""

    start: dt.datetime
    end: dt.datetime
    therapist_ids: tuple[int, ...]

    @cached_property
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
    days = _bookable_range(first_day, last_day, now, rules)
    ids = _candidate_ids(therapist, therapists)
    if days is None or not ids:
        return []
    earliest = now + rules.minimum_notice
    return [slot for slot in _slots(service, ids, *days, rules) if slot.start >= earliest]


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
    """open_slots grouped by the clinic's local date; every date of the range is a key. Kept
    by the process until a booking, the catalogue or the settings change (see the top)."""
    rules = rules or ClinicSettings.load()
    now = now or timezone.now()
    by_day: dict[dt.date, list[Slot]] = {day: [] for day in local_days(first_day, last_day)}
    days = _bookable_range(first_day, last_day, now, rules)
    ids = _candidate_ids(therapist, therapists)
    if days is None or not ids:
        return by_day
    # The versions before the rows; every part of the key is a token, a number or a date.
    key = ":".join(
        str(part)
        for part in (
            "open-times",
            BOOKED.current(),
            catalogue.VERSION.current(),
            rules.revision,
            service.pk,
            service.duration_minutes,
            service.recovery_buffer_minutes,
            ",".join(map(str, ids)),
            *days,
        )
    )
    kept = kept_by_process(key, lambda: _by_day(_slots(service, ids, *days, rules), rules.zone))
    earliest = now + rules.minimum_notice
    for day, slots in kept.items():
        by_day[day] = [slot for slot in slots if slot.start >= earliest]
    return by_day


def _bookable_range(first_day, last_day, now, rules) -> tuple[dt.date, dt.date] | None:
    earliest_day, latest_day = bookable_days(now, rules)
    first_day, last_day = max(first_day, earliest_day), min(last_day, latest_day)
    return None if first_day > last_day else (first_day, last_day)


def _candidate_ids(therapist: Therapist | None, therapists: list[Therapist] | None) -> list[int]:
    if therapist is not None:
        return [therapist.pk]
    if therapists is None:
        therapists = catalogue.bookable_therapists()
    return [candidate.pk for candidate in therapists]


def _by_day(slots: list[Slot], zone: dt.tzinfo) -> dict[dt.date, list[Slot]]:
    days: dict[dt.date, list[Slot]] = defaultdict(list)
    for slot in slots:
        days[timezone.localtime(slot.start, zone).date()].append(slot)
    return dict(days)


def _slots(
    service: Service, ids: list[int], first_day: dt.date, last_day: dt.date, rules: ClinicSettings
) -> list[Slot]:
    """The open times of the therapists `ids` on first_day..last_day, the minimum notice aside."""
    zone = rules.zone
    range_start = local_midnight(first_day, zone)
    range_end = local_midnight(last_day + dt.timedelta(days=1), zone)
    # Read once: the properties build a new timedelta on every call of the loop below.
    duration, buffer = service.duration, service.recovery_buffer
    reach = duration + buffer

    # Kept by the process (catalogue): the weekly hours and the time off change rarely.
    hours = catalogue.working_hours()
    time_off = catalogue.time_off()
    booked: dict[int, list[tuple]] = defaultdict(list)
    for row in (
        BookingRequest.objects.blocking(range_start, range_end + reach)
        .filter(therapist_id__in=ids)
        .values_list("therapist_id", "start", "blocked_until")
    ):
        booked[row[0]].append((row[1], row[2]))

    step = rules.slot_step
    free_at: dict[dt.datetime, list[int]] = defaultdict(list)
    for therapist_id in ids:
        away = [
            (off, back)
            for off, back in time_off.get(therapist_id, ())
            if off < range_end and back > range_start
        ]
        busy = booked.get(therapist_id, ())
        for day in local_days(first_day, last_day):
            for block_start, block_end in hours.get((therapist_id, day.weekday()), ()):
                start = local_instant(day, block_start, zone)
                last_start = local_instant(day, block_end, zone) - duration
                while start <= last_start:
                    end = start + duration
                    if not (away and _overlaps(start, end, away)) and not (
                        busy and _overlaps(start, end + buffer, busy)
                    ):
                        free = free_at[start]
                        # Once: blocks of hours may overlap, and a skipped wall time lands on
                        # the hour after the clocks change.
                        if not free or free[-1] != therapist_id:
                            free.append(therapist_id)
                    start += step
    return [
        Slot(start=start, end=start + duration, therapist_ids=tuple(free_at[start]))
        for start in sorted(free_at)
    ]


# What decides whether, and when, a booking holds a therapist's time (BookingRequest.blocking).
HOLDING_FIELDS = frozenset({"status", "therapist", "start", "end", "blocked_until"})


def booked_changed(using: str | None = None) -> None:
    """Bookings changed: every process reads the open times again. At once, and again when the
    transaction commits (a process reading in between kept the old rows)."""
    BOOKED.bump()
    transaction.on_commit(BOOKED.bump, using=using)


def _saved(sender, instance, created, update_fields=None, using=None, **kwargs) -> None:
    # Not for a new request that holds no time (most wait for the clinic), nor for a save of
    # fields that do not decide the time held (a reminder sent, an intake linked).
    if created and instance.status not in BOOKED_STATUSES:
        return
    if update_fields is not None and not HOLDING_FIELDS & set(update_fields):
        return
    booked_changed(using)


def _deleted(sender, instance, using=None, **kwargs) -> None:
    if instance.status in BOOKED_STATUSES:
        booked_changed(using)


def connect_signals() -> None:
    uid = "booked-times"
    post_save.connect(_saved, sender=BookingRequest, dispatch_uid=uid)
    post_delete.connect(_deleted, sender=BookingRequest, dispatch_uid=uid)


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
