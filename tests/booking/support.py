"""Helpers for the booking tests: local times, intakes in a session, requests in any state."""

import datetime as dt
import zoneinfo

from django.utils import timezone

from clinic.booking.models import BookingRequest, BookingStatus, Service, Therapist, WorkingHours
from intake.models import Intake

DENVER = zoneinfo.ZoneInfo("America/Denver")
SECRET_ANSWER = "SECRET-ANSWER-7731"
SECRET_NOTE = "SECRET-NOTE-4410"


def local(year, month, day, hour=0, minute=0) -> dt.datetime:
    """An instant given as Denver wall-clock time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=DENVER)


def in_days(days: int, hour: int, minute: int = 0) -> dt.datetime:
    """A Denver wall-clock time `days` days from the real today (for views, which use now)."""
    today = timezone.localtime(timezone.now(), DENVER).date()
    day = today + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=DENVER)


def make_service(slug="deep-tissue-60", minutes=60, buffer=15, price="95.00", **extra) -> Service:
    return Service.objects.create(
        slug=slug,
        name=extra.pop("name", slug.replace("-", " ").capitalize()),
        duration_minutes=minutes,
        recovery_buffer_minutes=buffer,
        price=price,
        **extra,
    )


def make_therapist(slug="alex", hours=((9, 0, 17, 0),), weekdays=range(7), **extra) -> Therapist:
    therapist = Therapist.objects.create(
        slug=slug, display_name=extra.pop("display_name", slug.capitalize()), **extra
    )
    for weekday in weekdays:
        for start_h, start_m, end_h, end_m in hours:
            WorkingHours.objects.create(
                therapist=therapist,
                weekday=weekday,
                start=dt.time(start_h, start_m),
                end=dt.time(end_h, end_m),
            )
    return therapist


def make_intake(level="SELF_CARE", flags=(), review_status="new", reviewer=None) -> Intake:
    intake = Intake.objects.create(
        answers={"where_it_hurts": SECRET_ANSWER},
        level=level,
        fired=[f"S01_{level}"],
        flags=list(flags),
        rules_version="t",
        catalogue_version="t",
        name="Ana Client",
        email="ana@example.com",
        phone="(555) 010-0199",
        consent_name="Ana Client",
        consented_at=timezone.now(),
    )
    if review_status != "new":
        Intake.objects.filter(pk=intake.pk).update(
            review_status=review_status, reviewed_by=reviewer, reviewed_at=timezone.now()
        )
        intake.refresh_from_db()
    return intake


def remember_intake(client, intake: Intake) -> None:
    session = client.session
    session["intake_result"] = intake.pk
    session.save()


def make_request(
    status: str,
    *,
    service: Service,
    therapist: Therapist | None,
    start: dt.datetime,
    intake: Intake | None = None,
    changed_at: dt.datetime | None = None,
    **extra,
) -> BookingRequest:
    """A request already in `status` (as the pipeline would have left it)."""
    timed = status in (
        BookingStatus.PROPOSED,
        BookingStatus.CONFIRMED,
        BookingStatus.COMPLETED,
        BookingStatus.NO_SHOW,
    )
    if intake is None:
        intake = make_intake(
            "MEDICAL" if status == BookingStatus.AWAITING_CLEARANCE else "SELF_CARE"
        )
    fields = {
        "client_name": "Ana Client",
        "email": "ana@example.com",
        "phone": "(555) 010-0199",
        "note": SECRET_NOTE,
        "service": service,
        "requested_therapist": therapist,
        "requested_start": start,
        "intake": intake,
        "status": status,
        "status_changed_at": changed_at or timezone.now(),
    }
    if timed:
        fields.update(
            therapist=therapist,
            start=start,
            end=start + service.duration,
            blocked_until=start + service.duration + service.recovery_buffer,
        )
    fields.update(extra)
    return BookingRequest.objects.create(**fields)
