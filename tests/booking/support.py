"""Helpers for the booking tests: local times and an intake in the session.

The rows themselves (services, therapists, intakes, requests) come from tests/factories.py.
"""

import datetime as dt
import time
import zoneinfo

from django.utils import timezone

from intake.models import Intake

DENVER = zoneinfo.ZoneInfo("America/Denver")


def local(year, month, day, hour=0, minute=0) -> dt.datetime:
    """An instant given as Denver wall-clock time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=DENVER)


def in_days(days: int, hour: int, minute: int = 0) -> dt.datetime:
    """A Denver wall-clock time `days` days from the real today (for views, which use now)."""
    today = timezone.localtime(timezone.now(), DENVER).date()
    day = today + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=DENVER)


def remember_intake(client, intake: Intake) -> None:
    session = client.session
    session["intake_result"] = {"pk": intake.pk, "at": time.time()}
    session.save()
