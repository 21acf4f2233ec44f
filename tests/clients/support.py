"""Small helpers for the client-record tests (the shared factories make the rows)."""

import datetime as dt

from django.utils import timezone

from clinic.booking.models import BookingStatus
from clinic.clients.models import VisitNote
from tests.factories import make_booking


def session(service, therapist, *, days_ago=1, status=BookingStatus.COMPLETED, **extra):
    start = timezone.now().replace(microsecond=0) - dt.timedelta(days=days_ago)
    return make_booking(status, service=service, therapist=therapist, start=start, **extra)


def note_on(booking, by, *, signed_at=None, **fields):
    values = {
        "areas": ["neck", "low_back"],
        "pressure": 4,
        "techniques": "trigger points",
        "response": "eased by the end",
        "home_care": "heat, gentle stretches",
        "plan": "upper back next time",
    }
    values.update(fields)
    return VisitNote.objects.create(
        booking=booking,
        client=booking.client_link.client,
        signed_by=by,
        signed_at=signed_at or timezone.now(),
        **values,
    )


LESSON_TITLES = (
    "Starting safely",
    "Understanding a knot",
    "Settling a flare",
    "Daily mobility",
    "Opening the front and sides",
    "Building the back",
    "Desk, phone, stress and sleep",
    "Self-massage and keeping it going",
)


def make_lessons():
    """Eight program lessons, in order (the real ones are loaded by tests/program)."""
    from clinic.program.models import Lesson

    return [
        Lesson.objects.create(
            slug=f"lesson-{order}",
            order=order,
            week=min(6, order),
            title=title,
            summary="A short summary.",
            goal="One goal.",
            minutes=10,
            body="Words.",
            body_html="<p>Words.</p>",
            author="The clinic",
        )
        for order, title in enumerate(LESSON_TITLES, start=1)
    ]


def enrol(email="ana@example.com", *, lessons=(), check_ins=(), **fields):
    """An enrolment with these lessons done and check-ins (week, pain, limits, trend, level)."""
    from clinic.program.models import CheckIn, Enrolment, LessonDone

    now = timezone.now()
    values = {
        "confirmed_at": now - dt.timedelta(days=20),
        "started_at": now - dt.timedelta(days=19),
        "last_activity_at": now - dt.timedelta(days=1),
        "baseline_pain": 7,
        "baseline_limits": 6,
    }
    values.update(fields)
    row = Enrolment.objects.create(email=email, **values)
    for n, lesson in enumerate(lessons):
        LessonDone.objects.create(
            enrolment=row, lesson=lesson, done_at=now - dt.timedelta(days=18 - n)
        )
    for week, pain, limits, trend, level in check_ins:
        CheckIn.objects.create(
            enrolment=row,
            week=week,
            pain_now=pain,
            limits_now=limits,
            trend=trend,
            level=level,
        )
    return row
