"""What each booking email says, the calendar file, and what none of them may say."""

import datetime as dt

import icalendar
import pytest
from django.core import mail

from clinic.booking import pipeline
from clinic.booking.models import BookingStatus
from clinic.booking.tokens import make_token
from tests.booking.support import local
from tests.factories import SECRET_ANSWER, SECRET_NOTE, make_booking, make_intake, make_staff

pytestmark = pytest.mark.django_db
S = BookingStatus

NOW = local(2026, 11, 2, 8, 0)
START = local(2026, 11, 4, 10, 0)  # Wednesday 4 November 2026, 10:00 MST
OTHER = local(2026, 11, 5, 14, 30)


@pytest.fixture
def staff(db):
    return make_staff("tess", password=None)


def submitted(deep60, alex, level="SELF_CARE", **extra):
    request = pipeline.submit(
        service=deep60,
        requested_therapist=alex,
        requested_start=START,
        client_name="Ana Client",
        email="ana@example.com",
        phone="(555) 010-0199",
        note=SECRET_NOTE,
        intake=make_intake(level),
        now=NOW,
        **extra,
    )
    return request


def only(to="ana@example.com"):
    messages = [message for message in mail.outbox if message.to == [to]]
    assert len(messages) == 1, [m.subject for m in mail.outbox]
    return messages[0]


def link(request_obj):
    return f"http://127.0.0.1:8000/book/{request_obj.reference}/?token={make_token(request_obj.reference)}"


def test_receipt(deep60, alex):
    request = submitted(deep60, alex)
    message = only()
    assert message.subject == f"Unknot Demo Clinic: we received your request {request.reference}"
    body = message.body
    assert f"Reference: {request.reference}" in body
    assert "Session: Deep tissue 60 (60 minutes)" in body
    assert "When: Wednesday 4 November 2026, 10 a.m. (MST, America/Denver)" in body
    assert "Therapist: Alex Morgan" in body
    assert "This is a request, not yet an appointment." in body
    assert "within 48 hours" in body
    assert link(request) in body
    assert message.reply_to == ["hello@clinic.example"]


def test_the_receipt_gives_no_hint_of_the_check_result(deep60, alex):
    """A request waiting for clearance gets the same receipt as any other: someone who reads
    the client's email learns nothing of their health."""
    submitted(deep60, alex, level="MEDICAL")
    waiting = only().body
    mail.outbox.clear()
    submitted(deep60, alex, level="SELF_CARE")
    ready = only().body
    assert "The clinic will be in touch within 48 hours." in waiting
    assert same_but_links(waiting) == same_but_links(ready)
    for hint in ("doctor", "pre-visit check", "clear", "therapist will read"):
        assert hint not in waiting


def same_but_links(body: str) -> list[str]:
    """The email's lines, less those that name the request (its reference and link)."""
    reference = body.split("Reference: ")[1].split()[0]
    return [line for line in body.splitlines() if reference not in line and "token=" not in line]


def test_clinic_notice(deep60, alex):
    request = submitted(deep60, alex, level="MEDICAL")
    message = only("hello@clinic.example")
    assert message.subject == f"New booking request {request.reference}"
    assert "Ana Client sent a booking request." in message.body
    assert "clearance" not in message.body.lower()  # what the intake said stays in the admin
    admin_url = f"http://127.0.0.1:8000/admin/clinic/bookingrequest/{request.pk}/change/"
    assert admin_url in message.body


def test_confirmation_with_a_calendar_file(deep60, alex, staff):
    request = submitted(deep60, alex)
    mail.outbox.clear()
    pipeline.confirm(request, by=staff, now=NOW)
    message = only()
    assert "your appointment is confirmed" in message.subject
    assert "When: Wednesday 4 November 2026, 10 a.m." in message.body
    assert "100 Example Street" in message.body
    assert "until 24 hours before" in message.body and "(555) 010-0100" in message.body
    assert link(request) in message.body

    [(filename, content, mimetype)] = message.attachments
    assert filename == f"{request.reference}.ics" and mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(content)
    [event] = calendar.events
    assert event.start == dt.datetime(2026, 11, 4, 17, 0, tzinfo=dt.UTC)  # 10:00 MST
    assert event.end == dt.datetime(2026, 11, 4, 18, 0, tzinfo=dt.UTC)
    assert "Deep tissue 60" in str(event["SUMMARY"]) and "Alex Morgan" in str(event["SUMMARY"])
    assert "100 Example Street" in str(event["LOCATION"])
    assert str(event["UID"]).startswith(request.reference)


def test_calendar_file_in_summer_time(deep60, alex, staff):
    summer = local(2027, 6, 2, 10, 0)  # MDT, UTC-6
    request = make_booking(S.REQUESTED, service=deep60, therapist=alex, start=summer)
    pipeline.confirm(request, by=staff, now=local(2027, 5, 1))
    [event] = icalendar.Calendar.from_ical(only().attachments[0][1]).events
    assert event.start == dt.datetime(2027, 6, 2, 16, 0, tzinfo=dt.UTC)


def test_proposal_with_accept_and_decline_links(deep60, alex, staff):
    request = submitted(deep60, alex)
    mail.outbox.clear()
    pipeline.propose(
        request, by=staff, therapist=alex, start=OTHER, message="Wednesday is full.", now=NOW
    )
    message = only()
    assert "we suggest another time" in message.subject
    assert "We cannot offer the time you asked for (Wednesday 4 November, 10 a.m.)" in message.body
    assert "When: Thursday 5 November 2026, 2:30 p.m." in message.body
    assert "Wednesday is full." in message.body
    assert f"{link(request)}&action=accept" in message.body
    assert f"{link(request)}&action=decline" in message.body
    assert "Please answer by Wednesday 4 November, 8 a.m." in message.body


def test_decline_with_the_reason_and_what_next(deep60, alex, staff):
    request = submitted(deep60, alex)
    mail.outbox.clear()
    pipeline.decline(request, by=staff, reason="We are closed that week.", now=NOW)
    body = only().body
    assert "We are closed that week." in body
    assert "Request another time: http://127.0.0.1:8000/book/" in body
    assert "Call us at (555) 010-0100" in body


def test_cancellation_by_the_client_and_by_the_clinic(deep60, alex, staff):
    request = submitted(deep60, alex)
    mail.outbox.clear()
    pipeline.cancel_by_client(request, now=NOW)
    assert "This is cancelled, as you asked" in only().body

    other = submitted(deep60, alex)
    pipeline.confirm(other, by=staff, now=NOW)
    mail.outbox.clear()
    pipeline.cancel_by_clinic(other, by=staff, reason="Alex is ill.", now=NOW)
    body = only().body
    assert "The clinic had to cancel this" in body and "Alex is ill." in body


def test_reminder(deep60, alex, staff):
    request = submitted(deep60, alex)
    pipeline.confirm(request, by=staff, now=NOW)
    mail.outbox.clear()
    assert pipeline.send_due_reminders(now=START - dt.timedelta(hours=23)) == 1
    message = only()
    assert message.subject == "Unknot Demo Clinic: see you tomorrow at 10 a.m."
    assert "A reminder of your appointment" in message.body
    assert "100 Example Street" in message.body


def test_expiry(deep60, alex):
    submitted(deep60, alex)
    mail.outbox.clear()
    assert pipeline.expire_stale_requests(now=NOW + dt.timedelta(hours=48)) == 1
    message = only()
    assert "has expired" in message.subject
    assert "could not answer your request in time" in message.body
    assert "http://127.0.0.1:8000/book/" in message.body


def test_no_email_carries_health_detail(deep60, alex, staff):
    """Every email of a long history: no intake answer, no level, no client note."""
    first = submitted(deep60, alex, level="MEDICAL")
    pipeline.clear(first, by=staff, note="Doctor's OK", now=NOW)
    pipeline.propose(first, by=staff, therapist=alex, start=OTHER, now=NOW)
    pipeline.decline_proposal(first, now=NOW)
    pipeline.propose(first, by=staff, therapist=alex, start=OTHER, now=NOW)
    pipeline.accept_proposal(first, now=NOW)
    pipeline.send_due_reminders(now=OTHER - dt.timedelta(hours=2))
    pipeline.cancel_by_clinic(first, by=staff, reason="Sorry", now=NOW)
    second = submitted(deep60, alex, level="PROFESSIONAL")
    pipeline.decline(second, by=staff, reason="Full", now=NOW)
    third = submitted(deep60, alex)
    pipeline.expire(third, now=NOW + dt.timedelta(hours=49))
    fourth = submitted(deep60, alex)
    pipeline.cancel_by_client(fourth, now=NOW)

    assert len(mail.outbox) >= 15
    forbidden = [
        SECRET_ANSWER,
        SECRET_NOTE,
        "See a doctor first",
        "Professional care",
        "Doctor's OK",
        "Awaiting clearance",
    ]
    for message in mail.outbox:
        text = message.subject + message.body
        for _name, content, _type in message.attachments:
            text += content if isinstance(content, str) else content.decode()
        for word in forbidden:
            assert word not in text, (word, message.subject)


def test_a_spanish_speaking_clients_links_open_the_spanish_pages(deep60, alex):
    request = submitted(deep60, alex, language="es")
    body = only().body
    assert f"http://127.0.0.1:8000/es/book/{request.reference}/?token=" in body
    assert "http://127.0.0.1:8000/book/" not in body
    # The clinic's notice stays in the clinic's language, with the admin link.
    notice = only("hello@clinic.example").body
    assert "/es/" not in notice


def test_an_english_speaking_clients_links_have_no_language_prefix(deep60, alex):
    request = submitted(deep60, alex, language="en")
    assert link(request) in only().body
