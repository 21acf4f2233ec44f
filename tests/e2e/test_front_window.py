"""The clinic's front window: the pages a clinic shows the world, photographed on a phone
(390 x 844) and a desktop (1280 x 800) into test-artifacts/screenshots/front_window/, each
checked by axe-core. The journeys that reach these pages by clicking are elsewhere
(test_client_journeys, test_time_picker, test_result_levels); here each page is reached
directly, so the set stays complete even when a journey changes."""

import time

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore

from education import demo as education_demo
from intake.session import RESULT_KEY
from tests.e2e import flows
from tests.factories import make_submitted_intake

# Answers that reach each level through the real triage (on top of a calm desk worker's).
LEVEL_ANSWERS = {
    "EMERGENCY": {"chest_pain_now": "yes"},
    "MEDICAL": {"recent_fracture": "yes"},
    "PROFESSIONAL": {"episodes_past_12_months": 3},
    "SELF_CARE": {},
}


EAGER = (
    "document.querySelectorAll('img[loading=lazy]').forEach((img) => { img.loading = 'eager'; })"
)
ALL_LOADED = "() => Array.from(document.images).every((img) => img.complete && img.naturalWidth)"


def show_result_of(tab, intake) -> None:
    """Put `intake` in this browser's session as the check leaves it after sending."""
    cookies = [c for c in tab.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    session = SessionStore(session_key=cookies[0]["value"] if cookies else None)
    session[RESULT_KEY] = {"pk": intake.pk, "at": time.time()}
    session.save()
    if not cookies:
        tab.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session.session_key,
                    "url": tab.base_url,
                }
            ]
        )


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_front_window(open_browser, deep60, alex, sam, viewport):
    education_demo.seed()
    tab = open_browser(viewport)
    page = tab.page
    width = page.viewport_size["width"]

    def photograph(path: str, name: str) -> None:
        tab.go(path)
        # A full-page photograph shows the drawings below the fold too: load them now.
        page.evaluate(EAGER)
        for _attempt in range(50):
            if page.evaluate(ALL_LOADED):
                break
            page.wait_for_timeout(100)
        else:
            raise AssertionError(f"{path}: a drawing did not load")
        tab.look(name, f"{name} ({viewport})")
        # Nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= width

    photograph("/", "home")
    assert page.get_by_role("link", name="Book a deep tissue session").is_visible()
    photograph("/articles/", "articles")
    photograph("/articles/at-home-stretches-for-upper-back-knots/", "article")
    photograph("/services/", "services")
    photograph("/therapists/", "therapists")
    photograph("/visit/", "first-visit")
    photograph("/intake/", "check-start")
    photograph("/intake/?step=1", "check-step")
    flows.expect_step(tab, 1)

    for level, answers in LEVEL_ANSWERS.items():
        intake = make_submitted_intake(email=f"{level.lower()}@example.com", **answers)
        assert intake.level == level
        show_result_of(tab, intake)
        photograph("/intake/result/", f"result-{level.lower().replace('_', '-')}")
        assert page.locator(f"section.result-{level}").count() == 1

    photograph("/book/", "book-choose")
    photograph("/book/?service=deep-tissue-60&therapist=alex", "book-times")
    assert page.locator("label.time-chip").count() > 0
