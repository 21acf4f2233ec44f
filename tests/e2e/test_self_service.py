"""Looking after one's own appointment in the browser, on a phone and a desktop: open the link
in the confirmation email, add the appointment to a calendar, ask for another time (the old
time stays booked meanwhile), then cancel with a reason through the confirmation step."""

import re

import pytest
from django.core import mail

from clinic.booking import pipeline
from clinic.booking.models import BookingEvent, BookingRequest, BookingStatus
from tests.booking.support import in_days
from tests.e2e import flows
from tests.factories import make_booking, make_staff

ANA = "ana@example.com"
CLINIC = "hello@clinic.example"


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_self_service(open_browser, deep60, alex, viewport):
    request = make_booking(
        BookingStatus.REQUESTED, service=deep60, therapist=alex, start=in_days(3, 10)
    )
    pipeline.confirm(request, by=make_staff("tess", password=None))
    tab = open_browser(viewport)
    page = tab.page

    email = flows.only_email(ANA, "your appointment is confirmed")
    link = flows.link_in(email, rf"{re.escape(tab.base_url)}/book/{request.reference}/\S+")
    tab.go(link)
    assert page.get_by_role("heading", level=1).inner_text() == f"Your booking {request.reference}"
    calendar = page.get_by_role("link", name="Add to calendar")
    assert calendar.is_visible()
    with page.expect_download() as download:
        calendar.click()
    assert download.value.suggested_filename == f"{request.reference}.ics"
    tab.look("manage", "self service: the booking's page")

    # Change the time: the same picker as booking, for the same session and therapist.
    tab.follow("Change the time")
    assert tab.path.startswith(f"/book/{request.reference}/reschedule/?token=")
    day = in_days(5, 10).date()
    page.get_by_label("Or go to a date").fill(day.isoformat())
    tab.submit("Show times")
    assert page.locator("#times legend").inner_text() == f"Open times on {day:%A %-d %B}"
    assert page.locator(".time-zone").inner_text() == "Times are in Mountain Time (Denver)."
    tab.look("reschedule-times", "self service: choose a new time")
    # Nothing chosen: the message beside the times.
    tab.submit("Continue")
    assert "Choose a time." in page.locator("#times").inner_text()
    assert page.locator("#error-summary").is_visible()
    tab.look("reschedule-error", "self service: no time chosen")
    label = flows.choose_first_time(tab)
    tab.submit("Continue")
    assert page.get_by_role("heading", level=1).inner_text() == "Check your new time"
    assert label in page.locator("main").inner_text()
    tab.look("reschedule-confirm", "self service: check the new time")
    tab.submit("Yes, ask for this time")

    assert tab.path.startswith(f"/book/{request.reference}/?token=")
    assert "Your request for" in page.locator(".messages").inner_text()
    assert "Confirmed" in page.locator(".booking-status").inner_text()  # the old time holds
    assert "You asked to move this appointment" in page.locator("#pending-move").inner_text()
    new = BookingRequest.objects.get(reschedules=request)
    assert new.status == BookingStatus.REQUESTED
    assert flows.only_email(ANA, "we have your request for a new time")
    assert flows.only_email(CLINIC, f"Request {new.reference} to move booking {request.reference}")
    tab.look("reschedule-sent", "self service: the new time is asked for")

    # Cancel, with a reason, through the confirmation step.
    mail.outbox.clear()
    tab.follow("Cancel this appointment")
    assert page.get_by_role("heading", level=1).inner_text() == "Cancel your appointment?"
    assert "free of charge" in page.locator("main").inner_text()
    tab.look("cancel", "self service: cancel, asked first")
    page.get_by_label("Why are you cancelling? (optional)").fill("My shift changed.")
    tab.submit("Yes, cancel it")
    assert "it is cancelled" in page.locator(".messages").inner_text()
    assert "Cancelled" in page.locator(".booking-status").inner_text()
    tab.look("cancelled", "self service: cancelled")
    request.refresh_from_db()
    new.refresh_from_db()
    assert (request.status, new.status) == (BookingStatus.CANCELLED, BookingStatus.CANCELLED)
    assert BookingEvent.objects.filter(request=request).last().note == "My shift changed."
    assert "My shift changed." in flows.only_email(CLINIC, "now “Cancelled”").body
    assert "My shift changed." not in flows.only_email(ANA, "is cancelled").body
