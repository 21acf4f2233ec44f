"""Local helpers for the back office tests: clinic-time instants and a therapist profile for a
signed-in user."""

import datetime as dt

from django.utils import timezone

from clinic.booking.availability import local_instant
from clinic.core.models import ClinicSettings
from tests.factories import make_therapist


def today() -> dt.date:
    return timezone.localtime(timezone.now(), ClinicSettings.load().zone).date()


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """The instant of a wall-clock time on `day` in the clinic's zone."""
    return local_instant(day, dt.time(hour, minute), ClinicSettings.load().zone)


def profile_for(user, slug="tess", display_name="Tess Lane", **extra):
    """A therapist profile (working 9:00-17:00 every day) that belongs to `user`."""
    return make_therapist(slug, display_name=display_name, user=user, **extra)
