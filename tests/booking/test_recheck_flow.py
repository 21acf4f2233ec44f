"""The pre-visit re-check through the reminder's link: every outcome, the link's problems
(altered, expired, used twice, cancelled), the answers never in an address or an email, the
merged answers scored by the same assess() for every kind of change, and what happens to a
confirmed booking held by a re-check once a therapist clears it."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clinic.booking import pipeline, visit_checks
from clinic.booking import recheck as rechecking
from clinic.booking.models import BookingEvent, BookingRequest, BookingStatus
from clinic.booking.pipeline import BookingError
from clinic.booking.tokens import make_recheck_token, make_token, recheck_path
from clinic.booking.views.recheck import RECHECK_KEY
from intake.models import Intake
from intake.questions import QUESTIONS
from intake.recheck import CHECK_FIRST_KEYS, keys_asked, merge
from intake.reviewing import clear_for_massage
from intake.triage import Level, assess
from tests.factories import make_booking, make_submitted_intake
from tests.intake.answers import benign
from tests.intake.test_recheck import RECHECKABLE

pytestmark = pytest.mark.django_db

# One rule each kind of change can report (tests/intake/test_recheck.py has them all).
RULE_PER_CHANGE = {
    "injury": "M25_RECENT_FRACTURE",
    "symptoms": "M02_PAIN_ON_BREATHING",
    "medicines": "M27_BLEEDING_DISORDER",
    "surgery": "M26_SURGERY_WITHIN_6_WEEKS",
    "pregnancy": "M33_HIGH_RISK_PREGNANCY",
}


def submitted_days_ago(days: int) -> Intake:
    """A calm pre-visit check sent `days` days ago (an intake's time cannot be changed after)."""
    then = timezone.now() - dt.timedelta(days=days)
    with pytest.MonkeyPatch.context() as past:
        past.setattr(timezone, "now", lambda: then)
        return make_submitted_intake(name="Ana Client", email="ana@example.com")


@pytest.fixture
def booking(deep60, alex):
    """Ana's confirmed session tomorrow, on a calm pre-visit check from ten days ago."""
    intake = submitted_days_ago(10)
    return make_booking(
        BookingStatus.CONFIRMED,
        service=deep60,
        therapist=alex,
        start=timezone.now() + dt.timedelta(hours=30),
        intake=intake,
    )


def url(booking, **query) -> str:
    path = recheck_path(booking.reference)
    return path + "".join(f"&{key}={value}" for key, value in query.items())


def form_data(answers: dict, keys) -> dict:
    return {key: answers[key] for key in keys if answers.get(key) is not None}


def step_one(booking, changes=(), signature="Ana Client", **answers) -> dict:
    data = form_data(benign(**answers), CHECK_FIRST_KEYS)
    return {
        **data,
        "changes": list(changes),
        "signature": signature,
        "token": make_recheck_token(booking.reference),
        "step": "1",
    }


def step_two(booking, changes, **answers) -> dict:
    keys = [key for key in keys_asked(changes) if key not in CHECK_FIRST_KEYS]
    return {
        **form_data(benign(**answers), keys),
        "token": make_recheck_token(booking.reference),
        "step": "2",
    }


def locations(response) -> list[str]:
    return [location for location, _status in getattr(response, "redirect_chain", [])]


# --- outcomes -----------------------------------------------------------------------------------


def test_nothing_changed_keeps_the_session_and_says_see_you(client, booking):
    page = client.get(url(booking))
    assert page.status_code == 200
    assert "Has anything changed since your pre-visit check?" in page.text
    response = client.post(url(booking), step_one(booking), follow=True)
    assert "Thank you: your re-check is done" in response.text
    assert "See you on" in response.text
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    new = booking.intake
    assert new.refreshes_id is not None and new.changes_reported == []
    assert new.consent_name == "Ana Client"
    assert not visit_checks.is_due(booking)
    assert RECHECK_KEY not in client.session


def test_a_check_first_emergency_shows_911_at_once_and_tells_the_clinic(client, booking):
    mail.outbox.clear()
    response = client.post(
        url(booking), step_one(booking, changes=["injury"], chest_pain_now="yes"), follow=True
    )
    assert "Call 911 now" in response.text
    assert 'href="tel:911"' in response.text
    booking.refresh_from_db()
    assert booking.status == BookingStatus.AWAITING_CLEARANCE
    assert booking.intake.level == Level.EMERGENCY
    assert booking.intake.changes_reported == ["injury"]
    event = booking.events.latest("pk")
    assert event.actor_kind == BookingEvent.Actor.CLIENT
    assert event.note == "The pre-visit re-check needs a therapist's review."
    to_clinic = [message for message in mail.outbox if "ana@example.com" not in message.to]
    assert len(to_clinic) >= 2  # the booking's notice and the intake's "needs review"
    for message in mail.outbox:
        body = message.body + message.subject
        assert "chest" not in body.lower()
        assert "EMERGENCY" not in body


@pytest.mark.parametrize("change", sorted(RULE_PER_CHANGE))
def test_each_kind_of_change_is_asked_and_scored_on_the_merged_answers(client, booking, change):
    rule_id = RULE_PER_CHANGE[change]
    rule_answers, changes = RECHECKABLE[rule_id]
    assert changes == [change]
    original = booking.intake
    response = client.post(url(booking), step_one(booking, changes=[change]))
    assert response.status_code == 302 and response["Location"].endswith("&step=2")
    page = client.get(response["Location"])
    for key in keys_asked([change]):
        if key not in CHECK_FIRST_KEYS:
            assert f'name="{key}"' in page.text
    response = client.post(url(booking), step_two(booking, [change], **rule_answers), follow=True)
    assert "A therapist will look at your answers before your session" in response.text
    booking.refresh_from_db()
    new = booking.intake
    assert new.refreshes_id == original.pk and new.changes_reported == [change]
    fresh = {key: new.answers[key] for key in keys_asked([change])}
    expected = assess(merge(original.answers, fresh, [change]))
    assert rule_id in new.fired
    assert new.level == expected.level == Level.MEDICAL
    assert booking.status == BookingStatus.AWAITING_CLEARANCE
    # The answers never asked again are the earlier ones.
    assert new.answers["age_years"] == original.answers["age_years"]


def test_a_change_with_nothing_new_keeps_the_session(client, booking):
    client.post(url(booking), step_one(booking, changes=["medicines"]))
    response = client.post(url(booking), step_two(booking, ["medicines"]), follow=True)
    assert "See you on" in response.text
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.intake.changes_reported == ["medicines"]


# --- bad input ----------------------------------------------------------------------------------


def test_step_one_left_blank_says_what_to_fix_keeps_what_was_typed_and_saves_nothing(
    client, booking
):
    count = Intake.objects.count()
    data = step_one(booking, changes=["surgery"], signature="")
    del data["breathless_now"]
    response = client.post(url(booking), data)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Say whether you are short of breath right now." in response.text
    assert "Type your full name to confirm that these answers are yours." in response.text
    assert 'value="surgery" checked' in response.text
    assert Intake.objects.count() == count
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_step_two_left_blank_says_what_to_fix_and_keeps_step_one(client, booking):
    client.post(url(booking), step_one(booking, changes=["surgery"]))
    count = Intake.objects.count()
    response = client.post(
        url(booking), {"token": make_recheck_token(booking.reference), "step": "2"}
    )
    assert response.status_code == 200
    assert "Say whether you have had surgery in the last 12 weeks." in response.text
    assert Intake.objects.count() == count
    assert client.session[RECHECK_KEY]["changes"] == ["surgery"]
    back = client.post(
        url(booking),
        {"token": make_recheck_token(booking.reference), "step": "2", "action": "back"},
    )
    page = client.get(back["Location"])
    assert 'value="surgery" checked' in page.text
    assert 'value="Ana Client"' in page.text


def test_answers_are_never_in_an_address(client, booking):
    first = client.post(url(booking), step_one(booking, changes=["pregnancy"]))
    second = client.post(
        url(booking),
        step_two(booking, ["pregnancy"], pregnant="yes", pregnancy_high_risk="yes"),
        follow=True,
    )
    for location in [first["Location"], *locations(second)]:
        assert "pregnan" not in location
        assert "yes" not in location
        assert "chest" not in location


# --- the link -----------------------------------------------------------------------------------


def test_an_altered_link_offers_a_new_one_and_changes_nothing(client, booking):
    count = Intake.objects.count()
    bad = reverse("booking_recheck", args=[booking.reference]) + "?token=not-it"
    assert client.get(bad).status_code == 404
    response = client.post(bad, {**step_one(booking), "token": "not-it"})
    assert response.status_code == 404
    assert "This link does not work" in response.text
    assert reverse("my_request") in response.text
    assert Intake.objects.count() == count


def test_a_manage_token_does_not_open_the_recheck_nor_the_other_way_round(client, booking):
    recheck = reverse("booking_recheck", args=[booking.reference])
    assert client.get(f"{recheck}?token={make_token(booking.reference)}").status_code == 404
    manage = reverse("booking_manage", args=[booking.reference])
    assert client.get(f"{manage}?token={make_recheck_token(booking.reference)}").status_code == 404


def test_a_link_after_the_session_started_is_closed_and_does_nothing(client, booking):
    BookingRequest.objects.filter(pk=booking.pk).update(
        start=timezone.now() - dt.timedelta(minutes=5),
        end=timezone.now() + dt.timedelta(minutes=55),
        blocked_until=timezone.now() + dt.timedelta(minutes=70),
    )
    count = Intake.objects.count()
    response = client.post(url(booking), step_one(booking, chest_pain_now="yes"))
    assert response.status_code == 410
    assert "This re-check has closed" in response.text
    assert Intake.objects.count() == count


def test_a_cancelled_booking_takes_no_recheck(client, booking):
    pipeline.cancel_by_client(booking)
    count = Intake.objects.count()
    response = client.post(url(booking), step_one(booking, chest_pain_now="yes"))
    assert response.status_code == 410
    assert "This appointment was cancelled" in response.text
    assert Intake.objects.count() == count
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_a_link_used_twice_shows_what_was_sent_and_takes_no_second_recheck(client, booking):
    client.post(url(booking), step_one(booking, changes=["surgery"]))
    done = client.post(url(booking), step_two(booking, ["surgery"]), follow=True)
    assert "See you on" in done.text
    assert "You already sent this re-check" not in done.text
    count = Intake.objects.count()
    again = client.get(url(booking))
    assert "You already sent this re-check" in again.text
    assert "An operation or a stay in hospital" in again.text
    assert "Have you had surgery in the last 12 weeks?" in again.text
    client.post(url(booking), step_one(booking, chest_pain_now="yes"))
    assert Intake.objects.count() == count
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


# --- which sessions need one ----------------------------------------------------------------------


def test_a_session_within_the_lead_time_on_an_old_check_is_due(booking, settings):
    assert visit_checks.is_due(booking)
    assert list(visit_checks.due()) == [booking]
    settings.RECHECK_LEAD_HOURS = 24
    assert not visit_checks.is_due(booking)
    assert list(visit_checks.due()) == []


def test_a_check_answered_for_this_visit_is_not_due(booking):
    BookingRequest.objects.filter(pk=booking.pk).update(intake=make_submitted_intake())
    booking.refresh_from_db()
    assert not visit_checks.is_due(booking)
    assert list(visit_checks.due()) == []


def test_a_check_answered_before_the_lead_time_is_due_again(booking):
    BookingRequest.objects.filter(pk=booking.pk).update(intake=submitted_days_ago(3))
    booking.refresh_from_db()
    assert visit_checks.is_due(booking)


# --- the pipeline ---------------------------------------------------------------------------------


def hold(booking, **answers) -> BookingRequest:
    result = rechecking.record(booking, benign(**answers), ["medicines"], signature="Ana Client")
    assert result.outcome == rechecking.HOLD
    return result.booking


def test_cleared_after_a_hold_the_booking_keeps_its_time(booking, therapist):
    start, who = booking.start, booking.therapist
    held = hold(booking, bleeding_disorder="yes")
    assert held.status == BookingStatus.AWAITING_CLEARANCE
    mail.outbox.clear()
    clear_for_massage(held.intake, therapist, "Doctor's letter seen; lighter pressure.")
    held.refresh_from_db()
    assert held.status == BookingStatus.CONFIRMED
    assert (held.start, held.therapist) == (start, who)
    assert any("ana@example.com" in message.to for message in mail.outbox)


def test_cleared_after_a_hold_when_the_time_was_taken_the_client_gets_a_new_one(
    booking, therapist, deep60
):
    held = hold(booking, bleeding_disorder="yes")
    other = make_booking(
        BookingStatus.CONFIRMED,
        service=deep60,
        therapist=booking.therapist,
        start=booking.start,
        client_name="Bo Other",
    )
    clear_for_massage(held.intake, therapist, "Doctor's letter seen.")
    held.refresh_from_db()
    assert held.status == BookingStatus.REQUESTED
    assert held.start is None and held.therapist is None
    other.refresh_from_db()
    assert other.status == BookingStatus.CONFIRMED


def test_a_held_proposal_is_withdrawn(deep60, alex):
    intake = submitted_days_ago(10)
    proposed = make_booking(
        BookingStatus.PROPOSED,
        service=deep60,
        therapist=alex,
        start=timezone.now() + dt.timedelta(hours=30),
        intake=intake,
    )
    held = hold(proposed, bleeding_disorder="yes")
    assert held.status == BookingStatus.AWAITING_CLEARANCE
    assert held.start is None


def test_a_cancelled_booking_cannot_be_held(booking):
    pipeline.cancel_by_client(booking)
    with pytest.raises(BookingError):
        pipeline.recheck_needs_clearance(booking, new_intake=booking.intake)
    with pytest.raises(rechecking.RecheckClosed):
        rechecking.record(booking, benign(), [], signature="Ana Client")


def test_only_the_asked_questions_change(booking):
    result = rechecking.record(booking, {**benign(), "age_years": 99}, [], signature="Ana")
    assert result.intake.answers["age_years"] == benign()["age_years"]
    assert set(result.intake.answers) == set(QUESTIONS)


@pytest.mark.parametrize("status", BookingStatus.values)
def test_recheck_needs_clearance_moves_only_from_a_live_booking(status, deep60, alex):
    intake = submitted_days_ago(10)
    booking = make_booking(
        status,
        service=deep60,
        therapist=alex,
        start=timezone.now() + dt.timedelta(hours=30),
        intake=intake,
    )
    new = make_submitted_intake(bleeding_disorder="yes")
    if status in pipeline.ALLOWED_FROM["recheck_needs_clearance"]:
        held = pipeline.recheck_needs_clearance(booking, new_intake=new)
        assert held.status == BookingStatus.AWAITING_CLEARANCE
        assert held.intake_id == new.pk
        event = held.events.latest("pk")
        assert (event.from_status, event.to_status) == (status, BookingStatus.AWAITING_CLEARANCE)
    else:
        with pytest.raises(BookingError):
            pipeline.recheck_needs_clearance(booking, new_intake=new)
        booking.refresh_from_db()
        assert booking.status == status and booking.intake_id == intake.pk


def test_a_request_cleared_without_a_recheck_moves_on_as_before(deep60, alex, therapist):
    waiting = make_booking(
        BookingStatus.AWAITING_CLEARANCE,
        service=deep60,
        therapist=None,
        start=timezone.now() + dt.timedelta(days=3),
    )
    moved = pipeline.move_on_after_clearance(waiting, by=therapist)
    assert moved.status == BookingStatus.REQUESTED and moved.start is None


def test_the_reminder_carries_the_recheck_link_when_given_one(booking):
    from django.template.loader import render_to_string

    from clinic.booking import emails
    from clinic.booking.tokens import recheck_url

    link = recheck_url(booking.reference)
    body = render_to_string(
        "emails/booking_reminder_body.txt", emails._context(booking, recheck_url=link)
    )
    assert link in body and "re-check" in body
    without = render_to_string("emails/booking_reminder_body.txt", emails._context(booking))
    assert "re-check" not in without


# --- the emails: the link two days before, and "on hold" -----------------------------------------


def test_the_recheck_link_is_emailed_once_within_the_lead_time(booking):
    mail.outbox.clear()
    assert pipeline.send_due_rechecks() == 1
    assert pipeline.send_due_rechecks() == 0  # a second run (or worker) asks nobody twice
    [message] = mail.outbox
    assert message.to == ["ana@example.com"]
    assert "safety questions" in message.subject
    assert recheck_path(booking.reference) in message.body
    booking.refresh_from_db()
    assert booking.recheck_asked_at is not None


def test_no_recheck_email_before_the_lead_time_or_for_a_fresh_check(booking, deep60, alex):
    later = make_booking(
        BookingStatus.CONFIRMED,
        service=deep60,
        therapist=alex,
        start=timezone.now() + dt.timedelta(days=5),
        intake=submitted_days_ago(10),
        email="later@example.com",
    )
    BookingRequest.objects.filter(pk=booking.pk).update(intake=make_submitted_intake())
    mail.outbox.clear()
    assert pipeline.send_due_rechecks() == 0
    assert mail.outbox == []
    # Two days before the later one, it is asked for.
    assert pipeline.send_due_rechecks(now=later.start - dt.timedelta(hours=40)) == 1
    assert mail.outbox[0].to == ["later@example.com"]


def test_the_recheck_email_speaks_the_clients_language_and_holds_no_answer(booking):
    BookingRequest.objects.filter(pk=booking.pk).update(language="es")
    mail.outbox.clear()
    pipeline.send_due_rechecks()
    [message] = mail.outbox
    assert "preguntas" in message.subject
    # Both links open the Spanish pages.
    assert f"/es/book/{booking.reference}/recheck/?" in message.body
    assert f"/es/book/{booking.reference}/?" in message.body
    assert "/book/" not in message.body.replace("/es/book/", "")
    for answer_word in ("chest", "pecho", "blood", "sangre"):
        assert answer_word not in message.subject.lower()


def test_a_hold_tells_the_client_without_health_detail(booking):
    mail.outbox.clear()
    held = hold(booking, bleeding_disorder="yes")
    to_client = [m for m in mail.outbox if m.to == ["ana@example.com"]]
    [message] = to_client
    assert held.reference in message.subject
    assert "review" in message.body and "on hold" in message.body
    for health_word in ("bleeding", "bruise", "medicine", "blood"):
        assert health_word not in message.body.lower()
