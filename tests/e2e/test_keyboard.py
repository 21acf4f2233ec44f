"""Keyboard only: a booking and the whole pre-visit check without a mouse, with the focus
visible at every stop.

Keys: Tab, Shift+Tab, Space and Enter, typing in text fields, and the arrow keys inside a
radio group, because a radio group is one Tab stop (Tab enters it, the arrows choose within it,
as every browser does); the arrows are used for nothing else.
"""

import re

import pytest

from clinic.booking.models import BookingRequest, BookingStatus
from intake.steps import LAST, STEPS
from tests.e2e import flows
from tests.e2e.browser import BrowserTab

TAB_LIMIT = 120  # Tab stops on the longest page, with room to spare


class KeyboardUser:
    """Presses keys in a BrowserTab and checks the focus after every one that moves it."""

    def __init__(self, tab: BrowserTab):
        self.tab = tab
        self.page = tab.page
        self.stops = 0
        self.focus: dict | None = None

    def press(self, key: str) -> dict:
        assert key in {"Tab", "Shift+Tab", "Space", "ArrowDown", "ArrowUp"}, key
        self.page.keyboard.press(key)
        self.stops += 1
        self.focus = self.tab.assert_focus_visible()
        assert self.focus["name"] != "website", "the honeypot field took the focus"
        return self.focus

    def tab_to(self, matches, what: str, back: bool = False) -> dict:
        """Tab (or Shift+Tab) until the focused element matches."""
        for _ in range(TAB_LIMIT):
            state = self.press("Shift+Tab" if back else "Tab")
            if matches(state):
                return state
        raise AssertionError(f"{self.tab.path}: Tab never reached {what}")

    def tab_to_control(self, text: str, back: bool = False) -> dict:
        return self.tab_to(lambda s: s["text"] == text, repr(text), back=back)

    def tab_to_field(self, name: str) -> dict:
        return self.tab_to(lambda s: s["name"] == name, f"the field {name!r}")

    def type(self, text: str) -> None:
        assert self.focus and self.focus["tag"] in {"input", "textarea"}, self.focus
        assert self.page.evaluate("document.activeElement.value") == "", "field not empty"
        self.page.keyboard.type(text)

    def choose_radio(self, name: str, value: str) -> None:
        """With the focus in a radio group: Space on the focused radio, or the arrows to
        another one (moving within a group selects, as in every browser)."""
        values = self.page.eval_on_selector_all(
            f"input[type=radio][name='{name}']", "radios => radios.map(r => r.value)"
        )
        here, target = values.index(self.focus["value"]), values.index(value)
        if here == target:
            if not self.focus["checked"]:
                self.press("Space")
        else:
            for _ in range(abs(target - here)):
                self.press("ArrowDown" if target > here else "ArrowUp")
        assert self.page.locator(f"input[name='{name}'][value='{value}']").is_checked()

    def tick_boxes(self, name: str, values: list[str]) -> None:
        """With the focus on the first box of a list: Space on the wanted ones, Tab between."""
        boxes = self.page.locator(f"input[type=checkbox][name='{name}']").count()
        for index in range(boxes):
            assert self.focus["name"] == name
            if (self.focus["value"] in values) != self.focus["checked"]:
                self.press("Space")
            if index < boxes - 1:
                self.press("Tab")
        for value in values:
            assert self.page.locator(f"input[name='{name}'][value='{value}']").is_checked()

    def enter(self) -> None:
        """Enter on the focused link or button, which opens the next page."""
        assert self.focus and self.focus["tag"] in {"a", "button"}, self.focus
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        self.focus = None

    def skip_to_main(self) -> None:
        """The first Tab on a page reaches the skip link; Enter puts the focus on <main>."""
        assert self.press("Tab")["text"] == "Skip to main content"
        self.page.keyboard.press("Enter")
        assert self.page.evaluate("document.activeElement.id") == "main"


def answer_step(keys: KeyboardUser, number: int, answers: dict) -> None:
    for question in STEPS[number - 1].section.questions:
        value = answers.get(question.key)
        if value is None:
            continue
        keys.tab_to_field(question.key)
        if question.kind == "number":
            keys.type(str(value))
        elif question.kind == "regions":
            keys.tick_boxes(question.key, value)
        else:
            keys.choose_radio(question.key, value)


def contact_step(keys: KeyboardUser, who: dict) -> None:
    for name in ("name", "email", "phone"):
        keys.tab_to_field(name)
        keys.type(who[name])
    keys.tab_to_field("language")
    keys.choose_radio("language", who["language"])
    for name in ("understands_screening", "agrees_to_storage"):
        keys.tab_to_field(name)
        keys.press("Space")
        assert keys.page.locator(f"input[name='{name}']").is_checked()
    keys.tab_to_field("signature")
    keys.type(who["name"])


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_keyboard_only(open_browser, deep60, alex, viewport):
    """From the home page: choose a session and a time, answer the whole pre-visit check (with
    a follow-up question that appears on the way), come back and send the request."""
    tab = open_browser(viewport)
    keys = KeyboardUser(tab)
    page = tab.page
    kim = flows.person("Kim Nakamura", "kim@example.com")

    tab.go("/")
    keys.tab_to_control("Book")
    tab.shot("home-focus-on-book")
    keys.enter()

    # /book/: the only session is chosen already; the therapist by the arrows.
    assert tab.path == "/book/"
    keys.skip_to_main()
    keys.tab_to_field("service")
    assert keys.focus["checked"] and keys.focus["value"] == deep60.slug
    keys.tab_to_field("therapist")
    keys.choose_radio("therapist", alex.slug)
    keys.tab_to_control("Show open times")
    tab.shot("book-choose")
    keys.enter()

    # The times: the first open one, then on to the pre-visit check.
    keys.skip_to_main()
    keys.tab_to_field("start")
    keys.choose_radio("start", keys.focus["value"])
    chosen = keys.focus["value"]
    keys.tab_to_control("Continue to the pre-visit check")
    tab.look("book-times", "booking: times before the pre-visit check", mouse=False)
    keys.enter()

    # The check's start page, then the check step by step.
    assert tab.path == "/intake/"
    keys.skip_to_main()
    keys.tab_to_control("Start the check")
    tab.look("intake-start", "intake start page", mouse=False)
    keys.enter()
    for step in STEPS:
        flows.expect_step(tab, step.number)
        keys.skip_to_main()
        if step.section is None:
            # Check your answers: "Change" opens the step with the focus on that question,
            # and saving comes back here.
            # The link's name is "Change" and the question, which is hidden from sight.
            keys.tab_to(
                lambda s: " ".join(s["text"].split()) == "Change How old are you?", "Change"
            )
            keys.enter()
            assert tab.path == "/intake/?step=2&change=1"
            assert tab.page.url.endswith("#id_age_years")
            focus = tab.assert_focus_visible()
            assert focus["name"] == "age_years", focus
            keys.focus = focus
            keys.tab_to_control("Save and go back to your answers")
            keys.enter()
            assert tab.path == f"/intake/?step={LAST}"
            assert tab.page.url.endswith("#check-about_you")
            assert tab.page.evaluate("document.activeElement.id") == "check-about_you"
            flows.expect_step(tab, step.number)
            contact_step(keys, kim)  # on from the group that has the focus
        else:
            answer_step(keys, step.number, flows.PROFESSIONAL)
        if step.key == "injury":
            # The follow-up questions appeared when "minor injury" was chosen.
            assert page.locator("#q-injury_days_ago").is_visible()
        button = "Send my answers" if step.number == LAST else "Next"
        keys.tab_to_control(button)
        if step.number == 1:
            # Back and forth: Shift+Tab returns to the last answer, Tab to the button again.
            assert keys.press("Shift+Tab")["name"] == "leg_or_arm_swelling_one_side"
            keys.tab_to_control(button)
        tab.shot(f"intake-step-{step.number}")
        keys.enter()

    assert tab.path == "/intake/result/"
    level = page.locator("[data-triage-level]").get_attribute("data-triage-level")
    assert level == "PROFESSIONAL"
    assert page.get_by_role("heading", level=1).inner_text() == flows.RESULT_HEADINGS[level]
    tab.look("result-professional", "result PROFESSIONAL", mouse=False)
    keys.tab_to_control("Continue your booking")
    keys.enter()

    # Back on /book/ with the chosen time kept and the details filled in from the intake.
    assert page.locator("input[name='start']").input_value() == chosen
    assert page.get_by_label("Your name").input_value() == kim["name"]
    keys.skip_to_main()
    keys.tab_to_field("note")
    keys.type("Please go gently near the injury.")
    keys.tab_to_control("Send request")
    tab.look("book-details", "booking: details after the pre-visit check", mouse=False)
    keys.enter()

    assert tab.path == "/book/sent/"
    reference = page.locator(".booking-reference").inner_text()
    booking = BookingRequest.objects.get(reference=reference)
    assert booking.status == BookingStatus.REQUESTED
    assert booking.requested_therapist == alex
    assert booking.intake.level == "PROFESSIONAL" and booking.intake.name == kim["name"]
    keys.tab_to_control("See or cancel your request")
    tab.shot("book-sent")
    keys.enter()
    assert re.fullmatch(rf"/book/{reference}/\?token=\S+", tab.path)
    keys.tab_to_control("Cancel my request")
    tab.shot("manage")
    assert keys.stops > 100
