"""The client list and history page in the back office: who may see them, what they show
(never an intake answer), every view recorded, and a bounded number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinic.booking.models import BookingEvent, BookingStatus
from clinic.clients.models import Client, ClientAccess
from tests.clients.support import note_on, session
from tests.factories import SECRET_ANSWER, SECRET_NOTE, make_booking, make_intake

pytestmark = pytest.mark.django_db

LIST = "/admin/clients/client/"


def history_url(client):
    return f"{LIST}{client.pk}/change/"


def test_history_shows_intakes_bookings_decisions_and_notes(
    therapist_client, therapist, deep60, alex
):
    intake = make_intake("MEDICAL", review_status="cleared", reviewer=therapist)
    booking = session(deep60, alex, intake=intake)
    BookingEvent.objects.create(
        request=booking, from_status="requested", to_status="confirmed", actor_kind="staff",
        actor=therapist,
    )  # fmt: skip
    note = note_on(booking, therapist)
    client = Client.objects.get()

    response = therapist_client.get(history_url(client), REMOTE_ADDR="203.0.113.9")
    page = response.content.decode()
    assert response.status_code == 200
    assert "level-MEDICAL" in page  # the intake's level badge
    assert f"/admin/intake/intake/{intake.pk}/change/" in page
    assert "Cleared for massage" in page  # the review decision
    assert booking.reference in page and "Confirmed" in page
    assert f"/admin/clients/visitnote/{note.pk}/change/" in page
    assert SECRET_ANSWER not in page and SECRET_NOTE not in page  # never answers or notes

    entry = ClientAccess.objects.get(action=ClientAccess.Action.VIEWED_HISTORY)
    assert (entry.client, entry.user, entry.ip_address) == (client, therapist, "203.0.113.9")


def test_a_booking_without_a_note_links_to_the_note_form(therapist_client, deep60, alex):
    booking = session(deep60, alex)
    page = therapist_client.get(history_url(Client.objects.get())).content.decode()
    assert f"/admin/clients/visitnote/add/?booking={booking.pk}" in page


def test_list_is_recorded_and_shows_counts(therapist_client, therapist, deep60, alex):
    session(deep60, alex)
    response = therapist_client.get(LIST)
    assert response.status_code == 200 and "ana@example.com" in response.content.decode()
    assert ClientAccess.objects.filter(action="listed", user=therapist).count() == 1


def test_front_desk_gets_nothing_of_clients(front_desk_client, therapist, deep60, alex):
    booking = session(deep60, alex)
    note = note_on(booking, therapist)
    client = Client.objects.get()
    for url in (
        LIST,
        history_url(client),
        f"{LIST}{client.pk}/export/",
        "/admin/clients/visitnote/",
        f"/admin/clients/visitnote/{note.pk}/change/",
        f"/admin/clients/visitnote/add/?booking={booking.pk}",
        "/admin/clients/clientaccess/",
    ):
        assert front_desk_client.get(url).status_code in (403, 404), url
    assert not ClientAccess.objects.exclude(action="wrote_note").exists()
    assert "/admin/clients/" not in front_desk_client.get("/admin/").content.decode()


def test_export_is_recorded(therapist_client, therapist, deep60, alex):
    booking = session(deep60, alex)
    note_on(booking, therapist, techniques="myofascial release")
    client = Client.objects.get()
    response = therapist_client.get(f"{LIST}{client.pk}/export/")
    assert response.status_code == 200
    assert "myofascial release" in response.content.decode()
    assert SECRET_ANSWER not in response.content.decode()
    assert ClientAccess.objects.filter(action="exported", client=client).exists()


def test_history_queries_stay_bounded(
    therapist_client, therapist, deep60, alex, django_assert_max_num_queries
):
    intake = make_intake()
    start = timezone.now().replace(microsecond=0) - dt.timedelta(days=400)
    for n in range(200):
        booking = make_booking(
            BookingStatus.COMPLETED, service=deep60, therapist=alex, intake=intake,
            start=start + dt.timedelta(days=n),
        )  # fmt: skip
        BookingEvent.objects.create(
            request=booking, to_status="completed", actor_kind="staff", actor=therapist
        )
        if n % 2:
            note_on(booking, therapist)
    for _n in range(20):
        make_intake(email="ANA@example.com")
    client = Client.objects.get()
    with django_assert_max_num_queries(20):
        response = therapist_client.get(history_url(client))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="client-booking"') == 50  # the latest; the export has all 200
    assert "200 booking requests in all" in html


def test_list_queries_stay_bounded(therapist_client, deep60, alex, django_assert_max_num_queries):
    def queries_for_list():
        with CaptureQueriesContext(connection) as done:
            assert therapist_client.get(LIST).status_code == 200
        return len(done)

    make_intake(email="first@example.com")
    queries_for_list()  # the first page of a session loads it, the user and their device
    few = queries_for_list()
    for n in range(60):
        intake = make_intake(email=f"client{n}@example.com", name=f"Client {n}")
        session(deep60, alex, days_ago=n + 1, intake=intake, email=intake.email)
    with django_assert_max_num_queries(20):
        assert queries_for_list() == few


def test_history_of_a_client_with_10000_bookings_stays_bounded_and_short(
    therapist_client, deep60, alex, django_assert_max_num_queries
):
    from clinic.booking.models import BookingRequest, new_reference
    from clinic.clients.models import ClientBooking
    from clinic.clients.records import HISTORY_SHOWN

    first = session(deep60, alex, email="many@example.com")
    client = Client.objects.get(email="many@example.com")
    fields = {
        f.attname: getattr(first, f.attname)
        for f in BookingRequest._meta.concrete_fields
        if not f.primary_key
    }
    references = set()
    while len(references) < 9_999:
        references.add(new_reference())

    def moved(hours: int) -> dict:
        shift = dt.timedelta(hours=2 * hours)
        times = ("start", "end", "blocked_until", "requested_start")
        return {name: fields[name] - shift for name in times if fields[name] is not None}

    BookingRequest.objects.bulk_create(
        [
            BookingRequest(**{**fields, **moved(n + 1), "reference": ref})
            for n, ref in enumerate(sorted(references))
        ],
        batch_size=2000,
    )
    ClientBooking.objects.bulk_create(
        [
            ClientBooking(client=client, booking_id=pk)
            for pk in BookingRequest.objects.filter(reference__in=references).values_list(
                "pk", flat=True
            )
        ],
        batch_size=2000,
    )
    assert client.booking_links.count() == 10_000
    with django_assert_max_num_queries(20):
        response = therapist_client.get(history_url(client))
    html = response.content.decode()
    assert html.count('class="client-booking"') == HISTORY_SHOWN
    assert "10000 booking requests in all" in html
