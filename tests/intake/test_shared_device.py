"""A shared tablet or computer: nothing one client typed or was told reaches the next person,
and what one browser can send cannot grow its session."""

import time

import pytest
from django.contrib.sessions.models import Session

from clinic.booking.models import BookingRequest
from intake.models import Intake
from tests.intake.answers import BENIGN, benign
from tests.intake.helpers import fill_intake, step_data

pytestmark = pytest.mark.django_db


def session_size(client) -> int:
    return len(Session.objects.get(session_key=client.session.session_key).session_data)


def test_back_keeps_valid_answers_only_and_the_session_stays_small(client):
    client.post("/intake/?step=1", step_data(1, BENIGN))
    client.post("/intake/?step=2", step_data(2, BENIGN))
    flood = {"action": "back", "pain_worst_0_10": "6", "pain_tearing": "x" * 2_500_000}
    client.post("/intake/?step=3", {**flood, "not_a_question": "y" * 100_000})
    drafts = client.session["intake_progress"]["drafts"]["3"]
    assert drafts == {"pain_worst_0_10": 6}
    assert session_size(client) < 5_000


def test_step_posts_are_limited_per_browser(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "intake-step": (3, 100, 3600)}
    for _ in range(3):
        assert client.post("/intake/?step=1", step_data(1, BENIGN)).status_code == 302
    response = client.post("/intake/?step=1", step_data(1, BENIGN))
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "call 911" in response.content.decode()


def test_the_result_is_shown_again_only_for_a_short_while(client, settings, monkeypatch):
    fill_intake(client)
    assert client.get("/intake/result/").status_code == 200
    later = time.time() + settings.RESULT_SHOWN_MINUTES * 60 + 1
    monkeypatch.setattr("django.utils.timezone.now", lambda: _at(later))
    response = client.get("/intake/result/")
    assert response.status_code == 302 and response["Location"] == "/intake/"
    # ... and /book/ no longer knows the person: no name, email or phone filled in.
    html = client.get("/book/?service=deep-tissue-60&therapist=any").content.decode()
    assert "Rosa Quintero" not in html and "rosa@example.com" not in html


def test_a_half_finished_check_is_forgotten_after_a_quiet_spell(client, settings, monkeypatch):
    client.post("/intake/?step=1", step_data(1, BENIGN))
    client.post("/intake/?step=2", step_data(2, benign(age_years=41)))
    later = time.time() + settings.INTAKE_IDLE_MINUTES * 60 + 1
    monkeypatch.setattr("django.utils.timezone.now", lambda: _at(later))
    html = client.get("/intake/?step=1").content.decode()
    assert (
        "Step 1 of" in html and 'value="41"' not in client.get("/intake/?step=2").content.decode()
    )


def test_finish_and_clear_leaves_nothing_for_the_next_person(client):
    fill_intake(client)
    html = client.get("/intake/result/").content.decode()
    assert "Finish and clear this device" in html
    response = client.post("/finish/")
    assert response["Location"] == "/"
    assert "Nothing of your visit is left on this device" in client.get("/").content.decode()
    assert client.get("/intake/result/")["Location"] == "/intake/"
    assert client.get("/book/sent/")["Location"] == "/book/"
    assert Intake.objects.count() == 1  # the clinic still has it
    assert client.get("/finish/").status_code == 405  # only a deliberate press clears


def test_a_sent_booking_ends_the_journey(client, deep60, alex):
    from tests.booking.test_pages import START, request_data

    fill_intake(client)
    intake = Intake.objects.get()
    assert client.post("/book/", request_data(START))["Location"] == "/book/sent/"
    assert BookingRequest.objects.count() == 1
    # The next person on this browser starts from nothing: no pre-filled details.
    html = client.get("/book/?service=deep-tissue-60&therapist=any").content.decode()
    assert "ana@example.com" not in html and intake.email not in html


def _at(timestamp: float):
    import datetime as dt

    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)
