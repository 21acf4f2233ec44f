"""Clients, from the first page to the last, on a phone and on a desktop."""

import re

import icalendar
import pytest

from clinic.booking.models import BookingRequest, BookingStatus
from intake.models import IntakeAccess
from tests.e2e import flows

VIEWPORTS = ["phone", "desktop"]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_desk_worker(open_browser, deep60, alex, viewport):
    """An ordinary desk-worker knot: the pre-visit check says self-care, they book anyway, see
    the confirmation page, open the link in the receipt email and cancel."""
    tab = open_browser(viewport)
    page = tab.page
    rosa = flows.person("Rosa Quintero", "rosa@example.com")

    tab.go("/")
    tab.look("home")
    tab.follow("Fill in the pre-visit check")
    level = flows.intake(tab, flows.SELF_CARE, rosa, look=True, error_states=True)
    assert level == "SELF_CARE"
    assert page.get_by_role("heading", level=1).inner_text() == flows.RESULT_HEADINGS[level]
    tab.look("result-self-care", "result SELF_CARE")

    tab.follow("Book a session if you would like one")
    tab.look("book-choose", "booking: choose a session")
    flows.choose_session(tab, "Deep tissue 60", "Alex Morgan")
    tab.look("book-times", "booking: day and time")

    # Continuing without a time shows the error summary first.
    tab.submit("Continue")
    assert page.locator("#error-summary").is_visible()
    tab.look("book-times-errors", "booking: no time chosen")
    time_label = flows.choose_first_time(tab)
    tab.submit("Continue")
    # The intake is done, so the next step asks for their details, filled in from the intake,
    # under a summary of the request and above the cancellation policy.
    assert page.get_by_label("Your name").input_value() == rosa["name"]
    assert page.get_by_label("Email").input_value() == rosa["email"]
    assert time_label in page.locator(".booking-summary").inner_text()
    assert "If your plans change" in page.locator(".booking-policy").inner_text()
    tab.look("book-details", "booking: details, summary and policy")
    page.get_by_label("Anything we should know? (optional)").fill("Left side is worse.")
    tab.submit("Send request")

    assert tab.path == "/book/sent/"
    reference = page.locator(".booking-reference").inner_text()
    assert re.fullmatch(r"UNK-[2-9A-HJKMNP-TV-Z]{5}", reference)
    booking = BookingRequest.objects.get(reference=reference)
    assert booking.status == BookingStatus.REQUESTED
    assert booking.email == rosa["email"] and booking.requested_therapist == alex
    assert time_label in page.locator(".booking-details").inner_text()
    tab.look("book-sent", "booking: request sent")

    receipt = flows.only_email(rosa["email"], reference)
    manage_url = flows.link_in(receipt, rf"{re.escape(tab.base_url)}/book/{reference}/\S+")
    tab.go(manage_url)
    assert page.get_by_role("heading", level=1).inner_text() == f"Your booking {reference}"
    tab.look("manage", "booking: manage page")
    tab.follow("Cancel my request")
    tab.look("cancel", "booking: cancel, asked first")
    tab.submit("Yes, cancel it")
    assert "it is cancelled" in page.locator(".messages").inner_text()
    assert "Cancelled" in page.locator(".booking-status").inner_text()
    tab.look("manage-cancelled", "booking: manage page after cancelling")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert flows.only_email(rosa["email"], "is cancelled")


def links_to_booking(tab, within: str = "main") -> list[str]:
    return tab.page.eval_on_selector_all(
        f"{within} a[href]",
        "links => links.map(a => a.href).filter(h => new URL(h).pathname.startsWith('/book'))",
    )


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_chest_pain_now(open_browser, deep60, alex, viewport):
    """Chest pain right now: the first step ends the check with the 911 screen, which offers
    no way to book, and /book/ then says the same instead of showing a form."""
    tab = open_browser(viewport)
    page = tab.page
    tab.go("/intake/")
    flows.start_check(tab)
    flows.expect_step(tab, 1)
    flows.answer_step(tab, 1, {**flows.SELF_CARE, **flows.CHEST_PAIN_NOW})
    tab.submit("Next")

    assert tab.path == "/intake/result/"
    assert page.locator("[data-triage-level]").get_attribute("data-triage-level") == "EMERGENCY"
    assert page.get_by_role("heading", level=1).inner_text() == flows.RESULT_HEADINGS["EMERGENCY"]
    # The page's main action is a big tap-to-call button, first of its kind on the page.
    call = page.locator("main a.btn").first
    assert call.get_attribute("href") == "tel:911" and "Call 911" in call.inner_text()
    assert call.bounding_box()["height"] >= 48
    assert "Do not drive yourself" in page.locator("main").inner_text()
    assert links_to_booking(tab) == []
    tab.look("result-emergency", "result EMERGENCY")

    # A wrong answer: back to the first step with the answers kept, then on with the check.
    tab.submit("I chose a wrong answer")
    assert tab.path == "/intake/?step=1"
    flows.expect_step(tab, 1)
    assert page.locator('input[name="chest_pain_now"][value="yes"]').is_checked()
    assert page.locator('input[name="breathless_now"][value="no"]').is_checked()
    page.locator('input[name="chest_pain_now"][value="no"]').check()
    tab.submit("Next")
    flows.expect_step(tab, 2)
    # Then the emergency answer again: the 911 screen, and /book/ says the same.
    tab.go("/intake/?step=1")
    flows.answer_step(tab, 1, {**flows.SELF_CARE, **flows.CHEST_PAIN_NOW})
    tab.submit("Next")
    assert page.locator("[data-triage-level]").get_attribute("data-triage-level") == "EMERGENCY"

    tab.go("/book/")
    assert page.get_by_role("heading", level=1).inner_text() == "Call 911 now"
    assert "We cannot take a booking request" in page.locator("main").inner_text()
    assert page.locator("main form").count() == 0
    assert links_to_booking(tab) == []
    tab.look("book-emergency", "booking: 911 screen")
    # Coming back to the check does not reopen the way to a booking either.
    tab.go("/book/?service=deep-tissue-60&therapist=any")
    assert page.locator("main form").count() == 0


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_doctor_first(open_browser, deep60, alex, staff_therapist, viewport):
    """Answers that need a doctor first: the request is held; the therapist signs in with her
    second factor, reviews the intake (which is recorded), clears it with a note and confirms
    the time; the client's confirmation email carries the calendar file."""
    client = open_browser(viewport)
    page = client.page
    cedar = flows.person("Cedar Okafor", "cedar@example.com")

    level = flows.intake(client, flows.MEDICAL, cedar)
    assert level == "MEDICAL"
    assert page.get_by_role("heading", level=1).inner_text() == flows.RESULT_HEADINGS[level]
    client.look("result-medical", "result MEDICAL")

    # The page leads with the doctor; booking is a second, quieter action that says it waits.
    main_text = page.locator("main").inner_text()
    assert "your own doctor, or an urgent care clinic" in main_text
    assert page.locator("main a.btn-primary").count() == 0
    client.follow("Send a request that waits for clearance")
    flows.choose_session(client, "Deep tissue 60", "Any therapist (the most times to choose from)")
    assert "a therapist must clear you" in page.locator(".alert-warning").inner_text()
    client.look("book-times", "booking: times while awaiting clearance")
    flows.choose_first_time(client)
    client.submit("Continue")
    client.submit("Send request")
    assert client.path == "/book/sent/"
    assert "A therapist reads your pre-visit check" in page.locator("main").inner_text()
    client.look("book-sent", "booking: request held for clearance")
    reference = page.locator(".booking-reference").inner_text()
    booking = BookingRequest.objects.get(reference=reference)
    assert booking.status == BookingStatus.AWAITING_CLEARANCE
    assert "UNK" in flows.only_email(cedar["email"], reference).subject

    desk = open_browser("desktop", who="therapist")
    flows.sign_in(desk)
    desk.follow("Booking requests")
    desk.look("booking-requests", "admin: booking requests list")
    desk.follow(reference)
    desk.look("booking-request", "admin: a booking request")
    with desk.page.expect_navigation():
        desk.page.locator(".field-intake_badge a").click()
    assert desk.page.locator(".intake-review").is_visible()
    assert IntakeAccess.objects.filter(
        intake=booking.intake, user=staff_therapist, action=IntakeAccess.Action.VIEWED
    ).exists()
    desk.look("intake-review", "admin intake review")
    desk.go("/admin/intake/intake/")
    desk.look("intakes", "admin: intakes list")
    desk.go("/admin/intake/intake/rules/")
    desk.look("triage-rules", "admin: triage rules reference")
    desk.go(f"/admin/clinic/bookingrequest/{booking.pk}/change/")

    desk.follow("Clear for massage")
    desk.page.get_by_label("How was the request cleared?").fill(
        "Dr. Amari phoned: night pain checked, gentle pressure is fine."
    )
    desk.look("clear", "admin: clear for massage")
    desk.submit("Clear for massage")
    assert "Cleared" in desk.page.locator(".messagelist").inner_text()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED
    assert booking.intake.review_status == "cleared"

    desk.follow("Confirm")
    desk.look("confirm", "admin: confirm a booking")
    desk.submit("Confirm")
    assert "Confirmed" in desk.page.locator(".messagelist").inner_text()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED

    confirmation = flows.only_email(cedar["email"], "is confirmed")
    [(filename, content, mimetype)] = confirmation.attachments
    assert filename == f"{reference}.ics" and mimetype == "text/calendar"
    [event] = icalendar.Calendar.from_ical(content).events
    assert event.start == booking.start

    manage_url = flows.link_in(confirmation, rf"{re.escape(client.base_url)}/book/{reference}/\S+")
    client.go(manage_url)
    assert "Confirmed" in page.locator(".booking-status").inner_text()
    assert "Your appointment is confirmed" in page.locator("main").inner_text()
    client.look("manage-confirmed", "booking: manage page, confirmed")


def test_body_map_on_the_smallest_phone(open_browser):
    """At 320 px every place on the body map is a target of 24 x 24 px or more; the boxes
    start with "between the shoulder blades" and name the client's own side; tapping a place
    ticks its box."""
    tab = open_browser("phone")
    page = tab.page
    page.set_viewport_size({"width": 320, "height": 700})
    tab.go("/intake/")
    flows.start_check(tab)
    for number in (1, 2):
        flows.answer_step(tab, number, flows.SELF_CARE)
        tab.submit("Next")
    flows.expect_step(tab, 3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    places = page.locator(".body-map [data-region]")
    assert places.count() == 15
    for index in range(places.count()):
        box = places.nth(index).bounding_box()
        name = places.nth(index).get_attribute("data-region")
        assert box["width"] >= 24 and box["height"] >= 24, (name, box)
    between = page.locator(".body-map [data-region='between_shoulder_blades']").bounding_box()
    assert between["width"] >= 24

    boxes = page.locator("input[name='pain_regions']")
    assert boxes.first.get_attribute("value") == "between_shoulder_blades"
    assert page.get_by_label("Left shoulder blade (your left)").count() == 1
    assert "seen from behind" in page.locator(".region-picker").inner_text()
    # The first box of the list is the first stop after the question's text.
    page.locator("#q-pain_regions legend").click()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.value") == "between_shoulder_blades"

    page.locator(".body-map [data-region='shoulder_blade_left']").click()
    assert page.get_by_label("Left shoulder blade (your left)").is_checked()
    tab.look("intake-body-map-320", "intake body map at 320 px")
