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
