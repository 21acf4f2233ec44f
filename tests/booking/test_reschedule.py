"""Moving a confirmed time: the pipeline (a new request that replaces the booking when the
clinic confirms it, or an immediate move where the clinic allows it), its emails, and the
client's pages at /book/<reference>/reschedule/."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from clinic.booking import my_appointments, pipeline
from clinic.booking.availability import parse_slot_value
from clinic.booking.models import BookingEvent, BookingRequest, BookingStatus
from clinic.booking.tokens import make_token, manage_path
from clinic.core.models import ClinicSettings
from tests.booking.support import in_days, local
from tests.factories import SECRET_NOTE, make_booking, make_intake, make_staff

pytestmark = pytest.mark.django_db

S = BookingStatus
NOW = local(2026, 11, 2, 8, 0)  # Monday
START = local(2026, 11, 4, 10, 0)  # Wednesday 10:00, 50 hours later
NEW = local(2026, 11, 5, 14, 0)  # Thursday 14:00
CLIENT, CLINIC = "ana@example.com", "hello@clinic.example"


@pytest.fixture
def staff(db):
    return make_staff("tess", password=None)


@pytest.fixture
def booked(deep60, alex):
    booking = make_booking(
        S.CONFIRMED, service=deep60, therapist=alex, start=START, changed_at=NOW, language="es"
    )
    mail.outbox.clear()
    return booking


def allow_moves(on: bool = True) -> None:
    rules = ClinicSettings.load()
    rules.clients_move_times = on
    rules.save()


def ics_start(message) -> str:
    (_name, content, kind) = message.attachments[0]
    assert kind == "text/calendar"
    text = content.decode() if isinstance(content, bytes) else content
    return re.search(r"DTSTART[^:]*:(\S+)", text).group(1)


# --- the pipeline -------------------------------------------------------------------------------


def test_a_new_time_is_a_request_and_the_old_time_stays_booked(booked):
    new = pipeline.reschedule_by_client(booked, start=NEW, now=NOW)
    booked.refresh_from_db()
    assert booked.status == S.CONFIRMED and booked.start == START
    assert new.pk != booked.pk and new.status == S.REQUESTED
    assert new.reschedules == booked and new.requested_start == NEW
    assert (new.intake, new.email, new.phone, new.language, new.client_name) == (
        booked.intake,
        booked.email,
        booked.phone,
        "es",
        booked.client_name,
    )
    assert new.requested_therapist == booked.therapist
    assert not BookingEvent.objects.filter(request=booked).exists()
    event = BookingEvent.objects.get(request=new)
    assert (event.from_status, event.to_status, event.actor_kind) == ("", S.REQUESTED, "client")
    assert event.note == f"Asks to move {booked.reference}"
    assert sorted(m.to[0] for m in mail.outbox) == [CLIENT, CLINIC]
    to_clinic = next(m for m in mail.outbox if m.to[0] == CLINIC)
    assert f"asks to move their appointment {booked.reference}" in to_clinic.body
    assert to_clinic.subject == f"Request {new.reference} to move booking {booked.reference}"
    to_client = next(m for m in mail.outbox if m.to[0] == CLIENT)
    assert "Referencia" in to_client.body  # the client's language
    for message in mail.outbox:
        assert SECRET_NOTE not in message.body and "where_it_hurts" not in message.body


def test_confirming_the_new_time_cancels_the_old_one_in_one_go(booked, staff):
    new = pipeline.reschedule_by_client(booked, start=NEW, now=NOW)
    mail.outbox.clear()
    pipeline.confirm(new, by=staff, now=NOW)
    booked.refresh_from_db()
    new.refresh_from_db()
    assert (booked.status, new.status, new.start) == (S.CANCELLED, S.CONFIRMED, NEW)
    old_event = BookingEvent.objects.get(request=booked)
    assert (old_event.from_status, old_event.to_status) == (S.CONFIRMED, S.CANCELLED)
    assert old_event.note == f"Moved to {new.reference}"
    new_event = BookingEvent.objects.filter(request=new).last()
    assert new_event.note == f"Replaces {booked.reference}"
    (message,) = mail.outbox
    assert message.to == [CLIENT]
    assert booked.reference in message.body and new.reference in message.body
    assert ics_start(message) == "20261105T210000Z"  # 14:00 in Denver
    # The old time comes as a withdrawn event, so calendars can remove it.
    (name, content, _kind) = message.attachments[1]
    assert name == f"{booked.reference}-cancelled.ics"
    content = content.decode() if isinstance(content, bytes) else content
    assert "METHOD:CANCEL" in content and "STATUS:CANCELLED" in content
    assert SECRET_NOTE not in message.body


def test_confirming_a_new_time_overlapping_the_old_one_works(booked, staff):
    overlapping = START + dt.timedelta(minutes=30)
    new = pipeline.reschedule_by_client(booked, start=NEW, now=NOW)
    pipeline.confirm(new, by=staff, start=overlapping, now=NOW)
    new.refresh_from_db()
    assert new.start == overlapping and new.status == S.CONFIRMED


def test_a_failed_confirmation_leaves_the_old_booking(booked, staff, deep60, alex):
    make_booking(S.CONFIRMED, service=deep60, therapist=alex, start=NEW + dt.timedelta(hours=2))
    new = pipeline.reschedule_by_client(booked, start=NEW, now=NOW)
    with pytest.raises(pipeline.BookingError, match="already booked"):
        pipeline.confirm(new, by=staff, start=NEW + dt.timedelta(hours=2), now=NOW)
    booked.refresh_from_db()
    assert booked.status == S.CONFIRMED
    assert not BookingEvent.objects.filter(request=booked).exists()


def test_accepting_a_proposed_new_time_cancels_the_old_one(booked, staff, alex):
    new = pipeline.reschedule_by_client(booked, start=NEW, now=NOW)
    other = NEW + dt.timedelta(hours=1)
    pipeline.propose(new, by=staff, therapist=alex, start=other, now=NOW)
    pipeline.accept_proposal(new, now=NOW)
    booked.refresh_from_db()
    assert booked.status == S.CANCELLED


@pytest.mark.parametrize("end", ["decline", "expire"])
def test_a_declined_or_expired_new_time_keeps_the_old_one(booked, staff, end):
    new = pipeline.reschedule_by_client(booked, start=NEW, now=NOW)
    mail.outbox.clear()
    if end == "decline":
        pipeline.decline(new, by=staff, reason="Fully booked that day", now=NOW)
    else:
        pipeline.expire(new, now=NOW + dt.timedelta(hours=49))
    booked.refresh_from_db()
    assert booked.status == S.CONFIRMED and booked.start == START
    (message,) = mail.outbox
    assert message.to == [CLIENT] and booked.reference in message.body


def test_cancelling_the_old_booking_withdraws_the_new_request(booked):
    new = pipeline.reschedule_by_client(booked, start=NEW, now=NOW)
    pipeline.cancel_by_client(booked, now=NOW)
    new.refresh_from_db()
    assert new.status == S.CANCELLED
    assert BookingEvent.objects.filter(request=new).last().note.startswith("Withdrawn")


@pytest.mark.parametrize("status", [s for s in S.values if s != S.CONFIRMED])
def test_only_a_confirmed_booking_can_be_moved(deep60, alex, status):
    request = make_booking(status, service=deep60, therapist=alex, start=START, changed_at=NOW)
    mail.outbox.clear()
    with pytest.raises(pipeline.BookingError) as refused:
        pipeline.reschedule_by_client(request, start=NEW, now=NOW)
    assert refused.value.code == "wrong_state"
    assert BookingRequest.objects.count() == 1
    assert not BookingEvent.objects.exists() and mail.outbox == []


@pytest.mark.parametrize(
    ("when", "code"),
    [
        (START - dt.timedelta(hours=23), "cutoff"),
        (NOW, "slot_same"),
    ],
)
def test_refused_moves_change_nothing(booked, when, code):
    with pytest.raises(pipeline.BookingError) as refused:
        pipeline.reschedule_by_client(booked, start=START if code == "slot_same" else NEW, now=when)
    assert refused.value.code == code
    if code == "cutoff":
        assert "(555) 010-0100" in refused.value.message
    assert BookingRequest.objects.count() == 1 and not BookingEvent.objects.exists()


def test_a_taken_time_is_refused(booked, deep60, alex):
    make_booking(S.CONFIRMED, service=deep60, therapist=alex, start=NEW)
    with pytest.raises(pipeline.BookingError) as refused:
        pipeline.reschedule_by_client(booked, start=NEW, now=NOW)
    assert refused.value.code == "slot_taken"


def test_one_new_time_at_a_time(booked):
    pipeline.reschedule_by_client(booked, start=NEW, now=NOW)
    with pytest.raises(pipeline.BookingError) as refused:
        pipeline.reschedule_by_client(booked, start=NEW + dt.timedelta(hours=1), now=NOW)
    assert refused.value.code == "pending"
    assert BookingRequest.objects.filter(reschedules=booked).count() == 1


def test_an_intake_that_needs_clearance_makes_the_new_request_wait(deep60, alex):
    # (Confirmed once it was cleared; a re-check has since asked for a new review.)
    intake = make_intake("MEDICAL")
    booking = make_booking(S.CONFIRMED, service=deep60, therapist=alex, start=START, intake=intake)
    new = pipeline.reschedule_by_client(booking, start=NEW, now=NOW)
    assert new.status == S.AWAITING_CLEARANCE


def test_an_emergency_intake_gets_no_new_time(deep60, alex):
    booking = make_booking(
        S.CONFIRMED, service=deep60, therapist=alex, start=START, intake=make_intake("EMERGENCY")
    )
    with pytest.raises(pipeline.BookingError) as refused:
        pipeline.reschedule_by_client(booking, start=NEW, now=NOW)
    assert refused.value.code == "emergency" and "911" in refused.value.message


def test_where_the_clinic_allows_it_a_free_time_moves_at_once(booked):
    allow_moves()
    BookingRequest.objects.filter(pk=booked.pk).update(reminder_sent_at=NOW)
    moved = pipeline.reschedule_by_client(booked, start=NEW, now=NOW)
    booked.refresh_from_db()
    assert moved.pk == booked.pk and BookingRequest.objects.count() == 1
    assert (booked.status, booked.start) == (S.CONFIRMED, NEW)
    assert booked.end == NEW + dt.timedelta(minutes=60)
    assert booked.blocked_until == NEW + dt.timedelta(minutes=75)
    assert booked.reminder_sent_at is None  # a reminder comes again for the new time
    (event,) = BookingEvent.objects.all()
    assert (event.from_status, event.to_status, event.actor_kind) == (
        S.CONFIRMED,
        S.CONFIRMED,
        "client",
    )
    assert event.note.startswith("Moved by the client; it was on Wed 4 Nov 2026, 10:00")
    assert sorted(m.to[0] for m in mail.outbox) == [CLIENT, CLINIC]
    to_client = next(m for m in mail.outbox if m.to[0] == CLIENT)
    assert ics_start(to_client) == "20261105T210000Z"
    to_clinic = next(m for m in mail.outbox if m.to[0] == CLINIC)
    assert "moved their appointment" in to_clinic.body
    assert to_clinic.subject == f"Booking {booked.reference} moved to a new time"
    for message in mail.outbox:
        assert SECRET_NOTE not in message.body


def test_an_uncleared_intake_never_moves_at_once(deep60, alex):
    allow_moves()
    intake = make_intake("MEDICAL")
    booking = make_booking(S.CONFIRMED, service=deep60, therapist=alex, start=START, intake=intake)
    new = pipeline.reschedule_by_client(booking, start=NEW, now=NOW)
    assert new.pk != booking.pk and new.status == S.AWAITING_CLEARANCE


# --- the pages ----------------------------------------------------------------------------------


@pytest.fixture
def confirmed(deep60, alex):
    return make_booking(S.CONFIRMED, service=deep60, therapist=alex, start=in_days(4, 10))


def page(reference: str) -> str:
    return f"/book/{reference}/reschedule/?token={make_token(reference)}"


def post(client, booking, **data):
    return client.post(
        f"/book/{booking.reference}/reschedule/",
        {"token": make_token(booking.reference), **data},
    )


def first_time(html: str) -> str:
    return re.search(r'name="start" id="id_start_0" value="([^"]+)"', html).group(1)


def test_the_time_picker_keeps_the_token_in_every_link(client, confirmed):
    response = client.get(page(confirmed.reference))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Change the time" in html and "Open times on" in html and "Mountain Time" in html
    day_links = re.findall(r'class="week-day" href="([^"]+)"', html)
    assert day_links and all("token=" in link for link in day_links)
    assert "no-store" in response["Cache-Control"]


def test_the_picker_needs_few_queries(client, confirmed, django_assert_max_num_queries):
    client.get(page(confirmed.reference))  # warm the process's copies
    # The booking's two and availability's three: the sessions come from the process's list.
    with django_assert_max_num_queries(5):
        client.get(page(confirmed.reference))


def test_choose_confirm_and_the_old_time_still_shows_as_booked(client, confirmed):
    html = client.get(page(confirmed.reference) + f"&day={in_days(6, 0).date()}").content.decode()
    start = first_time(html)
    step = post(client, confirmed, start=start, day=str(in_days(6, 0).date()))
    html = step.content.decode()
    assert step.status_code == 200 and "Check your new time" in html
    assert "stays booked until they confirm" in html
    assert BookingRequest.objects.count() == 1  # nothing sent before the confirmation
    done = post(client, confirmed, start=start, day=str(in_days(6, 0).date()), confirm="True")
    assert done.status_code == 302 and done["Location"] == manage_path(confirmed.reference)
    new = BookingRequest.objects.get(reschedules=confirmed)
    assert new.status == S.REQUESTED
    html = client.get(done["Location"]).content.decode()
    assert "Your request for" in html and new.reference in html
    assert "Confirmed" in html and "You asked to move this appointment" in html
    # A double submit changes nothing more.
    again = post(client, confirmed, start=start, confirm="True")
    assert again.status_code == 302
    assert BookingRequest.objects.filter(reschedules=confirmed).count() == 1


def test_a_time_taken_meanwhile_shows_the_message_and_the_other_times(client, confirmed, deep60):
    day = in_days(6, 0).date()
    html = client.get(page(confirmed.reference) + f"&day={day}").content.decode()
    start = first_time(html)
    make_booking(
        S.CONFIRMED, service=deep60, therapist=confirmed.therapist, start=parse_slot_value(start)
    )
    response = post(client, confirmed, start=start, day=str(day), confirm="True")
    html = response.content.decode()
    assert response.status_code == 409
    assert "no longer free" in html and 'id="id_start_0"' in html
    assert "There is a problem" in html
    assert not BookingRequest.objects.filter(reschedules=confirmed).exists()


def test_no_time_chosen_says_so_beside_the_times(client, confirmed):
    response = post(client, confirmed, day=str(in_days(6, 0).date()))
    assert response.status_code == 400
    assert "Choose a time." in response.content.decode()


def test_past_the_cutoff_there_is_only_the_phone(client, deep60, alex):
    soon = make_booking(
        S.CONFIRMED, service=deep60, therapist=alex, start=timezone.now() + dt.timedelta(hours=10)
    )
    html = client.get(page(soon.reference)).content.decode()
    assert 'href="tel:(555)010-0100"' in html and 'name="start"' not in html


@pytest.mark.parametrize("status", [S.CANCELLED, S.COMPLETED])
def test_a_finished_booking_cannot_be_moved(client, deep60, alex, status):
    done = make_booking(status, service=deep60, therapist=alex, start=in_days(4, 10))
    response = client.get(page(done.reference), follow=True)
    assert "its time cannot be changed" in response.content.decode()
    response = post(client, done, start="2026-01-01T00:00:00Z", confirm="True")
    assert response.status_code == 302
    assert BookingRequest.objects.count() == 1 and not BookingEvent.objects.exists()


def test_bad_links_and_methods(client, confirmed):
    url = f"/book/{confirmed.reference}/reschedule/"
    assert client.get(url, {"token": "wrong"}).status_code == 404
    assert client.post(url, {"token": make_token("UNK-22222")}).status_code == 404
    assert client.put(page(confirmed.reference)).status_code == 405


def test_an_ended_link_gets_the_expired_page(client, deep60, alex):
    long_ago = in_days(-120, 10)
    old = make_booking(
        S.CONFIRMED, service=deep60, therapist=alex, start=long_ago, changed_at=long_ago
    )
    assert client.get(page(old.reference)).status_code == 410
    assert post(client, old, start="x", confirm="True").status_code == 410


def test_the_calendar_file_on_the_manage_page(client, confirmed):
    html = client.get(manage_path(confirmed.reference)).content.decode()
    link = re.search(r'href="([^"]+calendar\.ics[^"]+)"', html).group(1).replace("&amp;", "&")
    response = client.get(link)
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar"
    assert f'filename="{confirmed.reference}.ics"' in response["Content-Disposition"]
    assert client.get(f"/book/{confirmed.reference}/calendar.ics?token=x").status_code == 404
    assert client.post(link).status_code == 405


def test_my_appointments_offers_the_change(client, confirmed):
    token = my_appointments.make_token(confirmed)
    html = client.get("/my/appointments/", {"link": token}).content.decode()
    link = re.search(r'href="([^"]+action=reschedule)"', html).group(1).replace("&amp;", "&")
    response = client.get(link)
    assert response.status_code == 302 and "/reschedule/" in response["Location"]
