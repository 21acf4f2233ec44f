"""Cancelling with care at /book/<reference>/cancel/: what will be cancelled, the policy and
cutoff in plain words, an optional reason for the clinic, and a confirmation; after the cutoff,
the phone number instead."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from clinic.booking import pipeline
from clinic.booking.models import BookingEvent, BookingStatus
from clinic.booking.tokens import make_token, manage_path
from tests.booking.support import in_days, local
from tests.factories import SECRET_NOTE, make_booking

pytestmark = pytest.mark.django_db
S = BookingStatus
CLIENT, CLINIC = "ana@example.com", "hello@clinic.example"


@pytest.fixture
def confirmed(deep60, alex):
    return make_booking(S.CONFIRMED, service=deep60, therapist=alex, start=in_days(4, 10))


def page(reference: str) -> str:
    return f"/book/{reference}/cancel/?token={make_token(reference)}"


def post(client, booking, **data):
    return client.post(
        f"/book/{booking.reference}/cancel/", {"token": make_token(booking.reference), **data}
    )


def test_the_confirmation_step_shows_what_and_the_policy(client, confirmed):
    response = client.get(page(confirmed.reference))
    html = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "Cancel your appointment?" in html
    assert "Deep tissue 60" in html and "Alex Morgan" in html and "10 a.m." in html
    assert "Mountain Time" in html
    assert "Plans change" in html  # the clinic's policy
    assert "Cancelling now is free of charge: it is before 10 a.m. on" in html
    assert "24 hours before your appointment" in html
    assert "Please do not write health details here." in html
    assert "Yes, cancel it" in html and "Keep my appointment" in html
    assert f'href="{manage_path(confirmed.reference)}"'.replace("&", "&amp;") in html
    # Opening it changes nothing.
    confirmed.refresh_from_db()
    assert confirmed.status == S.CONFIRMED and mail.outbox == []


def test_the_manage_page_leads_to_it(client, confirmed):
    html = client.get(manage_path(confirmed.reference)).content.decode()
    assert f"/book/{confirmed.reference}/cancel/?token=" in html
    assert "Cancel this appointment" in html


def test_cancel_with_a_reason(client, confirmed):
    response = post(client, confirmed, reason="I have to work that day.")
    assert response.status_code == 302 and response["Location"] == manage_path(confirmed.reference)
    confirmed.refresh_from_db()
    assert confirmed.status == S.CANCELLED
    (event,) = BookingEvent.objects.all()
    assert (event.to_status, event.actor_kind) == (S.CANCELLED, "client")
    assert event.note == "I have to work that day."
    assert sorted(m.to[0] for m in mail.outbox) == [CLIENT, CLINIC]
    to_clinic = next(m for m in mail.outbox if m.to[0] == CLINIC)
    assert "I have to work that day." in to_clinic.body
    to_client = next(m for m in mail.outbox if m.to[0] == CLIENT)
    assert "I have to work" not in to_client.body  # the reason is the clinic's to read
    for message in mail.outbox:
        assert SECRET_NOTE not in message.body
    html = client.get(response["Location"]).content.decode()
    assert "Done: it is cancelled." in html and "Cancelled" in html


def test_cancel_without_a_reason(client, confirmed):
    post(client, confirmed)
    confirmed.refresh_from_db()
    assert confirmed.status == S.CANCELLED
    assert BookingEvent.objects.get().note == ""


def test_a_double_submit_changes_nothing_more(client, confirmed):
    post(client, confirmed, reason="Sorry")
    mail.outbox.clear()
    response = post(client, confirmed, reason="Sorry")
    assert response.status_code == 302
    assert BookingEvent.objects.count() == 1 and mail.outbox == []
    html = client.get(response["Location"]).content.decode()
    assert "already cancelled" in html and "Cancelled" in html


def test_a_too_long_reason_is_refused_beside_the_field_and_kept(client, confirmed):
    reason = "I cannot come. " * 40  # 600 characters
    response = post(client, confirmed, reason=reason)
    html = response.content.decode()
    assert response.status_code == 400
    assert "the limit is 500" in html and "There is a problem" in html
    assert 'aria-invalid="true"' in html
    assert reason.strip() in html  # nothing typed is lost
    confirmed.refresh_from_db()
    assert confirmed.status == S.CONFIRMED
    assert not BookingEvent.objects.exists() and mail.outbox == []


def test_after_the_cutoff_only_the_phone(client, deep60, alex):
    soon = make_booking(
        S.CONFIRMED,
        service=deep60,
        therapist=alex,
        start=timezone.now() + dt.timedelta(hours=10),
    )
    html = client.get(page(soon.reference)).content.decode()
    assert "Yes, cancel it" not in html and 'name="reason"' not in html
    assert "Please call us" in html and 'href="tel:(555)010-0100"' in html
    response = post(client, soon, reason="x")
    assert response.status_code == 200 and "Please call us" in response.content.decode()
    soon.refresh_from_db()
    assert soon.status == S.CONFIRMED
    assert not BookingEvent.objects.exists() and mail.outbox == []


def test_a_request_not_yet_confirmed_has_no_cutoff(client, deep60, alex):
    request = make_booking(
        S.REQUESTED,
        service=deep60,
        therapist=alex,
        start=timezone.now() + dt.timedelta(hours=10),
    )
    html = client.get(page(request.reference)).content.decode()
    assert "Cancel your request?" in html and "costs nothing" in html
    assert "Keep my request" in html
    post(client, request, reason="Found another day")
    request.refresh_from_db()
    assert request.status == S.CANCELLED


@pytest.mark.parametrize("status", [S.CANCELLED, S.COMPLETED, S.DECLINED])
def test_a_finished_booking_has_nothing_to_cancel(client, deep60, alex, status):
    done = make_booking(status, service=deep60, therapist=alex, start=in_days(4, 10))
    response = client.get(page(done.reference), follow=True)
    assert "nothing to cancel" in response.content.decode() or "already cancelled" in (
        response.content.decode()
    )
    post(client, done, reason="x")
    done.refresh_from_db()
    assert done.status == status and not BookingEvent.objects.exists()


def test_bad_links_and_methods(client, confirmed, deep60, alex):
    url = f"/book/{confirmed.reference}/cancel/"
    assert client.get(url, {"token": "wrong"}).status_code == 404
    assert client.post(url, {"token": make_token("UNK-22222")}).status_code == 404
    assert client.put(page(confirmed.reference)).status_code == 405
    assert client.delete(page(confirmed.reference)).status_code == 405
    long_ago = in_days(-120, 10)
    old = make_booking(
        S.CONFIRMED, service=deep60, therapist=alex, start=long_ago, changed_at=long_ago
    )
    assert client.get(page(old.reference)).status_code == 410
    assert post(client, old).status_code == 410
    old.refresh_from_db()
    assert old.status == S.CONFIRMED and not BookingEvent.objects.exists()


def test_the_page_needs_few_queries(client, confirmed, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        client.get(page(confirmed.reference))
    with django_assert_max_num_queries(20):
        post(client, confirmed, reason="x")


def test_the_reason_is_cut_to_its_limit_in_the_pipeline(deep60, alex):
    booking = make_booking(S.CONFIRMED, service=deep60, therapist=alex, start=local(2030, 1, 7, 10))
    pipeline.cancel_by_client(booking, reason="x" * 900)
    assert len(BookingEvent.objects.get().note) == 500
