"""The check's own pages around the questions: the start page, the check-your-answers page and
its Change links, the messages written for each question, and the body map's places."""

import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from intake import steps
from intake.forms import ANSWER_NEEDED, NUMBER_NEEDED, REGION_ORDER, SectionForm
from intake.models import Intake
from intake.questions import BODY_REGIONS, QUESTIONS, SECTIONS
from tests.intake.answers import BENIGN, benign
from tests.intake.helpers import CONTACT, human, step_data

pytestmark = pytest.mark.django_db


def walk_all(client, answers=BENIGN):
    for number in range(1, steps.LAST):
        response = client.post(f"/intake/?step={number}", step_data(number, answers))
        assert response.status_code == 302, number


# --- the start page -------------------------------------------------------------------------------


def test_the_start_page_says_what_the_check_is_how_long_it_takes_and_what_it_asks(client):
    response = client.get("/intake/")
    html = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "<h1>The pre-visit check</h1>" in html
    assert f"{steps.LAST} steps, about {steps.MINUTES} minutes." in html
    assert f"Up to {len(QUESTIONS)} questions, most of them answered Yes, No or Not sure." in html
    assert "What it asks" in html and "What happens to your answers" in html
    assert "call 911" in html
    # One way on, to the first step; no question is asked here.
    assert html.count('class="btn btn-primary btn-lg"') == 1
    assert re.search(
        r'<a class="btn btn-primary btn-lg" href="/intake/\?step=1">Start the check', html
    )
    assert 'name="chest_pain_now"' not in html


def test_a_check_under_way_is_continued_from_the_start_page(client):
    client.post("/intake/?step=1", step_data(1, BENIGN))
    client.post("/intake/?step=2", step_data(2, BENIGN))
    html = client.get("/intake/").content.decode()
    assert 'href="/intake/?step=3">Continue the check' in html
    assert "Start the check" not in html


def test_the_promised_length_matches_the_catalogue():
    """MINUTES stays honest when questions change: reading every question, its list and its
    answers at 200 words a minute, two seconds an answer, a minute for the contact details and
    a minute to check the answers."""
    with translation.override("en"):
        words = sum(
            len(str(text).split())
            for section in SECTIONS
            for q in section.questions
            for text in (q.text, q.hint, *q.bullets, *(label for _, label in q.choices))
        )
    seconds = words / 200 * 60 + len(QUESTIONS) * 2 + 60 + 60
    assert abs(seconds / 60 - steps.MINUTES) <= 2, seconds / 60


# --- progress -------------------------------------------------------------------------------------


def test_progress_is_a_short_line_and_a_bar_not_a_list_of_names(client):
    html = client.get("/intake/?step=1").content.decode()
    assert f'<p class="step-count">Step 1 of {steps.LAST}</p>' in html
    bar = html.split('<ol class="step-bar" aria-hidden="true">')[1].split("</ol>")[0]
    assert bar.count("<li") == steps.LAST and bar.count('class="current"') == 1
    assert "More about your pain" not in html  # no other step's name on the page


# --- check your answers ---------------------------------------------------------------------------


def test_the_last_step_lists_every_answer_by_step_with_a_change_link(client):
    walk_all(client, benign(pain_worst_0_10=8))
    html = client.get(f"/intake/?step={steps.LAST}").content.decode()
    assert "<h1>Check your answers and send</h1>" in html
    for step in steps.STEPS[:-1]:
        assert f'id="check-{step.key}"' in html
        assert f'<h3 id="check-{step.key}-title">{step.title}</h3>' in html
    shown = [q for q in QUESTIONS.values() if q.is_shown(BENIGN)]
    assert html.count('class="answer-row"') == len(shown)
    for question in shown:
        number = next(
            s.number for s in steps.STEPS if s.section and question in s.section.questions
        )
        first = "" if question.kind == "number" else "_0"
        assert f'href="?step={number}&amp;change=1#id_{question.key}{first}"' in html
    # Follow-up questions that were not asked are not listed.
    assert "#id_pregnancy_high_risk" not in html and "#id_injury_days_ago" not in html
    # The answers in the client's words, and each link named for its question.
    assert '<dd class="answer-value">8</dd>' in html
    assert '<dd class="answer-value">Between the shoulder blades, Left shoulder blade' not in html
    assert 'Change<span class="visually-hidden"> How old are you?</span>' in html
    # Then the details, the consent and the send button.
    assert html.index("check-health_history") < html.index('name="name"')
    assert html.index('name="signature"') < html.index("Send my answers")


def test_change_leads_to_the_step_and_back_to_the_answers(client):
    walk_all(client)
    page = client.get("/intake/?step=2&change=1").content.decode()
    assert 'action="?step=2&amp;change=1"' in page
    assert "Save and go back to your answers" in page
    assert 'value="back"' not in page
    response = client.post("/intake/?step=2&change=1", step_data(2, benign(age_years=52)))
    assert response["Location"] == f"/intake/?step={steps.LAST}#check-about_you"
    html = client.get(f"/intake/?step={steps.LAST}").content.decode()
    assert '<dd class="answer-value">52</dd>' in html
    assert client.session["intake_progress"]["reached"] == steps.LAST - 1


def test_a_change_with_a_mistake_stays_on_the_step_with_what_was_typed(client):
    walk_all(client)
    response = client.post("/intake/?step=2&change=1", step_data(2, benign(age_years="fifty")))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter your age in whole years, for example 42." in html
    assert 'value="fifty"' in html and 'action="?step=2&amp;change=1"' in html
    assert client.session["intake_progress"]["answers"]["age_years"] == BENIGN["age_years"]


def test_change_means_nothing_before_every_step_is_answered(client):
    client.post("/intake/?step=1", step_data(1, BENIGN))
    response = client.post("/intake/?step=2&change=1", step_data(2, BENIGN))
    assert response["Location"] == "/intake/?step=3"


def test_a_change_to_an_emergency_answer_still_shows_911(client):
    walk_all(client)
    response = client.post("/intake/?step=1&change=1", step_data(1, benign(chest_pain_now="yes")))
    assert response["Location"] == "/intake/result/"
    assert 'data-triage-level="EMERGENCY"' in client.get("/intake/result/").content.decode()


def test_sending_from_the_answers_page_stores_the_changed_answers(client):
    walk_all(client)
    client.post("/intake/?step=3&change=1", step_data(3, benign(pain_worst_0_10=8)))
    client.post(f"/intake/?step={steps.LAST}", {"action": "next", **human(), **CONTACT})
    assert Intake.objects.get().answers["pain_worst_0_10"] == 8


# --- messages -------------------------------------------------------------------------------------


def test_every_question_has_a_message_of_its_own():
    for key, question in QUESTIONS.items():
        if question.kind == "number":
            assert key in NUMBER_NEEDED, key
        else:
            assert key in ANSWER_NEEDED, key
    messages = [str(m) for m in ANSWER_NEEDED.values()]
    messages += [str(m) for pair in NUMBER_NEEDED.values() for m in pair]
    assert len({str(m) for m in ANSWER_NEEDED.values()}) == len(ANSWER_NEEDED)
    for message in messages:
        # A sentence that says what to do, not a label's echo.
        assert message[0].isupper() and message.endswith("."), message
        assert not message.startswith("Please"), message


def test_the_summary_reads_as_sentences_under_one_heading(client):
    client.post("/intake/?step=1", step_data(1, BENIGN))
    html = client.post("/intake/?step=2", {"action": "next", "age_years": "4o"}).content.decode()
    summary = html.split('id="error-summary"')[1].split("</div>")[0]
    assert (
        '<h2 id="error-summary-title" class="error-summary-title">There is a problem</h2>'
        in summary
    )
    assert '<a href="#id_age_years">Enter your age in whole years, for example 42.</a>' in summary
    assert "How old are you?" not in summary
    assert "Say whether you are pregnant" in summary


def test_the_summary_template_ignores_a_page_title_and_keeps_the_heading_level():
    form = SectionForm(SECTIONS[1], data={})
    form.is_valid()
    html = render_to_string(
        "includes/error_summary.html", {"form": form, "title": "Other words", "level": 3}
    )
    assert (
        '<h3 id="error-summary-title" class="error-summary-title">There is a problem</h3>' in html
    )
    assert "Other words" not in html


# --- the body map ---------------------------------------------------------------------------------


def test_the_body_map_lists_between_the_shoulder_blades_first_and_sides_as_the_clients(client):
    walk_all_but = (1, 2)
    for number in walk_all_but:
        client.post(f"/intake/?step={number}", step_data(number, BENIGN))
    html = client.get("/intake/?step=3").content.decode()
    boxes = re.findall(r'name="pain_regions" value="([a-z_]+)"', html)
    assert boxes[0] == "between_shoulder_blades"
    assert boxes == list(REGION_ORDER) and set(boxes) == {key for key, _ in BODY_REGIONS}
    assert "Top of left shoulder (your left)" in html
    assert "Right hand (your right)" in html
    assert "Back, seen from behind" in html
    assert "your left side is on the left (L)" in html


def test_every_place_but_somewhere_else_is_drawn_large_enough():
    """Each place on the map is at least 28 units each way in a 300-unit-wide drawing (24 CSS
    px or more once the drawing is 260 px wide; the browser test measures it at 320 px)."""
    svg = Path("templates/intake/body_map.svg").read_text()
    assert 'viewBox="0 0 300 330"' in svg
    drawn = set(re.findall(r'data-region="([a-z_]+)"', svg))
    assert drawn == {key for key, _ in BODY_REGIONS} - {"other"}
    for width, height in re.findall(r'<rect[^>]*width="(\d+)" height="(\d+)"', svg):
        assert int(width) >= 28 and int(height) >= 28
    for rx, ry in re.findall(r'rx="(\d+)" ry="(\d+)"', svg):
        assert int(rx) * 2 >= 28 and int(ry) * 2 >= 28
