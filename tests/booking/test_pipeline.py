"""Every transition, from every status: what changes, the history row, and the emails."""

import datetime as dt

import pytest
from django.core import mail

from clinic.booking import pipeline
from clinic.booking.models import BookingEvent, BookingRequest, BookingStatus
from clinic.core.models import ClinicSettings
from intake.models import Intake
from tests.booking.support import local
from tests.factories import make_booking, make_intake, make_staff

pytestmark = pytest.mark.django_db

S = BookingStatus
NOW = local(2026, 11, 2, 8, 0)  # Monday
START = local(2026, 11, 4, 10, 0)  # Wednesday 10:00, 50 hours later
OTHER = local(2026, 11, 4, 14, 0)

CLIENT, CLINIC = "ana@example.com", "hello@clinic.example"


def run(name, request, staff, alex):
    """Call one transition with arguments that satisfy everything but the state check."""
    calls = {
        "clear": lambda: pipeline.clear(request, by=staff, note="Doctor's OK on the phone", now=NOW),
        "confirm": lambda: pipeline.confirm(request, by=staff, therapist=alex, start=START, now=NOW),
        "propose": lambda: pipeline.propose(request, by=staff, therapist=alex, start=OTHER, now=NOW),
        "accept_proposal": lambda: pipeline.accept_proposal(request, now=NOW),
        "decline_proposal": lambda: pipeline.decline_proposal(request, now=NOW),
        "decline": lambda: pipeline.decline(request, by=staff, reason="Fully booked", now=NOW),
        "cancel_by_client": lambda: pipeline.cancel_by_client(request, now=NOW),
        "cancel_by_clinic": lambda: pipeline.cancel_by_clinic(request, by=staff, reason="Ill", now=NOW),
        "expire": lambda: pipeline.expire(request, now=NOW + dt.timedelta(hours=49)),
        "complete": lambda: pipeline.complete(request, by=staff, now=START + dt.timedelta(hours=1)),
        "no_show": lambda: pipeline.no_show(request, by=staff, now=START + dt.timedelta(hours=1)),
    }  # fmt: skip
    return calls[name]()


# transition -> {from status: (to status, [(recipient, words in the subject)])}
ALLOWED = {
    "clear": {S.AWAITING_CLEARANCE: (S.REQUESTED, [(CLIENT, "moves on")])},
    "confirm": {
        S.REQUESTED: (S.CONFIRMED, [(CLIENT, "confirmed")]),
        S.PROPOSED: (S.CONFIRMED, [(CLIENT, "confirmed")]),
    },
    "propose": {
        S.REQUESTED: (S.PROPOSED, [(CLIENT, "another time")]),
        S.PROPOSED: (S.PROPOSED, [(CLIENT, "another time")]),
    },
    "accept_proposal": {
        S.PROPOSED: (S.CONFIRMED, [(CLIENT, "confirmed"), (CLINIC, "now “Confirmed”")])
    },
    "decline_proposal": {S.PROPOSED: (S.REQUESTED, [(CLINIC, "now “Requested”")])},
    "decline": {
        status: (S.DECLINED, [(CLIENT, "cannot take")])
        for status in (S.AWAITING_CLEARANCE, S.REQUESTED, S.PROPOSED)
    },
    "cancel_by_client": {
        status: (S.CANCELLED, [(CLIENT, "is cancelled"), (CLINIC, "now “Cancelled”")])
        for status in (S.AWAITING_CLEARANCE, S.REQUESTED, S.PROPOSED, S.CONFIRMED)
    },
    "cancel_by_clinic": {
        status: (S.CANCELLED, [(CLIENT, "is cancelled")])
        for status in (S.AWAITING_CLEARANCE, S.REQUESTED, S.PROPOSED, S.CONFIRMED)
    },
    "expire": {
        status: (S.EXPIRED, [(CLIENT, "has expired")])
        for status in (S.AWAITING_CLEARANCE, S.REQUESTED, S.PROPOSED)
    },
    "complete": {S.CONFIRMED: (S.COMPLETED, [])},
    "no_show": {S.CONFIRMED: (S.NO_SHOW, [])},
}
CLIENT_ACTIONS = {"accept_proposal", "decline_proposal", "cancel_by_client"}
CASES = [(name, status, status in ALLOWED[name]) for name in ALLOWED for status in S.values]


@pytest.fixture
def staff(db):
    return make_staff("tess", password=None)


def existing(status, deep60, alex):
    request = make_booking(status, service=deep60, therapist=alex, start=START, changed_at=NOW)
    mail.outbox.clear()
    return request


@pytest.mark.parametrize(
    ("name", "status", "allowed"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_transition(name, status, allowed, deep60, alex, staff):
    request = existing(status, deep60, alex)
    if not allowed:
        with pytest.raises(pipeline.BookingError) as refused:
            run(name, request, staff, alex)
        assert refused.value.code == "wrong_state"
        assert request.reference in refused.value.message
        request.refresh_from_db()
        assert request.status == status
        assert not BookingEvent.objects.exists()
        assert mail.outbox == []
        return

    to_status, emails = ALLOWED[name][status]
    result = run(name, request, staff, alex)

    request.refresh_from_db()
    assert result.status == request.status == to_status
    event = BookingEvent.objects.get()
    assert (event.request, event.from_status, event.to_status) == (request, status, to_status)
    if name in CLIENT_ACTIONS:
        assert (event.actor_kind, event.actor) == ("client", None)
    elif name == "expire":
        assert (event.actor_kind, event.actor) == ("system", None)
    else:
        assert (event.actor_kind, event.actor) == ("staff", staff)
    sent = sorted((message.to[0], message.subject) for message in mail.outbox)
    assert len(sent) == len(emails), sent
    for (recipient, words), (to, subject) in zip(sorted(emails), sent, strict=True):
        assert to == recipient and words in subject, (to, subject)


def test_confirm_books_the_requested_time_and_the_buffer(deep60, alex, staff):
    request = existing(S.REQUESTED, deep60, alex)
    pipeline.confirm(request, by=staff, now=NOW)
    request.refresh_from_db()
    assert (request.therapist, request.start) == (alex, START)
    assert request.end == START + dt.timedelta(minutes=60)
    assert request.blocked_until == START + dt.timedelta(minutes=75)


def test_confirm_needs_a_therapist_when_any_was_asked(deep60, staff):
    request = make_booking(S.REQUESTED, service=deep60, therapist=None, start=START)
    with pytest.raises(pipeline.BookingError, match="Choose a therapist"):
        pipeline.confirm(request, by=staff, now=NOW)
    request.refresh_from_db()
    assert request.status == S.REQUESTED


def test_confirm_refuses_an_overlap_with_a_clear_message(deep60, alex, staff):
    make_booking(S.CONFIRMED, service=deep60, therapist=alex, start=START)
    request = existing(S.REQUESTED, deep60, alex)
    overlapping = START + dt.timedelta(minutes=70)  # inside the other booking's buffer
    with pytest.raises(pipeline.BookingError) as refused:
        pipeline.confirm(request, by=staff, start=overlapping, now=NOW)
    assert refused.value.message.startswith("Alex Morgan is already booked at that time")
    request.refresh_from_db()
    assert (request.status, request.start) == (S.REQUESTED, None)
    assert not BookingEvent.objects.exists()
    assert mail.outbox == []
    # Just after the buffer is fine.
    pipeline.confirm(request, by=staff, start=START + dt.timedelta(minutes=75), now=NOW)


def test_confirm_refuses_the_therapists_time_off_and_the_past(deep60, alex, staff):
    from clinic.booking.models import TimeOff

    TimeOff.objects.create(therapist=alex, start=START, end=START + dt.timedelta(hours=2))
    request = existing(S.REQUESTED, deep60, alex)
    with pytest.raises(pipeline.BookingError, match="is off at that time"):
        pipeline.confirm(request, by=staff, now=NOW)
    with pytest.raises(pipeline.BookingError, match="already passed"):
        pipeline.confirm(request, by=staff, start=NOW - dt.timedelta(hours=1), now=NOW)


def test_propose_refuses_a_booked_time(deep60, alex, staff):
    make_booking(S.CONFIRMED, service=deep60, therapist=alex, start=OTHER)
    request = existing(S.REQUESTED, deep60, alex)
    with pytest.raises(pipeline.BookingError, match="already booked"):
        pipeline.propose(request, by=staff, therapist=alex, start=OTHER, now=NOW)


def test_decline_proposal_forgets_the_proposed_time(deep60, alex, staff):
    request = existing(S.REQUESTED, deep60, alex)
    pipeline.propose(request, by=staff, therapist=alex, start=OTHER, message="Not Wed am", now=NOW)
    pipeline.decline_proposal(request, now=NOW)
    request.refresh_from_db()
    assert (request.status, request.start, request.therapist) == (S.REQUESTED, None, None)
    assert request.message_to_client == ""


def test_accepting_a_proposal_after_it_expired_is_refused(deep60, alex):
    request = existing(S.PROPOSED, deep60, alex)
    with pytest.raises(pipeline.BookingError, match="expired"):
        pipeline.accept_proposal(request, now=NOW + dt.timedelta(hours=48))
    request.refresh_from_db()
    assert request.status == S.PROPOSED


def test_decline_needs_a_reason(deep60, alex, staff):
    request = existing(S.REQUESTED, deep60, alex)
    with pytest.raises(pipeline.BookingError, match="reason"):
        pipeline.decline(request, by=staff, reason="  ", now=NOW)


def test_client_cannot_cancel_after_the_cutoff(deep60, alex):
    request = existing(S.CONFIRMED, deep60, alex)
    late = START - dt.timedelta(hours=23)
    with pytest.raises(pipeline.BookingError) as refused:
        pipeline.cancel_by_client(request, now=late)
    assert "24 hours" in refused.value.message and "(555) 010-0100" in refused.value.message
    request.refresh_from_db()
    assert request.status == S.CONFIRMED
    assert not BookingEvent.objects.exists()


def test_clinic_can_cancel_after_the_cutoff(deep60, alex, staff):
    request = existing(S.CONFIRMED, deep60, alex)
    pipeline.cancel_by_clinic(request, by=staff, reason="Therapist ill", now=START)
    request.refresh_from_db()
    assert request.status == S.CANCELLED
    assert request.message_to_client == "Therapist ill"


def test_expire_refuses_a_request_still_within_its_time(deep60, alex):
    request = existing(S.REQUESTED, deep60, alex)
    with pytest.raises(pipeline.BookingError, match="still within"):
        pipeline.expire(request, now=NOW + dt.timedelta(hours=47))


def test_complete_and_no_show_wait_for_the_session(deep60, alex, staff):
    request = existing(S.CONFIRMED, deep60, alex)
    with pytest.raises(pipeline.BookingError, match="not started"):
        pipeline.complete(request, by=staff, now=START - dt.timedelta(minutes=1))
    with pytest.raises(pipeline.BookingError, match="not started"):
        pipeline.no_show(request, by=staff, now=START - dt.timedelta(minutes=1))


def test_staff_transitions_name_the_staff_member(deep60, alex):
    request = existing(S.REQUESTED, deep60, alex)
    with pytest.raises(pipeline.BookingError):
        pipeline.confirm(request, by=None, now=NOW)


# --- clear: the intake's review goes with it --------------------------------------------------------


def test_clear_clears_the_intake_in_the_same_step(deep60, alex, staff):
    intake = make_intake("MEDICAL")
    request = make_booking(
        S.AWAITING_CLEARANCE, service=deep60, therapist=alex, start=START, intake=intake
    )
    pipeline.clear(request, by=staff, note="Doctor's letter seen", now=NOW)
    intake.refresh_from_db()
    assert intake.review_status == Intake.ReviewStatus.CLEARED
    assert intake.reviewed_by == staff


def test_clear_without_the_note_a_doctor_first_result_needs_changes_nothing(deep60, alex, staff):
    intake = make_intake("MEDICAL")
    request = make_booking(
        S.AWAITING_CLEARANCE, service=deep60, therapist=alex, start=START, intake=intake
    )
    with pytest.raises(pipeline.BookingError, match="Write a note"):
        pipeline.clear(request, by=staff, note="", now=NOW)
    request.refresh_from_db()
    intake.refresh_from_db()
    assert request.status == S.AWAITING_CLEARANCE
    assert intake.review_status == Intake.ReviewStatus.NEW
    assert not BookingEvent.objects.exists()


def test_clear_of_an_already_cleared_intake_needs_no_note(deep60, alex, staff):
    intake = make_intake("MEDICAL", review_status="cleared", reviewer=staff)
    request = make_booking(
        S.AWAITING_CLEARANCE, service=deep60, therapist=alex, start=START, intake=intake
    )
    pipeline.clear(request, by=staff, now=NOW)
    request.refresh_from_db()
    assert request.status == S.REQUESTED


def test_one_clearance_on_the_intake_moves_every_request_waiting_on_it(deep60, alex, staff):
    from intake import reviewing

    intake = make_intake("MEDICAL")
    first, second = (
        make_booking(S.AWAITING_CLEARANCE, service=deep60, therapist=alex, start=START + d,
                     intake=intake, email=CLIENT)
        for d in (dt.timedelta(0), dt.timedelta(days=1))
    )  # fmt: skip
    mail.outbox.clear()
    reviewing.clear_for_massage(intake, staff, "Doctor's OK by phone")
    for booking in (first, second):
        booking.refresh_from_db()
        assert booking.status == S.REQUESTED
    moved_on = [m for m in mail.outbox if "moves on" in m.subject]
    assert len(moved_on) == 2 and all(m.to == [CLIENT] for m in moved_on)
    for message in moved_on:
        assert "doctor" not in message.body.lower() and "MEDICAL" not in message.body
    # Cleared once: a second therapist deciding the same intake is told, and nothing changes.
    with pytest.raises(reviewing.ReviewError, match="already made this decision"):
        reviewing.clear_for_massage(intake, staff, "Again")
    assert BookingEvent.objects.filter(to_status=S.REQUESTED).count() == 2


def test_clearing_from_one_booking_moves_the_others_too(deep60, alex, staff):
    intake = make_intake("MEDICAL")
    here, other = (
        make_booking(S.AWAITING_CLEARANCE, service=deep60, therapist=alex, start=START + d,
                     intake=intake)
        for d in (dt.timedelta(0), dt.timedelta(days=2))
    )  # fmt: skip
    pipeline.clear(here, by=staff, note="Doctor's letter seen", now=NOW)
    assert {b.status for b in BookingRequest.objects.filter(pk__in=[here.pk, other.pk])} == {
        S.REQUESTED
    }
    assert Intake.objects.get(pk=intake.pk).review_note == "Doctor's letter seen"


def test_a_referral_asks_the_client_to_see_their_doctor_and_keeps_the_request(deep60, alex, staff):
    from intake import reviewing

    intake = make_intake("MEDICAL")
    booking = make_booking(
        S.AWAITING_CLEARANCE, service=deep60, therapist=alex, start=START, intake=intake,
        email=CLIENT,
    )  # fmt: skip
    mail.outbox.clear()
    reviewing.refer_to_doctor(intake, staff, "Numb hands: see GP")
    booking.refresh_from_db()
    assert booking.status == S.AWAITING_CLEARANCE
    [message] = mail.outbox
    assert message.to == [CLIENT]
    assert "please see your doctor first" in message.body
    assert "We keep your request for 48 hours" in message.body
    assert "Numb" not in message.body and "MEDICAL" not in message.body


# --- submit ---------------------------------------------------------------------------------------


def submit(deep60, therapist, intake, start=START, **extra):
    return pipeline.submit(
        service=deep60,
        requested_therapist=therapist,
        requested_start=start,
        client_name="Ana Client",
        email=CLIENT,
        phone="(555) 010-0199",
        intake=intake,
        now=NOW,
        **extra,
    )


@pytest.mark.parametrize(
    ("level", "flags", "review", "expected"),
    [
        ("SELF_CARE", [], "new", S.REQUESTED),
        ("PROFESSIONAL", [], "new", S.REQUESTED),
        ("MEDICAL", [], "new", S.AWAITING_CLEARANCE),
        ("MEDICAL", [], "cleared", S.REQUESTED),
        ("PROFESSIONAL", ["EMERGENCY_SCREEN_INCOMPLETE"], "new", S.AWAITING_CLEARANCE),
    ],
)
def test_submit_starts_where_the_intake_says(deep60, alex, staff, level, flags, review, expected):
    intake = make_intake(level, flags=flags, review_status=review, reviewer=staff)
    request = submit(deep60, alex, intake)
    assert request.status == expected
    assert request.reference.startswith("UNK-") and len(request.reference) == 9
    event = request.events.get()
    assert (event.from_status, event.to_status, event.actor_kind) == ("", expected, "client")
    assert sorted(message.to[0] for message in mail.outbox) == [CLIENT, CLINIC]


@pytest.mark.parametrize("intake_level", ["EMERGENCY", None])
def test_submit_refuses_without_an_intake_or_with_an_emergency(deep60, alex, intake_level):
    intake = make_intake(intake_level) if intake_level else None
    with pytest.raises(pipeline.BookingError) as refused:
        submit(deep60, alex, intake)
    assert refused.value.code == ("emergency" if intake_level else "no_intake")
    assert not BookingRequest.objects.exists()
    assert mail.outbox == []


def test_submit_refuses_a_time_that_is_not_open(deep60, alex):
    make_booking(S.CONFIRMED, service=deep60, therapist=alex, start=START)
    mail.outbox.clear()
    with pytest.raises(pipeline.BookingError) as refused:
        submit(deep60, alex, make_intake())
    assert refused.value.code == "slot_taken"
    assert BookingRequest.objects.count() == 1
    assert mail.outbox == []


def test_references_are_unique_and_readable(deep60, alex):
    intake = make_intake()
    references = {
        submit(deep60, alex, intake, start=START + dt.timedelta(minutes=15 * n)).reference
        for n in range(12)
    }
    assert len(references) == 12
    for reference in references:
        assert not set(reference[4:]) & set("01IOLU")


def test_a_rolled_back_change_queues_nothing(settings, deep60, alex, staff):
    """With the real (database) task backend, the queued email is part of the transaction."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    request = existing(S.REQUESTED, deep60, alex)

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        pipeline.confirm(request, by=staff, now=NOW)
        assert DBTaskResult.objects.count() == 1
        raise Abort
    assert DBTaskResult.objects.count() == 0
    request.refresh_from_db()
    assert request.status == S.REQUESTED

    pipeline.confirm(request, by=staff, now=NOW)
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "clinic.booking.tasks.send_confirmation"
    assert queued.args_kwargs == {"args": [request.pk], "kwargs": {}}  # ids only, no names


def test_confirming_within_a_day_counts_as_the_reminder(deep60, alex, staff):
    request = existing(S.REQUESTED, deep60, alex)
    pipeline.confirm(request, by=staff, now=START - dt.timedelta(hours=20))
    request.refresh_from_db()
    assert request.reminder_sent_at == START - dt.timedelta(hours=20)
    assert pipeline.send_due_reminders(now=START - dt.timedelta(hours=19)) == 0


def test_rules_come_from_clinic_settings(deep60, alex):
    rules = ClinicSettings.load()
    rules.cancellation_cutoff_hours = 72
    rules.save()
    request = existing(S.CONFIRMED, deep60, alex)
    with pytest.raises(pipeline.BookingError, match="72 hours"):
        pipeline.cancel_by_client(request, now=NOW)
