"""The working day's pages in a real browser (marked e2e: run with `-m e2e tests/backoffice`):
signed in with both factors, the therapist lands on Today, opens the calendar by day and by
week, on a phone, a tablet and a desktop; axe-core checks each page (WCAG 2.2 A and AA)."""

import datetime as dt

import pytest

from clinic.booking.models import BookingStatus, TimeOff
from tests.backoffice.helpers import at, profile_for, today
from tests.e2e import flows
from tests.e2e.conftest import browser, open_browser, site, staff_therapist  # noqa: F401
from tests.factories import make_article, make_booking, make_intake, make_question

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_the_working_day(open_browser, staff_therapist, alex, deep60, viewport):  # noqa: F811
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

    tab = open_browser(viewport, who="therapist")
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
    if viewport == "desktop":  # a tablet in landscape
        tab.page.set_viewport_size({"width": 1024, "height": 768})
        tab.follow("Week")
        tab.look("calendar-week-tablet", "admin: calendar, everyone's week on a tablet")
        tab.follow("Today")
        tab.look("today-tablet", "admin: today on a tablet")
