"""The Today page and the calendar ask the database a fixed number of questions, however many
bookings there are: 10,000 here, over a year of two therapists' time."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.booking.models import (
    REFERENCE_ALPHABET,
    REFERENCE_PREFIX,
    BookingRequest,
    BookingStatus,
)
from tests.backoffice.helpers import profile_for, today
from tests.factories import make_intake

pytestmark = pytest.mark.django_db

BOOKINGS = 10_000


def reference(number: int) -> str:
    letters = ""
    for _position in range(5):
        number, digit = divmod(number, len(REFERENCE_ALPHABET))
        letters += REFERENCE_ALPHABET[digit]
    return REFERENCE_PREFIX + letters


@pytest.fixture
def busy_year(therapist, alex, deep60):
    """10,000 rows: each therapist's sessions every 90 minutes around the clock, from half a
    year ago to half a year ahead (completed before now, confirmed after), and every tenth row
    a request waiting for the clinic."""
    tess = profile_for(therapist)
    intake = make_intake("MEDICAL")
    now = timezone.now()
    first = now - dt.timedelta(minutes=90 * BOOKINGS // 4)
    rows = []
    for number in range(BOOKINGS):
        who = (alex, tess)[number % 2]
        start = first + dt.timedelta(minutes=90 * (number // 2))
        fields = {
            "reference": reference(number),
            "client_name": f"Client {number}",
            "email": "client@example.com",
            "phone": "555",
            "service": deep60,
            "requested_therapist": who,
            "requested_start": start,
            "intake": intake,
        }
        if number % 10 == 9:
            fields.update(status=BookingStatus.REQUESTED, status_changed_at=now)
        else:
            fields.update(
                status=BookingStatus.COMPLETED if start < now else BookingStatus.CONFIRMED,
                therapist=who,
                start=start,
                end=start + deep60.duration,
                blocked_until=start + deep60.duration + deep60.recovery_buffer,
            )
        rows.append(BookingRequest(**fields))
    BookingRequest.objects.bulk_create(rows, batch_size=2000)
    assert BookingRequest.objects.count() == BOOKINGS
    return tess


@pytest.mark.parametrize("persona", ["therapist_client", "admin_client"])
def test_the_today_page_is_bounded(persona, busy_year, request, django_assert_max_num_queries):
    client = request.getfixturevalue(persona)
    client.get("/admin/")  # the clinic's settings, cached once
    with django_assert_max_num_queries(16):
        response = client.get("/admin/")
    assert response.status_code == 200
    assert "Client " in response.content.decode()


@pytest.mark.parametrize("view", ["backoffice_calendar", "backoffice_calendar_week"])
@pytest.mark.parametrize("who", ["tess", "all"])
def test_the_calendar_is_bounded(
    view, who, busy_year, therapist_client, django_assert_max_num_queries
):
    therapist_client.get(reverse(view))
    with django_assert_max_num_queries(12):
        response = therapist_client.get(
            reverse(view), {"date": today().isoformat(), "therapist": who}
        )
    assert response.status_code == 200
    assert "cal-booked" in response.content.decode()
