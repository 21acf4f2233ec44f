"""Visit notes: written from a booking, signed on save, correctable for 24 hours and then
locked (by the database too), later changes as dated addenda; therapists only; every view
recorded."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.clients import records
from clinic.clients.models import ClientAccess, VisitNote, VisitNoteAddendum
from tests.clients.support import note_on, session

pytestmark = pytest.mark.django_db

NOTES = "/admin/clients/visitnote/"
FORM = {
    "areas": ["neck", "shoulder_blade_left"],
    "pressure": "3",
    "techniques": "cross-fibre friction",
    "response": "relaxed, less guarding",
    "home_care": "heat 15 minutes",
    "plan": "work the left side again",
}


def change_url(note):
    return f"{NOTES}{note.pk}/change/"


def test_a_therapist_writes_a_note_from_a_booking_and_it_is_signed(
    therapist_client, therapist, deep60, alex
):
    booking = session(deep60, alex)
    form = therapist_client.get(f"{NOTES}add/?booking={booking.pk}")
    assert form.status_code == 200 and 'value="shoulder_blade_left"' in form.content.decode()
    response = therapist_client.post(f"{NOTES}add/?booking={booking.pk}", FORM)
    assert response.status_code == 302
    note = VisitNote.objects.get()
    assert (note.booking, note.signed_by, note.pressure) == (booking, therapist, 3)
    assert note.areas == ["neck", "shoulder_blade_left"]
    assert timezone.now() - note.signed_at < dt.timedelta(minutes=1)
    assert ClientAccess.objects.filter(action="wrote_note", note_number=note.pk).exists()


def test_bad_input_is_refused_and_nothing_saved(therapist_client, deep60, alex):
    booking = session(deep60, alex)
    response = therapist_client.post(
        f"{NOTES}add/?booking={booking.pk}", {**FORM, "pressure": "9", "areas": ["tail"]}
    )
    assert response.status_code == 200
    assert not VisitNote.objects.exists()


def test_the_add_form_needs_a_booking(therapist_client):
    assert therapist_client.get(f"{NOTES}add/").status_code == 404


def test_a_note_can_be_corrected_within_24_hours(therapist_client, therapist, deep60, alex):
    note = note_on(session(deep60, alex), therapist)
    response = therapist_client.post(change_url(note), {**FORM, "plan": "corrected plan"})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.plan == "corrected plan" and note.changed_at is not None
    assert note.signed_by == therapist
    assert ClientAccess.objects.filter(action="corrected_note").count() == 1


def test_after_24_hours_edits_are_refused_and_addenda_are_dated(
    therapist_client, therapist, deep60, alex
):
    signed = timezone.now() - dt.timedelta(hours=25)
    note = note_on(session(deep60, alex), therapist, signed_at=signed, plan="original plan")

    page = therapist_client.get(change_url(note)).content.decode()
    assert "This note is locked" in page and 'name="_save"' not in page
    assert therapist_client.post(change_url(note), {**FORM, "plan": "x"}).status_code == 403
    with pytest.raises(records.NoteLocked):
        records.correct_note(note, by=therapist)
    note.refresh_from_db()
    assert note.plan == "original plan"

    response = therapist_client.post(f"{NOTES}{note.pk}/addendum/", {"text": "Client called."})
    assert response.status_code == 302
    addendum = VisitNoteAddendum.objects.get()
    assert (addendum.note, addendum.written_by, addendum.text) == (
        note,
        therapist,
        "Client called.",
    )
    assert timezone.now() - addendum.written_at < dt.timedelta(minutes=1)
    assert "Client called." in therapist_client.get(change_url(note)).content.decode()


def test_the_database_refuses_to_change_a_locked_note_or_an_addendum(therapist, deep60, alex):
    note = note_on(
        session(deep60, alex), therapist, signed_at=timezone.now() - dt.timedelta(days=2)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitNote.objects.filter(pk=note.pk).update(plan="rewritten")
    addendum = records.add_addendum(note, "later", by=therapist)
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitNoteAddendum.objects.filter(pk=addendum.pk).update(text="rewritten")


def test_the_signature_never_changes(therapist, front_desk, deep60, alex):
    note = note_on(session(deep60, alex), therapist)
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitNote.objects.filter(pk=note.pk).update(signed_by=front_desk)


def test_every_view_of_a_note_is_recorded(therapist_client, therapist, deep60, alex):
    note = note_on(session(deep60, alex), therapist)
    therapist_client.get(change_url(note), REMOTE_ADDR="198.51.100.4")
    entry = ClientAccess.objects.get(action="viewed_note")
    assert (entry.note_number, entry.client_number, entry.user, entry.ip_address) == (
        note.pk,
        note.client_id,
        therapist,
        "198.51.100.4",
    )


def test_a_second_note_for_a_booking_goes_to_the_first(therapist_client, therapist, deep60, alex):
    booking = session(deep60, alex)
    note = note_on(booking, therapist)
    response = therapist_client.get(f"{NOTES}add/?booking={booking.pk}")
    assert response.status_code == 302 and response["Location"] == change_url(note)


def test_notes_need_intake_access_too(client, groups, deep60, alex, therapist):
    from django.contrib.auth.models import Permission

    from clinic.core.roles import FRONT_DESK
    from tests.conftest import sign_in_with_second_factor
    from tests.factories import make_staff

    # Given the notes' permissions but not intakes: still refused.
    odd = make_staff("odd", groups=[groups[FRONT_DESK]])
    odd.user_permissions.add(*Permission.objects.filter(content_type__app_label="clients"))
    note = note_on(session(deep60, alex), therapist)
    signed_in = sign_in_with_second_factor(client, odd)
    assert signed_in.get(change_url(note)).status_code == 403
