import re
import time

import pytest

from clinic.core.form_guard import stamp
from intake.models import Intake
from intake.steps import LAST
from tests.intake.answers import BENIGN, benign
from tests.intake.helpers import CONTACT, fill_intake, human, step_data

pytestmark = pytest.mark.django_db


def test_first_step_is_check_first_alone_with_progress(client):
    response = client.get("/intake/?step=1")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Step 1 of {LAST}" in html
    assert "Check first" in html
    assert 'name="chest_pain_now"' in html
    assert 'name="age_years"' not in html
    assert "no-store" in response["Cache-Control"]


def test_a_full_intake_stores_answers_exactly_and_shows_the_result(client):
    response = fill_intake(client, benign(pain_worst_0_10=8, breathless_now="no"))
    assert response.status_code == 302 and response["Location"] == "/intake/result/"
    intake = Intake.objects.get()
    assert intake.level == "PROFESSIONAL"
    assert intake.fired == ["P06_SEVERE_INTENSITY"]
    assert intake.answers["pain_worst_0_10"] == 8
    assert intake.answers["pregnancy_high_risk"] is None  # gated, not shown
    assert intake.answers["pain_regions"] == ["between_shoulder_blades", "shoulder_blade_right"]
    assert (intake.name, intake.language, intake.consent_name) == (
        "Rosa Quintero",
        "es",
        "Rosa Quintero",
    )
    html = client.get("/intake/result/").content.decode()
    assert 'data-triage-level="PROFESSIONAL"' in html
    assert 'data-rule="P06_SEVERE_INTENSITY"' in html
    assert 'href="/book/"' in html


def test_not_sure_is_stored_as_not_sure(client):
    fill_intake(client, benign(first_episode="not_sure"))
    assert Intake.objects.get().answers["first_episode"] == "not_sure"


@pytest.mark.parametrize("answer", ["yes", "not_sure"])
def test_emergency_on_the_first_step_shows_911_and_nothing_else(client, answer):
    response = client.post("/intake/?step=1", step_data(1, benign(chest_pain_now=answer)))
    assert response["Location"] == "/intake/result/"
    result = client.get("/intake/result/")
    html = result.content.decode()
    assert 'data-triage-level="EMERGENCY"' in html
    assert 'data-rule="E01_CHEST_PAIN_NOW"' in html
    assert "Call 911 now" in html and 'href="tel:911"' in html
    main = html.split("<main", 1)[1].split("</main>")[0]
    assert "/book/" not in main and "/articles/" not in main
    assert not Intake.objects.exists()  # nothing stored: no consent was given yet
    # No further step: the form starts over.
    assert "Step 1 of" in client.get("/intake/?step=2").content.decode()


def test_emergency_found_on_a_later_step_stops_the_form(client):
    answers = benign(pain_onset="sudden", pain_start_days_ago=1, pain_worst_0_10=9)
    for number in (1, 2):
        client.post(f"/intake/?step={number}", step_data(number, answers))
    response = client.post("/intake/?step=3", step_data(3, answers))
    assert response["Location"] == "/intake/result/"
    assert (
        'data-rule="E05_SUDDEN_SEVERE_THORACIC_PAIN"'
        in client.get("/intake/result/").content.decode()
    )


def test_medical_result_gives_the_time_frame_and_holds_booking(client):
    fill_intake(client, benign(fever="feels_feverish", recent_fracture="yes"))
    html = client.get("/intake/result/").content.decode()
    assert 'data-triage-level="MEDICAL"' in html
    assert "When: within 2 days" in html
    assert html.index('data-rule="M12_FEVER"') < html.index('data-rule="M25_RECENT_FRACTURE"')
    assert "waits until a therapist has read your answers" in html


def checked(html: str, name: str, value: str) -> bool:
    return bool(re.search(rf'<input[^>]*name="{name}"[^>]*value="{value}"[^>]*checked', html))


def walk_to(client, number: int, answers=BENIGN):
    for earlier in range(1, number):
        client.post(f"/intake/?step={earlier}", step_data(earlier, answers))


def test_missing_answers_keep_everything_typed_and_explain_each_problem(client):
    walk_to(client, 3)
    data = step_data(3, BENIGN)
    del data["pain_onset"]
    data["pain_worst_0_10"] = "12"
    data["pain_start_days_ago"] = "ten"
    response = client.post("/intake/?step=3", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in html
    assert 'href="#id_pain_onset_0"' in html and 'href="#id_pain_worst_0_10"' in html
    # Each message says what to fix for its own question, in the summary and beside it.
    assert html.count("Choose how your pain started.") == 2
    assert (
        html.count("Enter how bad the pain was at its worst as a whole number from 0 to 10.") == 2
    )
    assert html.count("Enter how many days ago this pain started as a whole number") == 2
    assert 'value="12"' in html and 'value="ten"' in html  # what was typed stays
    assert checked(html, "pain_trend", "better")
    assert checked(html, "pain_regions", "shoulder_blade_right")
    assert 'aria-invalid="true"' in html
    assert not Intake.objects.exists()


def test_unknown_choice_is_refused(client):
    data = step_data(1, BENIGN) | {"chest_pain_now": "perhaps"}
    html = client.post("/intake/?step=1", data).content.decode()
    assert "Say whether you have chest pain, pressure or tightness now, or had it today." in html


def test_no_region_ticked_is_refused(client):
    walk_to(client, 3)
    data = step_data(3, BENIGN)
    del data["pain_regions"]
    html = client.post("/intake/?step=3", data).content.decode()
    assert "Tick at least one place where you feel pain." in html


def test_gated_questions_are_required_only_when_their_gate_is_met(client):
    client.post("/intake/?step=1", step_data(1, BENIGN))
    html = client.post("/intake/?step=2", step_data(2, benign(pregnant="yes"))).content.decode()
    assert 'href="#id_pregnancy_high_risk_0"' in html
    response = client.post(
        "/intake/?step=2", step_data(2, benign(pregnant="no", pregnancy_high_risk="yes"))
    )
    assert response.status_code == 302
    assert client.session["intake_progress"]["answers"]["pregnancy_high_risk"] is None


def test_back_keeps_answers_of_both_steps(client):
    client.post("/intake/?step=1", step_data(1, BENIGN))
    client.post("/intake/?step=2", step_data(2, benign(age_years=41)))
    partial = {"action": "back", "pain_worst_0_10": "6", "pain_tearing": "no"}
    assert client.post("/intake/?step=3", partial)["Location"] == "/intake/?step=2"
    assert 'value="41"' in client.get("/intake/?step=2").content.decode()
    step3 = client.get("/intake/?step=3").content.decode()
    assert 'value="6"' in step3


def test_steps_cannot_be_skipped(client):
    assert "Step 1 of" in client.get("/intake/?step=5").content.decode()


def test_contact_step_checks_email_phone_consent_and_signature(client):
    fill_intake(client, contact={})  # walk to the last step without submitting it
    bad = {
        **CONTACT,
        **human(),
        "action": "next",
        "email": "rosa@",
        "phone": "call me",
        "signature": "R Q",
    }
    del bad["agrees_to_storage"]
    html = client.post(f"/intake/?step={LAST}", bad).content.decode()
    assert "Enter an email address like name@example.com." in html
    assert "Enter a phone number we can call, like (555) 010-0100." in html
    assert "Tick the box to agree that the clinic keeps your answers" in html
    assert "Type your signature exactly as your full name above." in html
    assert 'value="rosa@"' in html
    assert not Intake.objects.exists()


def test_double_submit_creates_one_intake(client):
    fill_intake(client)
    again = client.post(f"/intake/?step={LAST}", {"action": "next", **CONTACT})
    assert again["Location"] == "/intake/result/"
    assert Intake.objects.count() == 1


def test_result_is_found_through_the_session_only(client, django_user_model):
    from django.test import Client

    fill_intake(client)
    stranger = Client()
    assert stranger.get("/intake/result/")["Location"] == "/intake/"
    assert "intake_result" not in stranger.session


def test_result_links_only_published_articles(client):
    from tests.factories import make_article

    make_article(
        "Stretches", slug="at-home-stretches-for-upper-back-knots", published_days_ago=None
    )
    fill_intake(client)
    html = client.get("/intake/result/").content.decode()
    assert "/articles/at-home-stretches-for-upper-back-knots/" not in html


def test_the_preferred_language_starts_as_the_language_of_the_page(client):
    for number in range(1, LAST):
        client.post(f"/es/intake/?step={number}", step_data(number, BENIGN))
    html = client.get(f"/es/intake/?step={LAST}").content.decode()
    assert re.search(r'<input type="radio" name="language" value="es"[^>]* checked', html)
    assert not re.search(r'<input type="radio" name="language" value="en"[^>]* checked', html)


def test_a_spanish_result_links_the_spanish_articles_and_marks_the_english_ones(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_article

    stretches = make_article("Stretches", slug="at-home-stretches-for-upper-back-knots")
    make_article(
        "Estiramientos en casa",
        slug="estiramientos-en-casa",
        language="es",
        translation_of=stretches,
    )
    make_article("What knots are", slug="what-are-upper-back-knots")  # not translated
    fill_intake(client, language_prefix="/es")
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/es/intake/result/").content.decode()
    assert len(queries) <= 5  # session, the intake, the articles and their translations
    assert '<a href="/es/articles/estiramientos-en-casa/">Estiramientos en casa</a>' in html
    assert "/articles/at-home-stretches-for-upper-back-knots/" not in html
    # The untranslated article opens under /es/ (with a notice there) and is marked English.
    assert (
        '<li lang="en"><a href="/es/articles/what-are-upper-back-knots/">What knots are</a>' in html
    )
    # In English, the same result links the English articles.
    english = type(client)()
    fill_intake(english)
    html = english.get("/intake/result/").content.decode()
    assert '<a href="/articles/at-home-stretches-for-upper-back-knots/">Stretches</a>' in html
    assert "estiramientos" not in html


def test_no_answer_in_any_url(client):
    """Every address the form sends the browser to holds a step number and nothing else."""
    for number in range(1, LAST):
        location = client.post(f"/intake/?step={number}", step_data(number, BENIGN))["Location"]
        assert location == f"/intake/?step={number + 1}"
    last = client.post(f"/intake/?step={LAST}", {"action": "next", **human(), **CONTACT})
    assert last["Location"] == "/intake/result/"


def test_too_fast_last_step_is_refused_and_keeps_everything(client):
    fill_intake(client, contact={})
    data = {**CONTACT, "action": "next", "started": stamp(), "website": ""}
    response = client.post(f"/intake/?step={LAST}", data)
    assert response.status_code == 200
    assert "sent faster than we expected from a person" in response.content.decode()
    assert 'value="rosa@example.com"' in response.content.decode()
    assert not Intake.objects.exists()


def test_honeypot_on_the_last_step(client):
    fill_intake(client, contact={})
    data = {**CONTACT, **human(), "action": "next", "website": "http://spam.example"}
    assert "automated message" in client.post(f"/intake/?step={LAST}", data).content.decode()
    assert not Intake.objects.exists()


def test_a_shared_connection_lets_the_next_client_in_but_caps_a_flood(client, settings):
    from django.test import Client

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "intake": (5, 8, 3600)}
    for _ in range(5):
        assert fill_intake(Client()).status_code == 302  # five clients on the clinic's Wi-Fi
    for _ in range(3):
        assert fill_intake(Client()).status_code == 302  # ... and three more, to the cap
    response = fill_intake(client)
    assert response.status_code == 429
    assert 3500 < int(response["Retry-After"]) <= 3600
    assert "Your answers are kept" in response.content.decode()
    assert Intake.objects.count() == 8
    assert client.session["intake_progress"]["answers"]["age_years"] == 35


def test_one_device_is_limited_to_a_few_checks_an_hour(client):
    for _ in range(5):
        assert fill_intake(client).status_code == 302
    response = fill_intake(client)
    assert response.status_code == 429
    assert Intake.objects.count() == 5


def test_the_clinics_own_address_skips_the_address_cap(client, settings):
    from django.test import Client

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "intake": (5, 2, 3600)}
    settings.RATE_LIMIT_ALLOWED_ADDRESSES = ["127.0.0.0/8"]
    for _ in range(4):
        assert fill_intake(Client()).status_code == 302
    assert Intake.objects.count() == 4


def test_two_sends_of_the_same_last_step_racing_create_one_intake(client):
    fill_intake(client, contact={})
    progress = client.session["intake_progress"]
    data = {**CONTACT, **human(), "action": "next"}
    assert client.post(f"/intake/?step={LAST}", data)["Location"] == "/intake/result/"
    session = client.session  # as if the second click arrived before the first finished
    session["intake_progress"] = progress
    session.save()
    assert client.post(f"/intake/?step={LAST}", data)["Location"] == "/intake/result/"
    assert Intake.objects.count() == 1


def test_intake_pages_cost_a_few_queries(client, django_assert_max_num_queries):
    client.get("/")  # a warm site: the clinic's settings are cached
    with django_assert_max_num_queries(3):  # session read and write
        client.get("/intake/")
    with django_assert_max_num_queries(4):
        client.post("/intake/?step=1", step_data(1, BENIGN))
    fill_intake(client)
    with django_assert_max_num_queries(4):  # session, the intake, the linked articles
        assert client.get("/intake/result/").status_code == 200


def test_the_form_and_the_result_speak_spanish(client):
    page = client.get("/es/intake/?step=1").content.decode()
    assert '<html lang="es">' in page
    assert "Paso 1 de 8" in page and "No sé" in page
    response = fill_intake(client, benign(fever="feels_feverish"), language_prefix="/es")
    assert response["Location"] == "/es/intake/result/"
    result = client.get("/es/intake/result/").content.decode()
    assert 'data-triage-level="MEDICAL"' in result
    assert "dentro de 2 días" in result
    assert "today" not in result.split("<main", 1)[1]


def test_a_refused_last_step_keeps_the_full_consent_wording(client):
    fill_intake(client, contact={})
    data = {**CONTACT, **human(), "action": "next"}
    del data["agrees_to_storage"]
    html = client.post(f"/intake/?step={LAST}", data).content.decode()
    assert "I agree that the clinic stores my answers for 7 years" in html
    assert "Agrees to storage" not in html


def test_an_emergency_answer_shows_911_even_when_going_back(client):
    answers = benign(coughing_blood="yes")
    walk_to(client, 4, answers)
    data = step_data(4, benign(pain_with_breathing="yes")) | {"action": "back"}
    response = client.post("/intake/?step=4", data)
    assert response["Location"] == "/intake/result/"
    html = client.get("/intake/result/").content.decode()
    assert 'data-rule="E04_BLOOD_COUGH_WITH_BREATHING_PAIN"' in html


def test_rules_that_only_may_apply_are_said_to_be_uncertain(client):
    from intake.models import Intake as IntakeModel
    from intake.submission import submit

    answers = benign()
    del answers["pain_worst_0_10"]  # e.g. sent by an older form
    intake = submit(
        answers, {"name": "A", "email": "a@example.com", "language": "en", "signature": "A"}
    )
    session = client.session
    session["intake_result"] = {"pk": intake.pk, "at": time.time()}
    session.save()
    html = client.get("/intake/result/").content.decode()
    assert IntakeModel.objects.get().level == "PROFESSIONAL"
    assert "What we could not rule out" in html
    assert 'data-rule="P06_SEVERE_INTENSITY" data-rule-possible' in html
    assert "<h2>Why</h2>" not in html


def test_the_emergency_screen_offers_nothing_but_911(client):
    client.post("/intake/?step=1", step_data(1, benign(stroke_signs_now="yes")))
    html = client.get("/intake/result/").content.decode()
    assert 'href="/book/"' not in html and 'href="/intake/"' not in html
    assert 'href="tel:911"' in html


def test_submitting_gives_the_session_a_new_key(client):
    client.get("/intake/")
    before = client.session.session_key
    fill_intake(client)
    assert client.session.session_key != before
    assert client.get("/intake/result/").status_code == 200
