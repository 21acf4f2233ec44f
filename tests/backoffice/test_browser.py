"""The working day's pages in a real browser (marked e2e): signed in with both factors, the
therapist lands on Today, opens the calendar by day and by week, on a phone, a tablet and a
desktop; axe-core checks each page (WCAG 2.2 A and AA), and the browser must see no CSP
refusal, script error or request to another host.

Playwright's sync API runs one instance per thread, and tests/e2e keeps one open in the main
thread for the whole session, so this journey drives its own Chromium from a thread of its own.
"""

import datetime as dt
import os
import threading

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import sync_playwright

from clinic.booking.models import BookingStatus, TimeOff
from clinic.core.models import ClinicSettings
from tests.backoffice.helpers import at, profile_for, today
from tests.e2e import browser as tabs
from tests.e2e import flows
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, staff_therapist  # noqa: F401
from tests.factories import make_article, make_booking, make_intake, make_question

pytestmark = pytest.mark.e2e


@pytest.fixture
def site(settings, live_server):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"No Chromium at {CHROMIUM}: apt-get install chromium (see .ci/run).")
    settings.SITE_URL = live_server.url
    ClinicSettings.load()
    return live_server.url


def walk(site: str, viewport: str) -> list[str]:
    """The journey, in this thread's own Playwright; returns what the browser saw wrong."""
    size = tabs.VIEWPORTS[viewport]
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = chromium.new_context(
            base_url=site,
            viewport={"width": size["width"], "height": size["height"]},
            is_mobile=size["mobile"],
            has_touch=size["mobile"],
            device_scale_factor=size["scale"],
            locale="en-US",
            timezone_id=django_settings.TIME_ZONE,
            reduced_motion="reduce",
        )
        context.set_default_timeout(10_000)
        tab = tabs.BrowserTab(context, site, tabs.SCREENSHOTS / "working_day", viewport)
        try:
            flows.sign_in(tab)
            assert "Ana Client" in tab.page.locator("main").inner_text()
            tab.look("today", "admin: today")
            tab.follow("Calendar")
            assert "Pending: Requested" in tab.page.locator("main").inner_text()
            tab.look("calendar-day", "admin: calendar, one therapist's day")
            tab.follow("Week")
            tab.look("calendar-week", "admin: calendar, one therapist's week")
            tab.page.get_by_label("Therapist").select_option("all")
            tab.submit("Show")
            tab.follow("Day")
            tab.look("calendar-all", "admin: calendar, everyone's day")
            if viewport == "desktop":  # and a tablet in landscape
                tab.page.set_viewport_size({"width": 1024, "height": 768})
                tab.follow("Week")
                tab.look("calendar-week-tablet", "admin: calendar, everyone's week, tablet")
                tab.follow("Today")
                tab.look("today-tablet", "admin: today on a tablet")
            return tab.problems()
        finally:
            tab.close()
            chromium.close()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_the_working_day(site, staff_therapist, alex, deep60, viewport):  # noqa: F811
    tess = profile_for(staff_therapist)
    day = today()
    make_booking(
        BookingStatus.CONFIRMED,
        service=deep60,
        therapist=tess,
        start=at(day, 10),
        client_name="Ana Client",
        intake=make_intake("MEDICAL", review_status="cleared", reviewer=staff_therapist),
    )
    make_booking(
        BookingStatus.REQUESTED,
        service=deep60,
        therapist=tess,
        start=at(day, 13),
        client_name="Bea Pending",
    )
    make_booking(
        BookingStatus.CONFIRMED,
        service=deep60,
        therapist=alex,
        start=at(day, 11),
        client_name="Cai Other",
    )
    TimeOff.objects.create(therapist=tess, start=at(day, 15), end=at(day, 16), note="Dentist")
    make_booking(
        BookingStatus.CONFIRMED,
        service=deep60,
        therapist=tess,
        start=at(day + dt.timedelta(days=1), 9),
        client_name="Dee Tomorrow",
    )
    make_question(make_article("Stretching after a session"))

    outcome: dict = {}

    def run():
        try:
            outcome["problems"] = walk(site, viewport)
        except BaseException as error:  # raised again in the test's own thread
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=180)
    assert not thread.is_alive(), "the browser journey did not finish in 3 minutes"
    if "error" in outcome:
        raise outcome["error"]
    assert not outcome["problems"], "The browser saw problems:\n" + "\n".join(outcome["problems"])
