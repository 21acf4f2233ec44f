"""A re-check that raises the level, on a phone: Ana opens the link from her reminder the day
before her session, forgets a few answers (the error summary), says she started a new
medicine, answers its questions, and is told plainly that her session is on hold until a
therapist has looked. The booking is back to awaiting clearance, the clinic got an email at
once, the link used again shows what she sent, and Tess's Today page shows the session on
hold; she asks another client the check-first questions at the door. axe-core checks every
page."""

import datetime as dt

from django.utils import timezone

from clinic.booking.models import BookingRequest, BookingStatus
from clinic.booking.tokens import recheck_path
from clinic.core.models import ClinicSettings
from intake.recheck import CHECK_FIRST_KEYS
from tests.backoffice.helpers import profile_for
from tests.e2e import flows
from tests.factories import make_booking, make_submitted_intake


def test_recheck_raises_the_level(open_browser, monkeypatch, deep60, staff_therapist):
    tess = profile_for(staff_therapist, hours=((0, 0, 23, 59),))
    ten_days_ago = timezone.now() - dt.timedelta(days=10)
    with monkeypatch.context() as past:
        past.setattr(timezone, "now", lambda: ten_days_ago)
        intake = make_submitted_intake("Ana Client", "ana@example.com")
    booking = make_booking(
        BookingStatus.CONFIRMED,
        service=deep60,
        therapist=tess,
        start=timezone.now() + dt.timedelta(hours=26),
        intake=intake,
        client_name="Ana Client",
        email="ana@example.com",
        note="",
    )
    link = recheck_path(booking.reference)
    # Bo's session later on, on a check from ten days ago too: Tess asks at the door.
    with monkeypatch.context() as past:
        past.setattr(timezone, "now", lambda: ten_days_ago)
        bo_intake = make_submitted_intake("Bo Door", "bo@example.com")
    bo = make_booking(
        BookingStatus.CONFIRMED,
        service=deep60,
        therapist=tess,
        start=timezone.now() + dt.timedelta(hours=3),
        intake=bo_intake,
        client_name="Bo Door",
        email="bo@example.com",
        note="",
    )

    tab = open_browser("phone")
    page = tab.page
    tab.go(link)
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Before your visit: a short re-check"
    )
    tab.look("step-1", "re-check: step 1")

    # Sent with nothing answered: every message at the top and beside its question.
    tab.submit("Continue")
    assert page.locator(".error-summary").is_visible()
    assert page.locator(".field-error").count() == len(CHECK_FIRST_KEYS) + 1
    tab.look("step-1-errors", "re-check: step 1 with errors")

    for key in CHECK_FIRST_KEYS:
        page.locator(f"input[name='{key}'][value='no']").check()
    page.get_by_label("New medicines").check()
    page.get_by_label("Your full name").fill("Ana Client")
    tab.submit("Continue")
    assert "chest" not in tab.path and "medicines" not in tab.path
    assert page.get_by_role("heading", level=1).inner_text() == "What has changed"
    tab.look("step-2", "re-check: step 2")

    page.locator("input[name='blood_thinner'][value='no']").check()
    page.locator("input[name='bleeding_disorder'][value='yes']").check()
    page.locator("input[name='clot_status'][value='never']").check()
    page.locator("input[name='steroid_tablets_3_months'][value='no']").check()
    tab.submit("Send my answers")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "A therapist will look at your answers before your session"
    )
    assert "Wait for us before you come" in page.locator("main").inner_text()
    tab.look("on-hold", "re-check: on hold")

    booking.refresh_from_db()
    assert booking.status == BookingStatus.AWAITING_CLEARANCE
    assert booking.intake.level == "MEDICAL" and booking.intake.refreshes_id == intake.pk
    notice = [
        message
        for message in flows.emails_to(ClinicSettings.load().email)
        if booking.reference in message.subject
    ]
    assert notice, "the clinic was not told"
    assert "bleed" not in notice[-1].body.lower()

    # The same link again: what was sent, and no second re-check.
    tab.go(link)
    assert "You already sent this re-check" in page.locator("main").inner_text()
    tab.look("used-twice", "re-check: link used again")
    assert BookingRequest.objects.get(pk=booking.pk).intake_id == booking.intake_id

    # Tess's Today page shows the session on hold.
    desk = open_browser("desktop", "therapist")
    flows.sign_in(desk)
    desk.go("/admin/today/?who=all")
    assert (
        "On hold: the re-check needs a review"
        in desk.page.locator("main, #content").first.inner_text()
    )
    desk.look("today", "back office: today with a session on hold")

    # Bo arrives: the check-first questions on the tablet, nothing changed.
    desk.page.get_by_role("link", name="Ask at the door Bo Door").click()
    desk.page.wait_for_load_state()
    desk.look("door-check", "back office: door check")
    for key in CHECK_FIRST_KEYS:
        desk.page.locator(f"input[name='{key}'][value='no']").check()
    desk.page.get_by_label("The client's full name, typed by the client").fill("Bo Door")
    with desk.page.expect_navigation():
        desk.page.get_by_role("button", name="Continue").click()
    assert "Up to date: the session can go ahead" in desk.page.locator("#content").inner_text()
    desk.look("door-check-done", "back office: door check done")
    bo.refresh_from_db()
    assert bo.status == BookingStatus.CONFIRMED and bo.intake.refreshes_id == bo_intake.pk
