"""The sessions and therapists a client can book or read about, and the therapists' hours
and time off, kept by each process.

Every booking step reads them and they change a few times a year, so each process keeps the
lists it read and reads them again only when VERSION (in the shared cache, asked at most once
a second, see clinic.core.cache.SharedVersion) says a service or therapist was saved or deleted
since: the same scheme as the clinic's settings (ClinicSettings.load). A change made in this
process shows at once, one made in another process within the second. A change that sends no
signal (a queryset update(), bulk_create()) must call changed() itself; none does today. The
admin and the back office read the database. Used by the booking steps and the front pages
(home, services, therapists).

The kept model instances are shared by every request of the process: callers only read them.
The hours and time off only say when a therapist could work: the bookings are kept apart
(availability.py keeps a week of open times under its own version, BOOKED), and a time is
checked against the database when it is chosen and when it is requested.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable

from django.db import models
from django.db.models.signals import post_delete, post_save
from django.utils import translation

from clinic.booking.models import Service, Therapist, TimeOff, WorkingHours
from clinic.core import page_cache
from clinic.core.cache import SharedVersion

VERSION = SharedVersion("booking-catalogue-version")


class _Kept:
    # The lists read under `version`; a new version starts afresh, so forgetting the version
    # (SharedVersion.forget_all, as between tests) is enough to forget them.
    version: str | None = None
    lists: dict = {}


_kept = _Kept()


def bookable_services() -> list[Service]:
    """Active services, ordered as Service.objects.bookable() orders them in the current
    language (modeltranslation sorts by the translated name, so each language has its list)."""
    return _read(("services", translation.get_language()), Service.objects.bookable)


def active_therapists() -> list[Therapist]:
    """The clinic's therapists (those away from new clients too), in their display names'
    order: for the front pages."""
    return _read(("therapists",), Therapist.objects.active)


def bookable_therapists() -> list[Therapist]:
    """Active therapists taking new clients: those a client can choose, or get for "any"."""
    return [therapist for therapist in active_therapists() if therapist.accepts_new_clients]


def working_hours() -> dict[tuple[int, int], list[tuple[dt.time, dt.time]]]:
    """Each therapist's weekly hours as (from, until) blocks in order, by (therapist id,
    weekday). Shared: read it, never change it."""
    return _read(("hours",), _read_working_hours)


def time_off() -> dict[int, list[tuple[dt.datetime, dt.datetime]]]:
    """Each therapist's time off as (from, until), by therapist id. Shared: read it, never
    change it."""
    return _read(("time off",), _read_time_off)


def _read_working_hours() -> dict:
    hours = defaultdict(list)
    for row in WorkingHours.objects.order_by("start").values_list(
        "therapist_id", "weekday", "start", "end"
    ):
        hours[row[0], row[1]].append((row[2], row[3]))
    return dict(hours)


def _read_time_off() -> dict:
    away = defaultdict(list)
    for row in TimeOff.objects.values_list("therapist_id", "start", "end"):
        away[row[0]].append((row[1], row[2]))
    return dict(away)


def front_lists() -> tuple[str, list[Service], list[Therapist]]:
    """The bookable services and the active therapists read under one version, with that
    version: a key for what a page renders from them (the home page keeps its cards by it,
    see templates/clinic/home.html). Should the version move between the two lists, both are
    read again under the new one."""
    while True:
        version = VERSION.current()
        services, therapists = bookable_services(), active_therapists()
        if _kept.version == version:
            return version, services, therapists


def _read(key: tuple, query: Callable[[], models.QuerySet | dict]):
    # The version before the rows: rows are never kept under a version newer than they are.
    version = VERSION.current()
    if _kept.version != version:
        _kept.version, _kept.lists = version, {}
    if key not in _kept.lists:
        found = query()
        _kept.lists[key] = found if isinstance(found, dict) else list(found)
    kept = _kept.lists[key]
    # A list is the caller's own, to sort or filter; a dict is shared, only read.
    return kept if isinstance(kept, dict) else list(kept)


def changed(sender=None, using=None, **kwargs) -> None:
    """A service, a therapist, hours or time off were saved or deleted: every process reads
    what it keeps again."""
    page_cache.content_changed(VERSION, using=using)


def connect_signals() -> None:
    # None of them has many-to-many relations; what makes a row bookable is on the row.
    for model in (Service, Therapist, WorkingHours, TimeOff):
        uid = f"booking-catalogue:{model._meta.label}"
        post_save.connect(changed, sender=model, dispatch_uid=uid)
        post_delete.connect(changed, sender=model, dispatch_uid=uid)
