import pytest

from clinic.program import gate, progress
from intake.forms import message_for
from intake.questions import QUESTIONS
from intake.triage import Level
from tests.program.helpers import GATE_CLEAR, GATE_EMERGENCY, GATE_MEDICAL, start_program


@pytest.mark.parametrize(
    ("changes", "level", "rule"),
    [
        ({}, Level.SELF_CARE, None),
        ({"chest_pain_now": "yes"}, Level.EMERGENCY, "E01_CHEST_PAIN_NOW"),
        ({"stroke_signs_now": "not_sure"}, Level.EMERGENCY, "E06_STROKE_SIGNS"),
        ({"fainted_recent": "1_to_7_days"}, Level.MEDICAL, "M07_FAINTED_THIS_WEEK"),
        ({"recent_fracture": "yes"}, Level.MEDICAL, "M25_RECENT_FRACTURE"),
        ({"recent_surgery": "within_6_weeks"}, Level.MEDICAL, "M26_SURGERY_WITHIN_6_WEEKS"),
        ({"osteoporosis": "yes_with_past_fracture"}, Level.MEDICAL, "M24_SEVERE_OSTEOPOROSIS"),
        ({"pregnant": "yes", "pregnancy_high_risk": "no", "pregnancy_warning_signs": "yes"},
         Level.MEDICAL, "M32_PREGNANCY_WARNING_SIGNS"),
        ({"injury_type": "major", "injury_days_ago": "1", "injury_checked_by_doctor": "no"},
         Level.EMERGENCY, "E12_MAJOR_TRAUMA_UNCHECKED_ACUTE"),
        ({"injury_type": "major", "injury_days_ago": "20", "injury_checked_by_doctor": "no"},
         Level.MEDICAL, "M22_MAJOR_INJURY_NOT_CHECKED"),
        # Cautions never stop the program.
        ({"blood_thinner": "yes", "osteoporosis": "yes"}, Level.SELF_CARE, None),
    ],
)  # fmt: skip
def test_the_gate_scores_with_the_intakes_rules(changes, level, rule):
    scored = gate.score_gate({**GATE_CLEAR, **changes})
    assert scored.level == level
    if rule:
        assert rule in scored.rules


def test_questions_the_gate_does_not_ask_never_raise_the_level():
    # assess() alone would say MEDICAL (an incomplete emergency screen) for these answers.
    from intake.triage import assess

    assert assess(GATE_CLEAR).level == Level.MEDICAL
    scored = gate.score_gate(GATE_CLEAR)
    assert scored.level == Level.SELF_CARE and scored.starts


def test_an_unknown_rule_from_an_asked_question_still_counts():
    # Never under-triage: a check-first answer missing (a form that let it through) counts.
    answers = {**GATE_CLEAR}
    del answers["chest_pain_now"]
    assert gate.score_gate(answers).level == Level.MEDICAL


def test_the_gate_page_asks_the_catalogue_questions(client, lessons):
    response = client.get("/program/start/")
    page = response.content.decode()
    for key in gate.GATE_KEYS:
        assert f'name="{key}"' in page
    assert str(QUESTIONS["recent_fracture"].text) in page


def test_missing_answers_are_refused_with_the_catalogues_messages(client, lessons):
    answers = {**GATE_CLEAR}
    del answers["chest_pain_now"], answers["recent_fracture"]
    answers["pregnant"] = "yes"  # opens the pregnancy questions, left unanswered
    response = client.post("/program/start/", answers)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    for key in ("chest_pain_now", "recent_fracture", "pregnancy_high_risk"):
        assert str(message_for(QUESTIONS[key])) in page
    # What was answered is still chosen; nothing is kept in the session.
    assert 'value="not_applicable"' in page and 'name="blood_thinner" value="no"' in page
    assert progress.SESSION_KEY not in client.session


def test_a_clear_gate_starts_the_program_keeping_only_the_level(client, lessons):
    page = start_program(client).content.decode()
    assert "You can start the program" in page
    assert lessons[0].get_absolute_url() in page
    stored = client.session[progress.SESSION_KEY]
    assert stored["gate"] == "SELF_CARE" and stored["started_at"]
    assert set(stored) == {"gate", "started_at", "done"}  # no answer is kept


def test_a_caution_is_named_when_the_program_starts(client, lessons):
    page = start_program(client, {**GATE_CLEAR, "blood_thinner": "yes"}).content.decode()
    assert "Because you take a blood thinner" in page
    assert "blood_thinner" not in str(dict(client.session))


def test_an_emergency_answer_shows_the_911_screen(client, lessons):
    response = client.post("/program/start/", GATE_EMERGENCY)
    page = response.content.decode()
    assert "Call 911 now" in page and 'href="tel:911"' in page
    assert 'data-rule="E01_CHEST_PAIN_NOW"' in page
    assert client.session[progress.SESSION_KEY] == {"gate": "EMERGENCY"}
    # Coming back later still says 911 (from the level alone).
    assert "Call 911 now" in client.get("/program/start/").content.decode()


def test_see_a_doctor_first_does_not_start_the_program(client, lessons):
    page = client.post("/program/start/", GATE_MEDICAL).content.decode()
    assert "Please see a doctor before you start" in page
    assert 'data-rule="M25_RECENT_FRACTURE"' in page
    assert "Get the program by email for later" in page
    assert client.session[progress.SESSION_KEY] == {"gate": "MEDICAL"}
    # The lessons can be read, but nothing can be marked done.
    lesson = client.get(lessons[0].get_absolute_url()).content.decode()
    assert "see a doctor before starting" in lesson and "Mark as done" not in lesson
    response = client.post(f"{lessons[0].get_absolute_url()}done/")
    assert response.status_code == 302 and response["Location"] == "/program/start/"


def test_a_wrong_answer_can_be_changed(client, lessons):
    client.post("/program/start/", GATE_EMERGENCY)
    page = client.get("/program/start/?again=1").content.decode()
    assert "Before you start" in page
    assert "You can start the program" in start_program(client).content.decode()


def test_a_new_warning_sign_when_taken_again_pauses_the_program(client, lessons):
    start_program(client)
    client.post(f"{lessons[0].get_absolute_url()}done/")
    client.post("/program/start/", GATE_MEDICAL)
    page = client.get(lessons[1].get_absolute_url()).content.decode()
    assert "Mark as done" not in page
    assert client.post(f"{lessons[1].get_absolute_url()}done/")["Location"] == "/program/start/"
    assert client.get("/program/check-in/2/")["Location"] == "/program/start/"
