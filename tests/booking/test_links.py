"""The client's booking link has an end: BOOKING_LINK_DAYS_AFTER days after the appointment
(or the request's last change, if later). After it, a genuine link shows how to reach the
clinic and changes nothing; a forged one is still a 404."""

import datetime as dt

import pytest
from django.core import mail, signing
from django.utils import timezone

from clinic.booking import tokens
from clinic.booking.models import BookingEvent, BookingStatus, DataDeletionRequest
from clinic.booking.tokens import link_ends_at, link_is_live, make_token, manage_path
from tests.booking.support import in_days
from tests.factories import make_booking

pytestmark = pytest.mark.django_db
S = BookingStatus


@pytest.fixture
def confirmed(deep60, alex):
    return make_booking(S.CONFIRMED, service=deep60, therapist=alex, start=in_days(4, 10))


@pytest.fixture
def later(monkeypatch):
    """Move the clock (as the view sees it) to a given instant."""

    def move_to(instant):
        monkeypatch.setattr(timezone, "now", lambda: instant)

    return move_to


def test_the_link_ends_days_after_the_appointment(confirmed, settings):
    assert settings.BOOKING_LINK_DAYS_AFTER == 90
    end = confirmed.end + dt.timedelta(days=90)
    assert link_ends_at(confirmed) == end
    assert link_is_live(confirmed, now=end - dt.timedelta(seconds=1))
    assert not link_is_live(confirmed, now=end)
    settings.BOOKING_LINK_DAYS_AFTER = 10
    assert link_ends_at(confirmed) == confirmed.end + dt.timedelta(days=10)


def test_a_later_change_counts_when_there_is_no_booked_time(deep60, alex):
    changed = timezone.now()
    declined = make_booking(
        S.DECLINED, service=deep60, therapist=alex, start=in_days(-200, 10), changed_at=changed
    )
    assert declined.end is None
    assert link_ends_at(declined) == changed + dt.timedelta(days=90)


def test_a_link_works_until_its_end(client, confirmed, later):
    later(confirmed.end + dt.timedelta(days=89))
    response = client.get(manage_path(confirmed.reference))
    assert response.status_code == 200
    assert "Alex Morgan" in response.content.decode()


def test_after_its_end_the_link_says_so_and_how_to_reach_the_clinic(client, confirmed, later):
    later(confirmed.end + dt.timedelta(days=91))
    response = client.get(manage_path(confirmed.reference))
    html = response.content.decode()
    assert response.status_code == 410
    assert "This link has ended" in html
    assert "(555) 010-0100" in html and "hello@clinic.example" in html  # ClinicSettings
    assert confirmed.reference in html
    assert "Ana" not in html and "Alex Morgan" not in html and "ana@example.com" not in html
    assert "no-store" in response["Cache-Control"]


def test_the_ended_page_speaks_spanish(client, confirmed, later):
    later(confirmed.end + dt.timedelta(days=91))
    html = client.get("/es" + manage_path(confirmed.reference)).content
    assert "Este enlace ya no es válido" in html.decode()


@pytest.mark.parametrize("action", ["cancel", "delete_my_data"])
def test_an_ended_link_changes_nothing_on_post(client, confirmed, later, action):
    later(confirmed.end + dt.timedelta(days=91))
    response = client.post(
        f"/book/{confirmed.reference}/",
        {"token": make_token(confirmed.reference), "action": action},
    )
    assert response.status_code == 410
    confirmed.refresh_from_db()
    assert confirmed.status == S.CONFIRMED
    assert not BookingEvent.objects.exists()
    assert not DataDeletionRequest.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("when", [0, 91], ids=["before-end", "after-end"])
def test_a_tampered_link_is_a_404_before_and_after_the_end(client, confirmed, later, when):
    later(confirmed.end + dt.timedelta(days=when))
    token = make_token(confirmed.reference)
    for forged in (token[:-1] + ("A" if token[-1] != "A" else "B"), make_token("UNK-22222")):
        url = f"/book/{confirmed.reference}/"
        assert client.get(url, {"token": forged}).status_code == 404
        assert client.post(url, {"token": forged, "action": "cancel"}).status_code == 404
    confirmed.refresh_from_db()
    assert confirmed.status == S.CONFIRMED and not BookingEvent.objects.exists()


def test_links_already_sent_keep_working(client, confirmed):
    # Emails sent before links had an end carry a plain signature of the reference.
    old_token = signing.Signer(salt=tokens.SALT).signature(confirmed.reference)
    assert old_token == make_token(confirmed.reference)
    response = client.get(f"/book/{confirmed.reference}/", {"token": old_token})
    assert response.status_code == 200
