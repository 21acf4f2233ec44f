"""The door check: the check-first questions asked on the therapist's tablet, recorded as a
re-check with the same outcomes as the client's link, and the Today page's "re-check needed"
until it is done."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clinic.booking import pipeline
from clinic.booking.models import BookingEvent, BookingStatus
from intake.models import Intake
from intake.recheck import CHECK_FIRST_KEYS, keys_asked
from tests.backoffice.helpers import at, profile_for, today
from tests.factories import make_booking, make_submitted_intake
from tests.intake.answers import benign

pytestmark = pytest.mark.django_db


def submitted_days_ago(days: int) -> Intake:
    then = timezone.now() - dt.timedelta(days=days)
    with pytest.MonkeyPatch.context() as past:
        past.setattr(timezone, "now", lambda: then)
        return make_submitted_intake(name="Ana Client", email="ana@example.com")


@pytest.fixture
def session(therapist, deep60):
    """Ana's session with Tess later today (or tomorrow, late in the day), on a check from
    ten days ago."""
    tess = profile_for(therapist, hours=((0, 0, 23, 59),))
    start = timezone.now() + dt.timedelta(hours=2)
    return make_booking(
        BookingStatus.CONFIRMED,
        service=deep60,
        therapist=tess,
        start=start,
        client_name="Ana Client",
        intake=submitted_days_ago(10),
    )


def door(booking, step=None) -> str:
    path = reverse("backoffice_door_check", args=[booking.reference])
    return f"{path}?step={step}" if step else path


def step_one(changes=(), signature="Ana Client", **answers) -> dict:
    fresh = benign(**answers)
    return {
        **{key: fresh[key] for key in CHECK_FIRST_KEYS},
        "changes": list(changes),
        "signature": signature,
        "step": "1",
    }


def test_the_front_desk_cannot_ask_health_questions(front_desk_client, session):
    assert front_desk_client.get(door(session)).status_code == 403
    assert front_desk_client.post(door(session), step_one()).status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client, session):
    response = client.get(door(session))
    assert response.status_code == 302 and "login" in response["Location"]


def test_nothing_changed_is_recorded_as_a_recheck_and_the_session_goes_ahead(
    therapist_client, session
):
    page = therapist_client.get(door(session))
    assert page.status_code == 200
    assert "Ana Client" in page.text
    for key in CHECK_FIRST_KEYS:
        assert f'name="{key}"' in page.text
    response = therapist_client.post(door(session), step_one(), follow=True)
    assert "Up to date: the session can go ahead" in response.text
    session.refresh_from_db()
    assert session.status == BookingStatus.CONFIRMED
    assert session.intake.refreshes_id is not None
    assert session.intake.changes_reported == []
    assert session.intake.consent_name == "Ana Client"


def test_an_emergency_at_the_door_says_911_and_holds_the_booking(
    therapist_client, therapist, session
):
    mail.outbox.clear()
    response = therapist_client.post(door(session), step_one(stroke_signs_now="yes"), follow=True)
    assert "Call 911 now" in response.text
    session.refresh_from_db()
    assert session.status == BookingStatus.AWAITING_CLEARANCE
    event = session.events.latest("pk")
    assert event.actor == therapist and event.actor_kind == BookingEvent.Actor.STAFF
    assert mail.outbox  # the clinic is told at once


def test_a_change_the_client_reports_is_asked_on_a_second_step(therapist_client, session):
    response = therapist_client.post(door(session), step_one(changes=["pregnancy"]))
    assert response["Location"].endswith("?step=2")
    page = therapist_client.get(response["Location"])
    for key in keys_asked(["pregnancy"]):
        if key not in CHECK_FIRST_KEYS:
            assert f'name="{key}"' in page.text
    done = therapist_client.post(
        door(session),
        {
            "step": "2",
            "pregnant": "yes",
            "pregnancy_high_risk": "yes",
            "pregnancy_warning_signs": "no",
        },
        follow=True,
    )
    assert "Held for review: do not start the session yet" in done.text
    session.refresh_from_db()
    assert session.status == BookingStatus.AWAITING_CLEARANCE
    assert "M33_HIGH_RISK_PREGNANCY" in session.intake.fired
    assert reverse("admin:intake_intake_change", args=[session.intake_id]) in done.text


def test_a_blank_door_check_says_what_to_fix_and_saves_nothing(therapist_client, session):
    count = Intake.objects.count()
    data = step_one(changes=["injury"], signature="")
    del data["chest_pain_now"]
    response = therapist_client.post(door(session), data)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Say whether you have chest pain, pressure or tightness now, or had it today." in (
        response.text
    )
    assert 'value="injury" checked' in response.text
    assert Intake.objects.count() == count


def test_a_cancelled_booking_takes_no_door_check(therapist_client, session, therapist):
    pipeline.cancel_by_clinic(session, by=therapist, reason="Closed for the day.")
    count = Intake.objects.count()
    response = therapist_client.post(door(session), step_one(chest_pain_now="yes"))
    assert "No door check for this booking" in response.text
    assert Intake.objects.count() == count


def test_today_asks_at_the_door_until_the_check_is_done(therapist_client, therapist, deep60):
    tess = profile_for(therapist)
    booking = make_booking(
        BookingStatus.CONFIRMED,
        service=deep60,
        therapist=tess,
        start=at(today() + dt.timedelta(days=1), 16),
        client_name="Old Check",
        intake=submitted_days_ago(10),
    )
    html = therapist_client.get(reverse("backoffice_today")).text
    row = html.split("Old Check</a>")[1].split("</tr>")[0]
    assert "Re-check needed" in row
    assert door(booking) in row
    therapist_client.post(door(booking), step_one(), follow=True)
    html = therapist_client.get(reverse("backoffice_today")).text
    row = html.split("Old Check</a>")[1].split("</tr>")[0]
    assert "Re-check needed" not in row and "Up to date" in row


def test_today_shows_a_session_held_by_a_recheck(therapist_client, session):
    therapist_client.post(door(session), step_one(breathless_now="not_sure"))
    html = therapist_client.get(reverse("backoffice_today") + "?who=all").text
    assert "On hold: the re-check needs a review" in html
