"""Step 1's 911 panel: with JavaScript, an emergency answer shows 'Call 911' beside its question
at once; without it, nothing changes and Next leads to the emergency screen."""

import re

import pytest
from django.conf import settings as django_settings

from tests.e2e import browser as tabs
from tests.e2e import flows

VIEWPORTS = ["phone", "desktop"]


@pytest.fixture
def open_without_javascript(browser, site):
    """A phone-sized browser context with JavaScript switched off (as open_browser builds its
    contexts otherwise), with the same checks on the way."""
    opened: list[tabs.BrowserTab] = []

    def opener() -> tabs.BrowserTab:
        size = tabs.VIEWPORTS["phone"]
        context = browser.new_context(
            base_url=site,
            viewport={"width": size["width"], "height": size["height"]},
            is_mobile=size["mobile"],
            has_touch=size["mobile"],
            device_scale_factor=size["scale"],
            locale="en-US",
            timezone_id=django_settings.TIME_ZONE,
            reduced_motion="reduce",
            java_script_enabled=False,
        )
        context.set_default_timeout(10_000)
        folder = tabs.SCREENSHOTS / "emergency_panel_without_javascript"
        for old in folder.glob("phone-no-js-[0-9]*.png"):
            old.unlink()
        tab = tabs.BrowserTab(context, site, folder, "phone-no-js")
        opened.append(tab)
        return tab

    yield opener

    problems = []
    for tab in opened:
        problems += tab.problems()
        tab.close()
    assert not problems, "The browser saw problems:\n" + "\n".join(problems)


def choose(tab, key: str, value: str) -> None:
    tab.page.locator(f"input[name='{key}'][value='{value}']").check()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_emergency_panel(open_browser, viewport):
    """'Yes' to chest pain shows the 911 panel beside the question, on the page as it is, read
    out by a screen reader; Next then leads to the emergency screen."""
    tab = open_browser(viewport)
    page = tab.page
    tab.go("/intake/?step=1")
    flows.expect_step(tab, 1)
    assert page.locator(".emergency-panel:visible").count() == 0

    choose(tab, "chest_pain_now", "yes")
    panel = flows.emergency_panel(tab, "chest_pain_now")
    assert panel.is_visible()
    assert tab.path == "/intake/?step=1"  # no navigation
    # Beside the question: just under its answers, on screen without scrolling on.
    answers = page.locator("#q-chest_pain_now fieldset").bounding_box()
    box = panel.bounding_box()
    viewport_height = tabs.VIEWPORTS[viewport]["height"]
    scrolled = page.evaluate("scrollY")
    assert 0 <= box["y"] - (answers["y"] + answers["height"]) <= 40
    assert box["y"] + scrolled >= 0 and box["y"] < viewport_height
    call = panel.get_by_role("link", name="Call 911")
    assert call.get_attribute("href") == "tel:911"
    assert "btn-call-911" in call.get_attribute("class")
    assert call.bounding_box()["height"] >= 48
    assert call.bounding_box()["y"] + call.bounding_box()["height"] <= viewport_height
    text = " ".join(panel.inner_text().split())
    assert "Do not drive yourself; if someone is with you, ask them to call." in text
    assert "Next takes you straight to the emergency screen" in text
    assert panel.locator("xpath=..").get_attribute("aria-live") == "polite"
    # Only this question's panel, and the way on is still there.
    assert page.locator(".emergency-panel:visible").count() == 1
    assert page.get_by_role("button", name="Next", exact=True).is_visible()
    tab.look("intake-step-1-emergency-panel", "intake step 1 with the 911 panel open")

    # Another answer takes it away; 'not sure' brings it back (it is read as yes).
    choose(tab, "chest_pain_now", "no")
    assert panel.is_hidden()
    choose(tab, "chest_pain_now", "not_sure")
    assert panel.is_visible()
    # Fainting: only "in the last 24 hours" is an emergency.
    fainted = flows.emergency_panel(tab, "fainted_recent")
    choose(tab, "fainted_recent", "1_to_7_days")
    assert fainted.is_hidden()
    choose(tab, "fainted_recent", "last_24h")
    assert fainted.is_visible()
    # A question that is no emergency on its own has no panel.
    choose(tab, "coughing_blood", "yes")
    assert page.locator("#q-coughing_blood .emergency-panel").count() == 0
    assert page.locator(".emergency-panel:visible").count() == 2

    # Next, with the other questions unanswered: the emergency screen.
    choose(tab, "chest_pain_now", "yes")
    tab.submit("Next")
    assert tab.path == "/intake/result/"
    assert page.locator("[data-triage-level]").get_attribute("data-triage-level") == "EMERGENCY"
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == flows.RESULT_HEADINGS["EMERGENCY"]


def test_emergency_panel_without_javascript(open_without_javascript):
    """Without JavaScript the panel stays hidden and Next leads to the emergency screen."""
    tab = open_without_javascript()
    page = tab.page
    tab.go("/intake/")
    flows.start_check(tab)  # a plain link: no script needed
    flows.expect_step(tab, 1)
    flows.answer_step(tab, 1, {**flows.SELF_CARE, **flows.CHEST_PAIN_NOW})
    assert flows.emergency_panel(tab, "chest_pain_now").is_hidden()
    assert page.locator(".emergency-panel:visible").count() == 0
    tab.shot("intake-step-1-emergency-answer")
    tab.submit("Next")
    assert tab.path == "/intake/result/"
    assert page.locator("[data-triage-level]").get_attribute("data-triage-level") == "EMERGENCY"
    call = page.locator("main a.btn").first
    assert call.get_attribute("href") == "tel:911"
    assert re.search(r"Call 911", call.inner_text())
    tab.shot("result-emergency")
