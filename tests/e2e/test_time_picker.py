"""The time picker on a phone and a desktop: times grouped by part of the day as large chips,
the week strip and the jump to a date, the zone in words, the details step with the policy,
nothing typed lost when the client changes the day, and a time taken meanwhile."""

import datetime as dt
import time

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore

from clinic.booking.availability import parse_slot_value
from clinic.booking.models import BookingRequest, BookingStatus
from tests.booking.support import in_days
from tests.e2e import flows
from tests.factories import make_booking, make_intake

VIEWPORTS = ["phone", "desktop"]


def check_done(tab, intake) -> None:
    """This browser has just sent the pre-visit check that gave `intake`."""
    [cookie] = [c for c in tab.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    session = SessionStore(session_key=cookie["value"])
    session["intake_result"] = {"pk": intake.pk, "at": time.time()}
    session.save()


def chosen_value(page) -> str:
    return page.locator("input[name='start']:checked").get_attribute("value")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_time_picker(open_browser, deep60, alex, sam, viewport):
    tab = open_browser(viewport)
    page = tab.page
    rosa = flows.person("Rosa Quintero", "rosa@example.com")

    tab.go("/book/")
    tab.look("choose", "booking: choose a session")
    flows.choose_session(tab, "Deep tissue 60", "Alex Morgan")
    assert tab.path == "/book/?service=deep-tissue-60&therapist=alex"
    # The jump to a date: three days from today, by the date field.
    day = in_days(3, 10).date()
    page.get_by_label("Or go to a date").fill(day.isoformat())
    tab.submit("Show times")
    legend = page.locator("#times legend").inner_text()
    assert legend == f"Open times on {day.strftime('%A %-d %B')}"
    current = page.locator(".week-days [aria-current='date']")
    assert current.count() == 1 and f"day={day.isoformat()}" in current.get_attribute("href")
    assert page.locator(".time-zone").inner_text() == "Times are in Mountain Time (Denver)."
    titles = page.locator(".time-group-title").all_inner_texts()
    assert [title.split()[0] for title in titles] == ["Morning", "Afternoon"]
    # Large tap targets, and a checked chip that looks checked.
    chip = page.locator("label.time-chip").first
    assert chip.bounding_box()["height"] >= 44
    before = chip.evaluate("el => getComputedStyle(el).backgroundColor")
    chip.click()
    assert chip.evaluate("el => getComputedStyle(el).backgroundColor") != before
    # One Tab stop for the times; the arrows move within them, with the focus visible.
    page.locator("input[name='start']").first.focus()
    page.keyboard.press("ArrowRight")
    assert tab.assert_focus_visible()["value"] == chosen_value(page)
    assert chosen_value(page) == page.locator("input[name='start']").nth(1).get_attribute("value")
    tab.look("times", "booking: times grouped, week strip")

    # A week later and back.
    tab.follow("Next week")
    assert page.locator(".week-days [aria-current='date']").count() == 1
    tab.follow("Previous week")
    with page.expect_navigation():
        page.locator(f"a.week-day[href*='day={day.isoformat()}']").click()
    assert page.locator("#times legend").inner_text() == legend

    # Choose 10 a.m. and go through the pre-visit check.
    page.get_by_label("10 a.m.", exact=True).check()
    first_choice = chosen_value(page)
    tab.submit("Continue to the pre-visit check")
    assert tab.path.startswith("/intake/")
    # The check itself is walked in test_client_journeys.py; here its result is put in this
    # browser's session as the check leaves it, and the client comes back to /book/.
    check_done(tab, make_intake("SELF_CARE", name=rosa["name"], email=rosa["email"]))
    tab.go("/book/")

    # The details step: what is requested, the policy, the details from the check.
    summary = page.locator(".booking-summary").inner_text()
    assert f"{day.strftime('%A %-d %B %Y')}, 10 a.m." in summary
    assert "Mountain Time (Denver)" in summary and "Alex Morgan" in summary
    assert "$95" in summary and "60 minutes" in summary
    policy = page.locator(".booking-policy").inner_text()
    assert "until 24 hours before your appointment" in policy
    assert page.get_by_label("Your name").input_value() == rosa["name"]
    tab.look("details", "booking: details, summary and policy")

    # They type, then change the day: nothing typed is lost.
    page.get_by_label("Your name").fill("Rosa Q. Quintero")
    page.get_by_label("Anything we should know? (optional)").fill("Left side is worse.")
    tab.submit("Choose another time")
    assert chosen_value(page) == first_choice  # their time is still chosen
    other_day = page.locator("a.week-day:not([aria-current])").last
    with page.expect_navigation():
        other_day.click()
    page.locator("input[name='start']").nth(2).check()
    second_choice = chosen_value(page)
    tab.submit("Continue")
    assert page.get_by_label("Your name").input_value() == "Rosa Q. Quintero"
    assert page.get_by_label("Anything we should know? (optional)").input_value() == (
        "Left side is worse."
    )
    assert page.get_by_label("Email").input_value() == rosa["email"]
    assert page.locator("input[name='start']").input_value() == second_choice

    # Someone else takes that time meanwhile: the message beside the time, the day's other
    # times, and everything typed still there.
    make_booking(
        BookingStatus.CONFIRMED,
        service=deep60,
        therapist=alex,
        start=parse_slot_value(second_choice),
        client_name="Someone Else",
        email="else@example.com",
    )
    tab.submit("Send request")
    assert page.locator("#error-summary").is_visible()
    times = page.locator("#times")
    assert "no longer free" in times.locator(".field-error").inner_text()
    assert times.locator(f"input[value='{second_choice}']").count() == 0
    assert times.locator("input[name='start']").count() > 0
    assert page.get_by_label("Your name").input_value() == "Rosa Q. Quintero"
    assert (
        "Left side is worse."
        in page.get_by_label("Anything we should know? (optional)").input_value()
    )
    tab.look("taken", "booking: a time taken meanwhile")

    times.locator("input[name='start']").first.check()
    third_choice = chosen_value(page)
    tab.submit("Send request")
    assert tab.path == "/book/sent/"
    booking = BookingRequest.objects.get(email=rosa["email"])
    assert booking.client_name == "Rosa Q. Quintero"
    assert booking.requested_start == parse_slot_value(third_choice)
    assert booking.requested_start.date() >= day - dt.timedelta(days=1)
    assert "Mountain Time (Denver)" in page.locator(".booking-details").inner_text()
    tab.look("sent", "booking: request sent")
