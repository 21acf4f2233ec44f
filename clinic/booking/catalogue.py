"""The sessions and therapists a client can book or read about, kept by each process.

Every booking step reads them and they change a few times a year, so each process keeps the
lists it read and reads them again only when VERSION (in the shared cache, asked at most once
a second, see clinic.core.cache.SharedVersion) says a service or therapist was saved or deleted
since: the same scheme as the clinic's settings (ClinicSettings.load). A change made in this
process shows at once, one made in another process within the second. A change that sends no
signal (a queryset update(), bulk_create()) must call changed() itself; none does today. The
admin and the back office read the database. Used by the booking steps and the front pages
(home, services, therapists).

The kept model instances are shared by every request of the process: callers only read them.
"""

from collections.abc import Callable

from django.db import models
from django.db.models.signals import post_delete, post_save
from django.utils import translation

from clinic.booking.models import Service, Therapist
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


def version() -> str | None:
    """The version the lists last returned were read under: a key for what a page renders from
    them (the front pages keep their cards by it, see templates/clinic/home.html). Asked after
    the lists, it is theirs, never a newer one."""
    return _kept.version


def _read(key: tuple, query: Callable[[], models.QuerySet]) -> list:
    # The version before the rows: rows are never kept under a version newer than they are.
    version = VERSION.current()
    if _kept.version != version:
        _kept.version, _kept.lists = version, {}
    if key not in _kept.lists:
        _kept.lists[key] = list(query())
    return list(_kept.lists[key])  # the caller's own list, to sort or filter


def changed(sender=None, using=None, **kwargs) -> None:
    """A service or therapist was saved or deleted: every process reads the lists again."""
    page_cache.content_changed(VERSION, using=using)


def connect_signals() -> None:
    # Neither model has many-to-many relations; what makes a row bookable is on the row.
    for model in (Service, Therapist):
        uid = f"booking-catalogue:{model._meta.label}"
        post_save.connect(changed, sender=model, dispatch_uid=uid)
        post_delete.connect(changed, sender=model, dispatch_uid=uid)
