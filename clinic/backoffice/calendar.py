"""The calendar: a day or a week as a grid of 15-minute rows, built here as plain data so that
the template only places blocks by CSS class (no style attribute: the CSP forbids them).

A grid has one column per therapist (a day) or per date (one therapist's week); each column has
two lanes: booked sessions (and their recovery buffer) on the left, pending requests on the
right, so the two never cover each other. Working hours and time off span both lanes. Row 1
holds the headers; row 2 is the grid's first quarter hour. A fixed number of queries, whatever
the number of bookings.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from clinic.booking.availability import local_days, local_instant, local_midnight
from clinic.booking.models import (
    BOOKED_STATUSES,
    OPEN_STATUSES,
    BookingRequest,
    Therapist,
    TimeOff,
    WorkingHours,
)
from clinic.core.models import ClinicSettings

SLOT_MINUTES = 15
MAX_ROWS = 24 * 60 // SLOT_MINUTES  # the stylesheet has a class for every row up to this
# Unless something falls outside them, grids show 8:00 to 20:00.
DEFAULT_FIRST_MINUTE, DEFAULT_LAST_MINUTE = 8 * 60, 20 * 60
# A day with more therapists than this is drawn as several grids (readable on a tablet).
COLUMNS_PER_GRID = 6


@dataclass
class Block:
    kind: str  # hours, off, booked, buffer, pending
    row: int
    span: int
    start: dt.datetime
    end: dt.datetime
    label: str = ""
    detail: str = ""
    status: str = ""
    status_label: str = ""
    url: str = ""

    @property
    def classes(self) -> str:
        return f"cal-block cal-{self.kind} gr-{self.row} gs-{self.span}"


@dataclass
class Column:
    key: object  # a Therapist or a date
    header: str
    subheader: str = ""
    url: str = ""
    blocks: list[Block] = field(default_factory=list)
    lane: int = 2  # the grid column of its booked lane; the pending lane is the next

    @property
    def lane_classes(self) -> dict[str, str]:
        return {
            "both": f"gc-{self.lane} gcs-2",
            "booked": f"gc-{self.lane}",
            "pending": f"gc-{self.lane + 1}",
        }

    @property
    def empty(self) -> bool:
        return not any(block.kind in ("booked", "pending", "off") for block in self.blocks)


@dataclass
class Grid:
    title: str
    columns: list[Column]
    first_minute: int
    last_minute: int
    hours: list[dict] = field(default_factory=list)

    @property
    def classes(self) -> str:
        return f"cal-grid cal-cols-{len(self.columns)}"


def _minutes(moment: dt.datetime, day: dt.date, zone) -> int:
    """Minutes since the local midnight of `day` (negative before it, > 1440 after it)."""
    local = timezone.localtime(moment, zone)
    return (local.date() - day).days * 24 * 60 + local.hour * 60 + local.minute


def _place(start_min: int, end_min: int, first: int, last: int) -> tuple[int, int] | None:
    """The grid row and row span of [start_min, end_min), clipped to the grid; None if out."""
    start_min, end_min = max(start_min, first), min(end_min, last)
    if end_min <= start_min:
        return None
    row = 2 + (start_min - first) // SLOT_MINUTES
    span = max(1, math.ceil((end_min - first) / SLOT_MINUTES) - (start_min - first) // SLOT_MINUTES)
    return row, min(span, MAX_ROWS)


def _clock(moment: dt.datetime, zone) -> str:
    return formats.time_format(timezone.localtime(moment, zone), "TIME_FORMAT")


@dataclass
class _Raw:
    """An item before placement: its kind, its instants and its words."""

    kind: str
    start: dt.datetime
    end: dt.datetime
    therapist_id: int | None
    label: str = ""
    detail: str = ""
    status: str = ""
    status_label: str = ""
    url: str = ""


def _load(therapists: list[Therapist], first: dt.date, last: dt.date, zone, *, any_column: bool):
    """Everything between the local midnights of `first` and the day after `last`, for
    `therapists`: four queries (hours, time off, booked, pending)."""
    since = local_midnight(first, zone)
    until = local_midnight(last + dt.timedelta(days=1), zone)
    ids = [therapist.pk for therapist in therapists]
    raws: list[_Raw] = []

    hours = WorkingHours.objects.filter(therapist_id__in=ids).order_by("start")
    by_weekday: dict[int, list[WorkingHours]] = {}
    for block in hours:
        by_weekday.setdefault(block.weekday, []).append(block)
    for day in local_days(first, last):
        for block in by_weekday.get(day.weekday(), []):
            start = local_instant(day, block.start, zone)
            end = local_instant(day, block.end, zone)
            raws.append(
                _Raw(
                    "hours",
                    start,
                    end,
                    block.therapist_id,
                    label=_("Working hours"),
                    detail=f"{_clock(start, zone)}\N{EN DASH}{_clock(end, zone)}",
                )
            )

    for off in TimeOff.objects.filter(therapist_id__in=ids, start__lt=until, end__gt=since):
        raws.append(
            _Raw(
                "off",
                off.start,
                off.end,
                off.therapist_id,
                label=_("Time off"),
                detail=off.note,
                url=reverse("admin:clinic_timeoff_change", args=[off.pk]),
            )
        )

    booked = (
        BookingRequest.objects.filter(
            status__in=BOOKED_STATUSES,
            therapist_id__in=ids,
            start__lt=until,
            blocked_until__gt=since,
        )
        # The whole service: its name has a column per language (modeltranslation), and a
        # deferred one would cost a query per booking.
        .select_related("service")
        .defer("note", "message_to_client")
    )
    for booking in booked:
        url = reverse("admin:clinic_bookingrequest_change", args=[booking.pk])
        words = {
            "label": booking.client_name,
            "detail": booking.service.name,
            "status": booking.status,
            "status_label": booking.get_status_display(),
            "url": url,
        }
        raws.append(_Raw("booked", booking.start, booking.end, booking.therapist_id, **words))
        if booking.blocked_until > booking.end:
            words["label"] = _("Recovery buffer")
            words["detail"] = booking.client_name
            raws.append(
                _Raw("buffer", booking.end, booking.blocked_until, booking.therapist_id, **words)
            )

    # Pending: proposals hold a therapist and a time; new requests ask for one (or any).
    who = Q(therapist_id__in=ids) | Q(therapist__isnull=True, requested_therapist_id__in=ids)
    if any_column:
        who |= Q(therapist__isnull=True, requested_therapist__isnull=True)
    pending = (
        BookingRequest.objects.filter(status__in=OPEN_STATUSES)
        .filter(who)
        .filter(
            Q(start__isnull=False, start__lt=until, end__gt=since)
            | Q(
                start__isnull=True,
                requested_start__lt=until,
                requested_start__gte=since - dt.timedelta(days=1),
            )
        )
        .select_related("service")
        .defer("note", "message_to_client")
    )
    for request in pending:
        start = request.start or request.requested_start
        end = request.end or start + request.service.duration
        raws.append(
            _Raw(
                "pending",
                start,
                end,
                request.therapist_id or request.requested_therapist_id,
                label=request.client_name,
                detail=request.service.name,
                status=request.status,
                status_label=request.get_status_display(),
                url=reverse("admin:clinic_bookingrequest_change", args=[request.pk]),
            )
        )
    return raws


def _bounds(raws: list[_Raw], days: list[dt.date], zone) -> tuple[int, int]:
    """The grid's first and last minute: 8:00-20:00, widened to whole hours to show every
    working hour, booking and request of the period (time off is clipped to it)."""
    first, last = DEFAULT_FIRST_MINUTE, DEFAULT_LAST_MINUTE
    for raw in raws:
        if raw.kind == "off":
            continue
        day = timezone.localtime(raw.start, zone).date()
        if day not in days:
            continue
        first = min(first, _minutes(raw.start, day, zone))
        last = max(last, _minutes(raw.end, day, zone))
    first = max(0, first // 60 * 60)
    last = min(24 * 60, math.ceil(last / 60) * 60)
    return first, last


def _fill(column: Column, raws: list[_Raw], day: dt.date, first: int, last: int, zone) -> None:
    for raw in raws:
        placed = _place(_minutes(raw.start, day, zone), _minutes(raw.end, day, zone), first, last)
        if placed is None:
            continue
        row, span = placed
        column.blocks.append(
            Block(
                raw.kind,
                row,
                span,
                raw.start,
                raw.end,
                label=raw.label,
                detail=raw.detail,
                status=raw.status,
                status_label=raw.status_label,
                url=raw.url,
            )
        )
    # The order a screen reader and the phone list read: background first, then by time.
    order = {"hours": 0, "off": 1, "booked": 2, "buffer": 3, "pending": 4}
    column.blocks.sort(key=lambda block: (block.kind != "hours", block.start, order[block.kind]))


def _hour_labels(first: int, last: int) -> list[dict]:
    return [
        {
            "label": f"{minute // 60:02d}:00",
            "classes": f"gr-{2 + (minute - first) // SLOT_MINUTES} gs-{60 // SLOT_MINUTES}",
        }
        for minute in range(first, last, 60)
    ]


def _number_lanes(columns: list[Column]) -> None:
    for index, column in enumerate(columns):
        column.lane = 2 + 2 * index


def day_grids(day: dt.date, therapists: list[Therapist], rules: ClinicSettings) -> list[Grid]:
    """One day: a column per therapist (and one for requests for any therapist when showing
    everyone), in grids of at most COLUMNS_PER_GRID columns."""
    zone = rules.zone
    everyone = len(therapists) != 1
    raws = _load(therapists, day, day, zone, any_column=everyone)
    first, last = _bounds(raws, [day], zone)
    by_therapist: dict[int | None, list[_Raw]] = {}
    for raw in raws:
        by_therapist.setdefault(raw.therapist_id, []).append(raw)
    columns = []
    for therapist in therapists:
        column = Column(therapist, therapist.display_name)
        _fill(column, by_therapist.get(therapist.pk, []), day, first, last, zone)
        columns.append(column)
    if everyone and by_therapist.get(None):
        column = Column(None, _("Any therapist"), _("requests"))
        _fill(column, by_therapist[None], day, first, last, zone)
        columns.append(column)
    grids = []
    for start in range(0, max(len(columns), 1), COLUMNS_PER_GRID):
        chunk = columns[start : start + COLUMNS_PER_GRID]
        _number_lanes(chunk)
        grids.append(Grid("", chunk, first, last, _hour_labels(first, last)))
    return grids


def week_grids(
    monday: dt.date, therapists: list[Therapist], rules: ClinicSettings, day_url
) -> list[Grid]:
    """A week: for each therapist, a grid with a column per date. `day_url(date, therapist)`
    links a column's header to that day."""
    zone = rules.zone
    days = local_days(monday, monday + dt.timedelta(days=6))
    raws = _load(therapists, days[0], days[-1], zone, any_column=False)
    first, last = _bounds(raws, days, zone)
    by_therapist: dict[int | None, list[_Raw]] = {}
    for raw in raws:
        by_therapist.setdefault(raw.therapist_id, []).append(raw)
    grids = []
    for therapist in therapists:
        columns = []
        for day in days:
            column = Column(
                day,
                formats.date_format(day, "D"),
                formats.date_format(day, "MONTH_DAY_SHORT_FORMAT"),
                url=day_url(day, therapist),
            )
            _fill(column, by_therapist.get(therapist.pk, []), day, first, last, zone)
            columns.append(column)
        _number_lanes(columns)
        grids.append(Grid(therapist.display_name, columns, first, last, _hour_labels(first, last)))
    return grids


def therapists_shown(slug: str) -> list[Therapist]:
    """The active therapists, or the one named by `slug` (active or not); empty if unknown."""
    if slug:
        return list(Therapist.objects.filter(slug=slug))
    return list(Therapist.objects.filter(active=True))


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())
