"""The result page per triage revision 2: what to do next at each level, the 'not sure' note,
the emergency screen's way back, and the wording each intake keeps."""

import re
import time

import pytest
from django.db import IntegrityError, transaction

from intake.models import Intake
from tests.intake.answers import BENIGN, benign
from tests.intake.helpers import fill_intake, step_data

pytestmark = pytest.mark.django_db


def result_html(client) -> str:
    return client.get("/intake/result/").content.decode()


def main_action(html: str) -> str:
    """The first button on the page: what the page leads with."""
    return re.search(r'<a class="btn btn-[a-z-]+[^"]*" href="([^"]+)"', html).group(1)


def test_emergency_leads_with_a_call_911_button_and_no_booking(client):
    client.post("/intake/?step=1", step_data(1, benign(chest_pain_now="yes")))
    html = result_html(client)
    assert 'data-triage-level="EMERGENCY"' in html
    assert main_action(html) == "tel:911"
    assert "Do not drive yourself; if someone is with you, ask them to call." in html
    assert "/book/" not in html


def test_a_wrong_emergency_answer_leads_back_to_step_one_with_the_answers_kept(client):
    client.post("/intake/?step=1", step_data(1, benign(chest_pain_now="yes")))
    html = result_html(client)
    assert "I chose a wrong answer" in html
    response = client.post("/intake/?step=1", {"action": "reconsider"})
    assert response["Location"] == "/intake/?step=1"
    step_one = client.get("/intake/?step=1").content.decode()
    assert re.search(r'name="breathless_now"[^>]*value="no"[^>]*checked', step_one)
    assert re.search(r'name="chest_pain_now"[^>]*value="yes"[^>]*checked', step_one)
    # Corrected, the check goes on; /book/ no longer says 911.
    client.post("/intake/?step=1", step_data(1, BENIGN))
    assert "Call 911 now" not in client.get("/book/").content.decode()


def test_medical_leads_with_the_doctor_and_booking_waits(client):
    fill_intake(client, benign(fever="feels_feverish"))
    html = result_html(client)
    assert 'data-triage-level="MEDICAL"' in html
    assert "your own doctor, or an urgent care clinic" in html
    assert "do not stretch, exercise or self-massage the painful area" in html
    # Booking is there, but second, and says it waits.
    main = html.split("<main", 1)[1]  # the site's header has a Book button of its own
    assert 'class="btn btn-primary"' not in main.split("Reading that may help")[0]
    assert "Send a request that waits for clearance" in html
    assert html.index("your own doctor") < html.index("Send a request that waits")


def test_medical_links_no_exercise_article(client):
    from intake import articles

    fill_intake(client, benign(fever="feels_feverish"))
    intake = Intake.objects.get()
    slugs = articles.slugs_for(intake.level, intake.fired, intake.cautions)
    assert "at-home-stretches-for-upper-back-knots" not in slugs
    assert "muscle-balance-strengthen-back-open-front" not in slugs


@pytest.mark.parametrize(
    ("answers", "level"),
    [(BENIGN, "SELF_CARE"), (benign(pain_start_days_ago=20, pain_trend="same"), "PROFESSIONAL")],
)
def test_self_care_and_professional_say_when_to_check_again(client, answers, level):
    fill_intake(client, answers)
    html = result_html(client)
    assert f'data-triage-level="{level}"' in html
    assert "If it is not clearly better in 2 weeks, gets worse, or something new appears" in html
    assert 'href="/intake/">Start a new check</a>' in html
    assert "Your answers were sent to the clinic." in html


def test_each_level_shows_its_icon_and_words(client):
    fill_intake(client, benign(fever="feels_feverish"))
    html = result_html(client)
    assert re.search(r'level-badge level-MEDICAL"><svg class="level-icon"[^>]*aria-hidden', html)
    assert "See a doctor first" in html


def test_a_rule_fired_through_not_sure_says_so(client):
    fill_intake(client, benign(skin_infection_signs="not_sure"))
    html = result_html(client)
    intake = Intake.objects.get()
    [unsure] = [item for item in intake.shown_wording["explained"] if item["not_sure"]]
    item = re.search(rf'<li data-rule="{unsure["id"]}">(.*?)</li>', html, re.S).group(1)
    assert "not sure" in item and "so we took the careful reading." in item


def test_an_intake_keeps_the_wording_it_was_shown(client):
    fill_intake(client, benign(fever="feels_feverish"))
    intake = Intake.objects.get()
    assert intake.shown_wording["language"] == "en"
    assert intake.shown_wording["time_frame"] == "within 2 days"
    [fever] = intake.shown_wording["explained"]
    assert fever["id"] == "M12_FEVER" and "within 2 days" in fever["text"]
    with pytest.raises(IntegrityError, match="cannot be changed"), transaction.atomic():
        Intake.objects.filter(pk=intake.pk).update(shown_wording={})


def test_an_intake_of_older_rules_reads_as_the_client_saw_it(client, therapist_client):
    fill_intake(client, benign(fever="feels_feverish"))
    intake = Intake.objects.get()
    [fever] = intake.shown_wording["explained"]
    old = Intake.objects.get(pk=intake.pk)
    old.pk = None
    old.rules_version = "2026.11-1"
    old.shown_wording = {**intake.shown_wording, "explained": [{**fever, "text": "Old words."}]}
    old.save()
    session = client.session
    session["intake_result"] = {"pk": old.pk, "at": time.time()}
    session.save()
    html = result_html(client)
    assert '<li data-rule="M12_FEVER">Old words.' in html
    # In the back office, the therapist reads the same words.
    review = therapist_client.get(f"/admin/intake/intake/{old.pk}/change/").content.decode()
    assert "What the client was told" in review and "Old words." in review
