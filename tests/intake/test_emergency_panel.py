"""Step 1's 911 panels: beside each question whose answer alone means an emergency, a hidden
panel that intake.js shows the moment that answer is chosen. The server's own answer (Next
leads to the emergency screen) is the same with or without it."""

from html.parser import HTMLParser

import pytest

from intake import questions, steps
from tests.intake.answers import benign
from tests.intake.helpers import step_data

pytestmark = pytest.mark.django_db

# The spec's EMERGENCY rules whose condition is one section-A answer (E01-E03, E06-E09):
# 'yes' and 'not sure' (read as yes) fire them, and for fainting only "in the last 24 hours".
YES_OR_NOT_SURE = ["yes", "not_sure"]
EXPECTED = {
    "chest_pain_now": YES_OR_NOT_SURE,
    "pain_with_sweat_nausea_faint": YES_OR_NOT_SURE,
    "breathless_now": YES_OR_NOT_SURE,
    "stroke_signs_now": YES_OR_NOT_SURE,
    "thunderclap_headache": YES_OR_NOT_SURE,
    "fainted_recent": ["last_24h"],
    "legs_bladder_now": YES_OR_NOT_SURE,
}
# Coughing blood and a swollen leg are emergencies only with an answer asked later (E04, E13).
NO_PANEL = {"coughing_blood", "leg_or_arm_swelling_one_side"}


class Panels(HTMLParser):
    """Each panel: the question block it sits in, its attributes and its text and links."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, dict]] = []
        self.panels: dict[str, dict] = {}
        self.current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "data-emergency-for" in attributes:
            blocks = [a["id"] for _t, a in self.stack if (a.get("id") or "").startswith("q-")]
            live = [a.get("aria-live") for _t, a in self.stack if a.get("aria-live")]
            self.current = {
                "attrs": attributes,
                "block": blocks[-1] if blocks else None,
                "live": live[-1] if live else None,
                "text": "",
                "links": [],
                "depth": len(self.stack),
            }
            self.panels[attributes["data-emergency-for"]] = self.current
        elif self.current is not None and tag == "a":
            self.current["links"].append(attributes)
        if tag not in ("input", "br", "img", "meta", "link", "path", "circle", "rect"):
            self.stack.append((tag, attributes))

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1][0] == tag:
            self.stack.pop()
        if self.current is not None and len(self.stack) == self.current["depth"]:
            self.current = None

    def handle_data(self, data):
        if self.current is not None:
            self.current["text"] += data


def panels_of(html: str) -> dict[str, dict]:
    parser = Panels()
    parser.feed(html)
    return parser.panels


def test_step_one_has_a_hidden_panel_for_each_emergency_question_only(client):
    html = client.get("/intake/?step=1").content.decode()
    panels = panels_of(html)
    assert set(panels) == set(EXPECTED)
    for key, values in EXPECTED.items():
        panel = panels[key]
        assert panel["attrs"]["data-emergency-values"].split() == values, key
        assert "hidden" in panel["attrs"], f"{key}: shown before any answer"
        assert panel["block"] == f"q-{key}", f"{key}: not inside its question's block"
        assert panel["live"] == "polite", f"{key}: not in a live region"
        assert [link["href"] for link in panel["links"]] == ["tel:911"]
        assert "btn-call-911" in panel["links"][0]["class"]
        text = " ".join(panel["text"].split())
        assert "Call 911" in text
        assert "Do not drive yourself; if someone is with you, ask them to call." in text
        assert "Next takes you straight to the emergency screen" in text
    keys = {q.key for q in questions.CHECK_FIRST.questions}
    assert keys >= NO_PANEL and keys == set(EXPECTED) | NO_PANEL
    # The panels hide nothing of the way without JavaScript: the form and its Next button.
    assert '<form method="post" action="?step=1"' in html
    assert 'name="action" value="next"' in html


def test_the_trigger_values_come_from_the_rules():
    assert {key: list(values) for key, values in steps.STEPS[0].emergency_answers.items()} == (
        EXPECTED
    )
    assert all(step.emergency_answers == {} for step in steps.STEPS[1:])


@pytest.mark.parametrize(
    "key, value",
    [(q.key, value) for q in questions.CHECK_FIRST.questions for value, _label in q.choices],
)
def test_a_panel_answer_is_exactly_one_that_next_turns_into_the_emergency_screen(
    client, key, value
):
    """Without JavaScript, Next decides: the panel's answers, and only those, lead to 911."""
    response = client.post("/intake/?step=1", step_data(1, benign(**{key: value})))
    to_emergency = response["Location"] == "/intake/result/"
    assert to_emergency == (value in EXPECTED.get(key, [])), (key, value, response["Location"])


def test_later_steps_have_no_panel(client):
    client.post("/intake/?step=1", step_data(1, benign()))
    html = client.get("/intake/?step=2").content.decode()
    assert "Step 2 of" in html and panels_of(html) == {}


def test_the_panel_speaks_spanish(client):
    html = client.get("/es/intake/?step=1").content.decode()
    text = " ".join(panels_of(html)["chest_pain_now"]["text"].split())
    assert "Llame al 911" in text
    assert "No maneje usted; si alguien está con usted, pídale que llame." in text
    assert "El botón Siguiente le lleva directamente a la pantalla de emergencia" in text
