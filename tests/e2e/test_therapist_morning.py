"""A therapist's morning, on a tablet and on a phone: an intake with a MEDICAL result and a
request waiting for clearance are on the Today page; she reviews the intake and clears it,
finds the request in the calendar and confirms it, marks the session completed, writes the
visit note and sees it in the client's history. axe-core checks every back-office page."""

import datetime as dt

import pytest
from django.utils import timezone

from clinic.booking.models import BookingRequest, BookingStatus
from clinic.clients.models import VisitNote
from tests.backoffice.helpers import at, profile_for, today
from tests.e2e import browser as tabs
from tests.e2e import flows
from tests.factories import make_booking, make_submitted_intake

# A tablet in landscape, added for this journey only (browser.py defines phone and desktop).
TABLET = {"width": 1024, "height": 768, "mobile": False, "scale": 1}

CEDAR = {"name": "Cedar Okafor", "email": "cedar@example.com"}


def session_start() -> dt.datetime:
    """Today at 13:00 clinic time, or tomorrow if the afternoon is too close."""
    start = at(today(), 13)
    if start - timezone.now() < dt.timedelta(hours=1):
        start = at(today() + dt.timedelta(days=1), 13)
    return start


@pytest.mark.parametrize("viewport", ["tablet", "phone"])
def test_therapist_morning(open_browser, monkeypatch, deep60, staff_therapist, viewport):
    monkeypatch.setitem(tabs.VIEWPORTS, "tablet", TABLET)
    tess = profile_for(staff_therapist)
    intake = make_submitted_intake(
        CEDAR["name"],
        CEDAR["email"],
        age_years=58,
        night_pain="wakes_no_ease",
        osteoporosis="yes",
    )
    assert intake.level == "MEDICAL"
    start = session_start()
    booking = make_booking(
        BookingStatus.AWAITING_CLEARANCE,
        service=deep60,
        therapist=tess,
        start=start,
        intake=intake,
        client_name=CEDAR["name"],
        email=CEDAR["email"],
        note="",
    )

    tab = open_browser(viewport)
    page = tab.page

    # Signed in with both factors, she lands on Today.
    flows.sign_in(tab)
    assert tab.path == "/admin/", tab.path
    intakes = page.locator(".backoffice-intakes")
    requests = page.locator(".backoffice-requests")
    assert str(intake) in intakes.inner_text()
    assert booking.reference in requests.inner_text()
    assert "Awaiting clearance" in requests.inner_text()
    tab.look("today", "admin: today, an intake and a request waiting")

    # The intake review: the decision comes first.
    with page.expect_navigation():
        intakes.get_by_role("link", name=str(intake), exact=True).click()
    assert page.locator(".intake-review").is_visible()
    tab.look("intake-review", "admin: intake review")
    page.get_by_label("Note").fill("Dr. Amari phoned: night pain checked, gentle pressure is fine.")
    tab.submit("Clear for massage")
    assert "Cleared for massage" in page.locator(".messagelist").inner_text()
    tab.look("intake-cleared", "admin: intake review after clearing")
    intake.refresh_from_db()
    assert intake.review_status == "cleared"

    # The request has moved on, and the client heard so.
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED
    tab.go(f"/admin/clinic/bookingrequest/{booking.pk}/change/")
    assert "Requested" in page.locator("main").inner_text()
    tab.look("request-requested", "admin: the request, now requested")
    assert flows.only_email(CEDAR["email"], "moves on")

    # The calendar shows the pending request; its block leads to the booking.
    tab.go("/admin/")
    tab.follow("Calendar")
    if timezone.localtime(start).date() != today():
        tab.follow("Next day")
    block = page.locator("a.cal-pending", has_text=CEDAR["name"])
    assert block.count() == 1, page.locator("main").inner_text()
    assert "Pending: Requested" in block.inner_text()
    tab.look("calendar", "admin: calendar with the pending request")
    with page.expect_navigation():
        block.click()
    assert tab.path == f"/admin/clinic/bookingrequest/{booking.pk}/change/", tab.path

    # Confirm the time.
    tab.follow("Confirm")
    tab.look("confirm", "admin: confirm a booking")
    tab.submit("Confirm")
    assert "Confirmed" in page.locator(".messagelist").inner_text()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED and booking.start == start
    tab.look("confirmed", "admin: the booking, confirmed")

    # After the session (its time moved into the past, as if the day had gone on).
    back = (booking.start - timezone.now()) + dt.timedelta(hours=2)
    BookingRequest.objects.filter(pk=booking.pk).update(
        requested_start=booking.requested_start - back,
        start=booking.start - back,
        end=booking.end - back,
        blocked_until=booking.blocked_until - back,
    )
    tab.go(f"/admin/clinic/bookingrequest/{booking.pk}/change/")
    tab.follow("Mark completed")
    tab.look("complete", "admin: mark completed")
    tab.submit("Mark completed")
    assert "Marked completed" in page.locator(".messagelist").inner_text()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.COMPLETED

    # The visit note.
    tab.follow("Write a visit note")
    page.locator("input[name='areas'][value='neck']").check()
    page.locator("input[name='areas'][value='shoulder_blade_left']").check()
    page.locator("input[name='pressure'][value='2']").check()
    page.get_by_label("Techniques").fill("Slow myofascial release, no deep stripping")
    page.get_by_label("How the client responded").fill("Tolerated well; neck eased.")
    page.get_by_label("Home care advised").fill("Heat and gentle neck turns twice a day.")
    page.get_by_label("Plan for next time").fill("Same gentle pressure; recheck night pain.")
    tab.look("visit-note", "admin: write a visit note")
    tab.submit("Save")
    note = VisitNote.objects.get(booking=booking)
    assert note.pressure == 2 and note.signed_by == staff_therapist
    assert sorted(note.areas) == ["neck", "shoulder_blade_left"]

    # The client's history lists it.
    tab.go("/admin/clients/client/")
    tab.look("clients", "admin: clients list")
    tab.follow(CEDAR["name"])
    section = page.locator(f"#booking-{booking.pk}")
    assert booking.reference in section.inner_text()
    assert section.get_by_role("link", name="Visit note", exact=True).count() == 1
    tab.look("history", "admin: the client's history with the note")
