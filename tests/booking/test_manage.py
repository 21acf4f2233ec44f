"""/book/<reference>/: the client's own page, opened with the signed token from their email."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from clinic.booking.models import BookingEvent, BookingStatus
from clinic.booking.tokens import make_token, manage_path, manage_url
from tests.booking.support import in_days
from tests.factories import make_booking

pytestmark = pytest.mark.django_db
S = BookingStatus


@pytest.fixture
def confirmed(deep60, alex):
    return make_booking(S.CONFIRMED, service=deep60, therapist=alex, start=in_days(4, 10))


def test_the_link_shows_status_time_and_therapist(client, confirmed):
    response = client.get(manage_path(confirmed.reference))
    html = response.content.decode()
    assert response.status_code == 200
    assert confirmed.reference in html
    assert "Confirmed" in html and "Alex Morgan" in html and "10 a.m." in html
    assert "Cancel this appointment" in html and "Change the time" in html
    assert "Add to calendar" in html
    assert "no-store" in response["Cache-Control"]
    assert "SECRET-NOTE" not in html  # the note is the clinic's, not shown back


def test_manage_url_is_absolute_for_emails(confirmed):
    assert manage_url(confirmed.reference).startswith("http://127.0.0.1:8000/book/UNK-")


@pytest.mark.parametrize(
    "token",
    ["", "wrong", "x" * 27, "TAMPERED"],
    ids=["missing", "wrong", "garbage", "other-reference"],
)
def test_a_wrong_or_tampered_token_is_a_404_and_changes_nothing(client, confirmed, token):
    if token == "TAMPERED":
        token = make_token("UNK-22222")  # valid for another reference
    url = f"/book/{confirmed.reference}/"
    assert client.get(url, {"token": token}).status_code == 404
    response = client.post(url, {"token": token, "action": "cancel"})
    assert response.status_code == 404
    confirmed.refresh_from_db()
    assert confirmed.status == S.CONFIRMED
    assert not BookingEvent.objects.exists()
    assert mail.outbox == []


def test_a_token_cannot_be_moved_between_query_and_form(client, confirmed):
    # The POST must carry the token itself; the one in the URL is not enough.
    response = client.post(manage_path(confirmed.reference), {"action": "cancel"})
    assert response.status_code == 404


def test_an_unknown_reference_is_a_404(client, db):
    assert client.get(manage_path("UNK-ZZZZZ")).status_code == 404


def post(client, request_obj, action):
    return client.post(
        f"/book/{request_obj.reference}/",
        {"token": make_token(request_obj.reference), "action": action},
        follow=True,
    )


def test_cancel_on_the_manage_page_asks_first(client, confirmed):
    # The old one-tap cancel (a POST from an old page) leads to the confirmation step only.
    response = post(client, confirmed, "cancel")
    assert response.redirect_chain[-1][0].startswith(f"/book/{confirmed.reference}/cancel/")
    assert "Cancel your appointment?" in response.content.decode()
    confirmed.refresh_from_db()
    assert confirmed.status == S.CONFIRMED
    assert not BookingEvent.objects.exists() and mail.outbox == []


def test_cancel_after_the_cutoff_is_refused_and_shows_the_phone(client, deep60, alex):
    soon = make_booking(
        S.CONFIRMED,
        service=deep60,
        therapist=alex,
        start=timezone.now() + dt.timedelta(hours=10),
    )
    html = client.get(manage_path(soon.reference)).content.decode()
    assert "Cancel this appointment" not in html and "Change the time" not in html
    assert "can no longer be changed or cancelled online" in html and "(555) 010-0100" in html
    html = post(client, soon, "cancel").content.decode()
    assert "Please call us if you cannot come" in html and 'href="tel:(555)010-0100"' in html
    assert "Yes, cancel it" not in html
    soon.refresh_from_db()
    assert soon.status == S.CONFIRMED
    assert not BookingEvent.objects.exists()
    assert mail.outbox == []


def test_accept_a_proposal_from_the_email_link(client, deep60, alex):
    proposed = make_booking(S.PROPOSED, service=deep60, therapist=alex, start=in_days(5, 11))
    html = client.get(manage_path(proposed.reference) + "&action=accept").content.decode()
    assert "Accept this time?" in html and "Decline this time" not in html  # one clear choice
    html = post(client, proposed, "accept").content.decode()
    assert "your appointment is confirmed" in html
    proposed.refresh_from_db()
    assert proposed.status == S.CONFIRMED


def test_decline_a_proposal(client, deep60, alex):
    proposed = make_booking(S.PROPOSED, service=deep60, therapist=alex, start=in_days(5, 11))
    html = post(client, proposed, "decline").content.decode()
    assert "We will suggest another time" in html
    proposed.refresh_from_db()
    assert proposed.status == S.REQUESTED


def test_a_link_for_an_action_no_longer_possible_says_so(client, confirmed):
    html = client.get(manage_path(confirmed.reference) + "&action=accept").content.decode()
    assert "That is no longer possible" in html


def test_an_unknown_action_changes_nothing(client, confirmed):
    html = post(client, confirmed, "delete").content.decode()
    assert "Choose one of the buttons" in html
    confirmed.refresh_from_db()
    assert confirmed.status == S.CONFIRMED


@pytest.mark.parametrize("status", [S.DECLINED, S.EXPIRED, S.COMPLETED, S.CANCELLED])
def test_finished_requests_offer_no_actions(client, deep60, alex, status):
    done = make_booking(status, service=deep60, therapist=alex, start=in_days(4, 10))
    html = client.get(manage_path(done.reference)).content.decode()
    actions = re.findall(r'name="action" value="([a-z_]+)"', html)
    assert actions == ["delete_my_data"]  # only the request to delete their data remains


def test_the_clinics_reason_is_shown(client, deep60, alex):
    declined = make_booking(
        S.DECLINED,
        service=deep60,
        therapist=alex,
        start=in_days(4, 10),
        message_to_client="We are closed that week.",
    )
    html = client.get(manage_path(declined.reference)).content.decode()
    assert "We are closed that week." in html and "Request another time" in html


def test_wrong_methods(client, confirmed):
    assert client.put(manage_path(confirmed.reference)).status_code == 405
    assert client.delete("/book/").status_code == 405
