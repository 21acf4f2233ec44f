import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.booking.models import BookingStatus, DataDeletionRequest
from clinic.core.models import ClinicSettings
from intake.models import recheck_needed
from tests.backoffice.helpers import at, profile_for, today
from tests.factories import (
    SECRET_ANSWER,
    SECRET_NOTE,
    make_article,
    make_booking,
    make_intake,
    make_question,
)

pytestmark = pytest.mark.django_db


def change_url(booking) -> str:
    return reverse("admin:clinic_bookingrequest_change", args=[booking.pk])


@pytest.fixture
def day(therapist, alex, deep60):
    """Tess's day: a session today and one tomorrow; Alex's session today; and what needs
    action: a request held for clearance, an old proposal, an intake to review, a reader
    question and a deletion request."""
    tess = profile_for(therapist)
    now = timezone.now()
    rules = ClinicSettings.load()
    bookings = {
        "tess_today": make_booking(
            BookingStatus.CONFIRMED,
            service=deep60,
            therapist=tess,
            start=at(today(), 10),
            client_name="Ana Client",
            intake=make_intake("MEDICAL", review_status="cleared", reviewer=therapist),
        ),
        "tess_tomorrow": make_booking(
            BookingStatus.CONFIRMED,
            service=deep60,
            therapist=tess,
            start=at(today() + dt.timedelta(days=1), 14),
            client_name="Bea Tomorrow",
        ),
        "alex_today": make_booking(
            BookingStatus.CONFIRMED,
            service=deep60,
            therapist=alex,
            start=at(today(), 11),
            client_name="Cai Other",
        ),
        "held": make_booking(
            BookingStatus.AWAITING_CLEARANCE,
            service=deep60,
            therapist=None,
            start=now + dt.timedelta(days=3),
            client_name="Dee Held",
            changed_at=now - dt.timedelta(hours=40),
        ),
        "proposal": make_booking(
            BookingStatus.PROPOSED,
            service=deep60,
            therapist=tess,
            start=at(today() + dt.timedelta(days=4), 9),
            client_name="Eli Proposed",
            changed_at=now - rules.request_expiry + dt.timedelta(hours=2),
        ),
    }
    question = make_question(make_article("Stretching after a session"))
    deletion = DataDeletionRequest.objects.create(
        booking=bookings["tess_tomorrow"], reference=bookings["tess_tomorrow"].reference
    )
    return {"tess": tess, "question": question, "deletion": deletion, **bookings}


def test_the_admin_opens_on_the_therapists_day(therapist_client, day):
    response = therapist_client.get("/admin/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your day, Tess Lane." in page
    # Her sessions today and tomorrow, each linking to its booking; not Alex's.
    assert f'href="{change_url(day["tess_today"])}">Ana Client</a>' in page
    assert f'href="{change_url(day["tess_tomorrow"])}">Bea Tomorrow</a>' in page
    assert "Cai Other" not in page
    assert "Deep tissue 60" in page
    # The level of each session's intake, with words (she may view intakes).
    assert 'level-badge level-MEDICAL">' in page
    assert "See a doctor first" in page
    # What needs action, each a link to act on it.
    assert change_url(day["held"]) in page and "Dee Held" in page
    assert "Awaiting clearance" in page and "expires in 7\xa0hours" in page
    assert change_url(day["proposal"]) in page and "Proposals about to expire" in page
    held_intake = day["held"].intake
    assert held_intake.get_admin_url() in page
    assert reverse("admin:education_readerquestion_change", args=[day["question"].pk]) in page
    assert reverse("admin:clinic_datadeletionrequest_change", args=[day["deletion"].pk]) in page
    # Never an answer or a client's note, and a link to every section of the admin.
    assert SECRET_ANSWER not in page and SECRET_NOTE not in page
    assert reverse("admin:all_sections") in page
    assert 'href="/admin/clinic/bookingrequest/">Booking requests</a>' in page


def test_the_today_page_has_its_own_address(therapist_client, day):
    response = therapist_client.get(reverse("backoffice_today"))
    assert response.status_code == 200
    assert "Ana Client" in response.content.decode()
    assert therapist_client.post(reverse("backoffice_today")).status_code == 405


def test_intakes_to_review_come_most_severe_first(therapist_client, day):
    make_intake("SELF_CARE")
    emergency = make_intake("EMERGENCY")
    page = therapist_client.get("/admin/").content.decode()
    intakes = page[page.index('id="list-intakes"') : page.index('id="list-requests"')]
    assert intakes.index(emergency.get_admin_url()) < intakes.index(
        day["held"].intake.get_admin_url()
    )
    assert intakes.index("level-EMERGENCY") < intakes.index("level-SELF_CARE")


def test_the_owner_sees_every_therapists_day(admin_client, day):
    page = admin_client.get("/admin/").content.decode()
    assert "All therapists." in page
    for name in ("Ana Client", "Bea Tomorrow", "Cai Other"):
        assert name in page
    assert "Alex Morgan" in page and "Tess Lane" in page


def test_a_therapist_can_look_at_everyones_day(therapist_client, day):
    page = therapist_client.get("/admin/?who=all").content.decode()
    assert "Cai Other" in page and "Only my day" in page


def test_the_front_desk_sees_the_day_without_any_level(front_desk_client, day):
    page = front_desk_client.get("/admin/").content.decode()
    assert "Ana Client" in page and "Cai Other" in page
    assert "level-badge" not in page and "See a doctor first" not in page
    assert "Intakes to review" not in page
    assert day["held"].intake.get_admin_url() not in page
    assert "Dee Held" in page  # requests are theirs to manage


def test_every_section_of_the_admin_stays_reachable(therapist_client, day):
    response = therapist_client.get(reverse("admin:all_sections"))
    assert response.status_code == 200
    assert 'id="content-main"' in response.content.decode()
    assert "/admin/clinic/bookingrequest/" in response.content.decode()


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(reverse("backoffice_today"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_each_session_says_whether_the_check_must_be_taken_again(
    therapist, alex, deep60, therapist_client, monkeypatch
):
    """Spec section 3, rule 6: an intake older than 7 days is re-run before a session."""
    tess = profile_for(therapist)
    fresh = make_intake("SELF_CARE")
    nine_days_ago = timezone.now() - dt.timedelta(days=9)
    with monkeypatch.context() as past:
        past.setattr(timezone, "now", lambda: nine_days_ago)
        old = make_intake("SELF_CARE")
    for hour, name, intake in ((9, "Fresh Check", fresh), (11, "Old Check", old)):
        make_booking(
            BookingStatus.CONFIRMED, service=deep60, therapist=tess, start=at(today(), hour),
            client_name=name, intake=intake,
        )  # fmt: skip
    html = therapist_client.get(reverse("backoffice_today")).content.decode()
    rows = {name: html.split(name)[1].split("</tr>")[0] for name in ("Fresh Check", "Old Check")}
    assert "Up to date" in rows["Fresh Check"]
    assert "Re-check needed" in rows["Old Check"]
    assert recheck_needed(None, timezone.now())  # no check at all: ask it at the door
