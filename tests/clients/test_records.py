"""Filing intakes and booking requests under one client per verified email, and letting go
when the client's data is deleted, purged or blanked."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from clinic.booking import privacy
from clinic.booking.models import BookingRequest, BookingStatus
from clinic.clients import records
from clinic.clients.models import Client, ClientAccess, ClientBooking, ClientIntake, VisitNote
from intake.models import IntakeAccess
from intake.retention import purge_expired_intakes
from tests.clients.support import note_on, session
from tests.factories import make_intake, make_submitted_intake

pytestmark = pytest.mark.django_db


def test_emails_match_whatever_the_case_and_spaces(deep60, alex):
    intake = make_submitted_intake(name="Lena Park", email="Lena@Example.com")
    booking = session(deep60, alex, email="  lena@EXAMPLE.com ", intake=intake)
    client = Client.objects.get()
    assert client.email == "lena@example.com"
    assert client.intake_links.get().intake == intake
    assert client.booking_links.get().booking == booking


def test_one_record_per_email(deep60, alex):
    make_intake(email="a@example.com")
    make_intake(email="A@example.com ")
    make_intake(email="b@example.com")
    assert sorted(Client.objects.values_list("email", flat=True)) == [
        "a@example.com",
        "b@example.com",
    ]
    assert Client.objects.get(email="a@example.com").intake_links.count() == 2


def test_the_newest_name_is_shown():
    make_intake(name="Ana C.", email="ana@example.com")
    make_intake(name="Ana Client", email="ana@example.com")
    assert Client.objects.get().name == "Ana Client"


def test_the_command_links_existing_data_and_is_idempotent(deep60, alex, capsys):
    intake = make_intake(email="Old@Example.com")
    booking = session(deep60, alex, email="old@example.com", intake=intake)
    # As before this app existed: nothing linked.
    Client.objects.all().delete()
    assert not ClientIntake.objects.exists() and not ClientBooking.objects.exists()

    call_command("link_clients")
    assert "Intakes linked: 1. Booking requests linked: 1." in capsys.readouterr().out
    client = Client.objects.get()
    assert (client.email, client.intake_links.get().intake, client.booking_links.get().booking) == (
        "old@example.com",
        intake,
        booking,
    )

    call_command("link_clients")
    assert "Intakes linked: 0. Booking requests linked: 0." in capsys.readouterr().out
    assert Client.objects.count() == 1 and ClientIntake.objects.count() == 1
    assert not ClientAccess.objects.filter(action="forgotten").exists()


def test_a_review_save_does_not_file_twice(therapist):
    from intake import reviewing

    intake = make_intake()
    reviewing.mark_reviewed(intake, therapist)
    assert ClientIntake.objects.filter(intake=intake).count() == 1


def test_purged_intakes_leave_no_record_behind():
    make_intake(email="gone@example.com")
    assert purge_expired_intakes(now=timezone.now() + dt.timedelta(days=365 * 30)) == 1
    assert not Client.objects.filter(email="gone@example.com").exists()
    forgotten = ClientAccess.objects.get(action=ClientAccess.Action.FORGOTTEN)
    assert forgotten.client is None and forgotten.client_number
    assert IntakeAccess.objects.filter(action="purged").count() == 1


def test_a_carried_out_deletion_request_removes_the_booking_from_the_record(
    deep60, alex, therapist
):
    kept = session(deep60, alex, days_ago=10, email="ana@example.com")
    asked = session(deep60, alex, days_ago=2, email="ana@example.com")
    note_on(asked, therapist)
    deletion = privacy.request_deletion(asked)
    privacy.carry_out(deletion, by=therapist)

    client = Client.objects.get(email="ana@example.com")
    assert list(client.booking_links.values_list("booking", flat=True)) == [kept.pk]
    assert not VisitNote.objects.filter(booking=asked).exists()
    assert ClientAccess.objects.filter(action=ClientAccess.Action.DELETED_NOTE).count() == 1


def test_the_record_goes_when_its_last_data_goes(deep60, alex, therapist):
    booking = session(deep60, alex, email="solo@example.com", intake=make_intake(email="x@e.com"))
    privacy.carry_out(privacy.request_deletion(booking), by=therapist)
    assert not Client.objects.filter(email="solo@example.com").exists()
    # The other client (the intake's) went with the deleted intake.
    assert not Client.objects.filter(email="x@e.com").exists()


def test_blanking_after_the_retention_period_lets_the_record_go_at_once(deep60, alex):
    booking = session(deep60, alex, email="late@example.com", intake=make_intake(email="i@e.com"))
    # The retention purge blanks with an UPDATE; privacy tells listeners which bookings.
    privacy.anonymise(BookingRequest.objects.filter(pk=booking.pk), name=privacy.RETENTION_NAME)
    assert not Client.objects.filter(email="late@example.com").exists()
    assert records.forget_anonymised() == 0  # the sweep of link_clients finds nothing left


def test_a_blanked_booking_saved_through_the_orm_is_let_go_at_once(deep60, alex):
    booking = session(deep60, alex, status=BookingStatus.REQUESTED, email="x@example.com")
    booking.email = ""
    booking.save()
    assert not ClientBooking.objects.filter(booking=booking).exists()


def booking_page_and_note_link(deep60, alex, staff_client):
    booking = session(deep60, alex, email="note@example.com")
    html = staff_client.get(f"/admin/clinic/bookingrequest/{booking.pk}/change/").content.decode()
    return html, f"/admin/clients/visitnote/add/?booking={booking.pk}"


def test_the_booking_page_leads_a_therapist_to_its_visit_note(deep60, alex, therapist_client):
    html, link = booking_page_and_note_link(deep60, alex, therapist_client)
    assert link in html


def test_the_front_desk_gets_no_way_to_visit_notes(deep60, alex, front_desk_client):
    html, link = booking_page_and_note_link(deep60, alex, front_desk_client)
    assert "Change booking request" in html or "View booking request" in html
    assert link not in html
