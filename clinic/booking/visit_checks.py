"""Whether a visit's answers are its own (spec shared/specs/triage.md, section 3, rule 6).

A confirmed session starting within RECHECK_LEAD (setting RECHECK_LEAD_HOURS) needs the
pre-visit re-check unless its answers were given inside that lead time before it and not more
than 7 days before it (intake.models.recheck_needed). Kept apart from recheck.py, which records
re-checks through the pipeline, so that emails can ask "is a re-check due?" without it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from clinic.booking.models import BookingRequest, BookingStatus
from intake.models import RECHECK_AFTER, Intake, recheck_needed


def lead() -> dt.timedelta:
    return dt.timedelta(hours=settings.RECHECK_LEAD_HOURS)


def checked_for_visit_at(checked_at: dt.datetime | None, start: dt.datetime | None) -> bool:
    """Whether answers given at `checked_at` count as the check of the visit at `start`: given
    within the lead time before it, and not more than 7 days before it."""
    if checked_at is None or start is None:
        return False
    return checked_at >= start - lead() and not recheck_needed(checked_at, start)


def checked_for_visit(intake: Intake | None, start: dt.datetime | None) -> bool:
    """Whether these answers count as this visit's check (see the module's docstring)."""
    return checked_for_visit_at(intake.created_at if intake else None, start)


def rechecked_for_visit(booking: BookingRequest) -> Intake | None:
    """The re-check already sent for this visit, if any (a link used twice shows it)."""
    intake = booking.intake
    if intake is not None and intake.refreshes_id and checked_for_visit(intake, booking.start):
        return intake
    return None


def is_due(booking: BookingRequest, *, now: dt.datetime | None = None) -> bool:
    """A confirmed session within the lead time whose answers are not this visit's yet."""
    now = now or timezone.now()
    return (
        booking.status == BookingStatus.CONFIRMED
        and booking.start is not None
        and now < booking.start <= now + lead()
        and not checked_for_visit(booking.intake, booking.start)
    )


def due(*, now: dt.datetime | None = None) -> QuerySet:
    """Every confirmed session within the lead time that needs a re-check (one query)."""
    now = now or timezone.now()
    stale = Q(intake__isnull=True) | Q(intake__created_at__lt=F("start") - lead())
    if lead() > RECHECK_AFTER:
        stale |= Q(intake__created_at__lt=F("start") - RECHECK_AFTER)
    return BookingRequest.objects.filter(
        stale, status=BookingStatus.CONFIRMED, start__gt=now, start__lte=now + lead()
    )
