"""My appointments in the browser: ask for the link, open it from the email, see what is
coming up and what is past, and go on to one booking's own page."""

import re

import pytest

from clinic.booking.models import BookingStatus
from tests.booking.support import in_days
from tests.e2e import flows
from tests.factories import make_booking

ANA = "ana@example.com"


@pytest.fixture(autouse=True)
def _link_limit(settings):
    settings.RATE_LIMITS = {"my-link": (5, 60, 3600), **settings.RATE_LIMITS}


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_my_appointments(open_browser, deep60, alex, viewport):
    confirmed = make_booking(
        BookingStatus.CONFIRMED, service=deep60, therapist=alex, start=in_days(3, 10)
    )
    proposed = make_booking(
        BookingStatus.PROPOSED, service=deep60, therapist=alex, start=in_days(6, 14)
    )
    completed = make_booking(
        BookingStatus.COMPLETED, service=deep60, therapist=alex, start=in_days(-21, 11)
    )
    tab = open_browser(viewport)
    page = tab.page

    tab.go("/my/")
    assert page.get_by_role("heading", level=1).inner_text() == "See your appointments"
    tab.look("my-request", "my appointments: ask for a link")

    # Nothing typed: the error summary, and the message beside the field.
    tab.submit("Email me a link")
    assert page.locator("#error-summary").is_visible()
    assert (
        "Enter the email address you gave when you booked."
        in page.locator(".form-field").first.inner_text()
    )
    tab.look("my-request-errors", "my appointments: ask for a link, with an error")

    # An address that never booked: the same answer, and no email.
    page.get_by_label("Your email address").fill("stranger@example.com")
    tab.submit("Email me a link")
    assert tab.path == "/my/sent/"
    unknown_answer = page.locator("main").inner_text()
    assert flows.emails_to("stranger@example.com") == []

    tab.go("/my/")
    page.get_by_label("Your email address").fill(ANA)
    tab.submit("Email me a link")
    assert tab.path == "/my/sent/"
    assert page.locator("main").inner_text() == unknown_answer
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"
    tab.look("my-sent", "my appointments: check your email")

    email = flows.only_email(ANA, "your link to your appointments")
    link = flows.link_in(email, rf"{re.escape(tab.base_url)}/my/appointments/\?link=\S+")
    tab.go(link)
    assert page.get_by_role("heading", level=1).inner_text() == "Your appointments"
    coming_up = page.locator("section[aria-labelledby='upcoming-title']").inner_text()
    earlier = page.locator("section[aria-labelledby='past-title']").inner_text()
    assert confirmed.reference in coming_up and proposed.reference in coming_up
    assert completed.reference in earlier and confirmed.reference not in earlier
    assert "Mountain Time (Denver)" in coming_up and "Alex Morgan" in coming_up
    assert "Confirmed. We look forward to seeing you." in coming_up
    assert "Done: you came to this session." in earlier
    assert page.get_by_role("link", name=f"Add to calendar {confirmed.reference}").is_visible()
    tab.look("my-appointments", "my appointments: the list")
    # Keyboard: the first action is reached with Tab and shows where focus is.
    page.locator("#upcoming-title").focus()
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.booking-card') !== null"):
            break
    assert confirmed.reference in page.evaluate("document.activeElement.textContent")
    tab.assert_focus_visible()

    # The calendar file of the confirmed session comes from the same link.
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Add to calendar {confirmed.reference}").click()
    assert download.value.suggested_filename == f"{confirmed.reference}.ics"

    tab.follow(f"See, change or cancel {confirmed.reference}")
    assert tab.path.startswith(f"/book/{confirmed.reference}/?token=")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == f"Your booking {confirmed.reference}"

    # A link cut short: a page that offers a new one, and nothing else.
    tab.go(link[:-4], status=404)
    assert page.get_by_role("heading", level=1).inner_text() == "This link does not work"
    assert page.get_by_role("button", name="Email me a link").is_visible()
    tab.look("my-link-broken", "my appointments: a link that does not work")
