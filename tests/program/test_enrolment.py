import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from clinic.program import enrolment, progress, tasks
from clinic.program.models import Enrolment, LessonDone
from tests.program.helpers import GATE_CLEAR, GATE_MEDICAL, start_program


@pytest.fixture(autouse=True)
def _fast_forms(settings):
    settings.FORM_MIN_FILL_SECONDS = 0


def _give_email(client, email="rosa@example.com", language="en", page="/program/"):
    form = client.get(page).content.decode()
    started = re.search(r'name="started" value="([^"]+)"', form).group(1)
    return client.post(
        "/program/email/", {"email": email, "language": language, "started": started}
    )


def _link(message, name):
    return re.search(rf"https?://[^\s]*/program/{name}/[^\s]+/", message.body).group(0)


def _path(url):
    return "/" + url.split("/", 3)[3]


def test_giving_an_email_keeps_the_progress_and_sends_a_confirm_link(client, lessons):
    start_program(client)
    client.post(f"{lessons[0].get_absolute_url()}done/")
    client.post("/program/baseline/", {"pain": "6", "limits": "4"})
    response = _give_email(client)
    assert response["Location"] == "/program/email/sent/"
    row = Enrolment.objects.get(email="rosa@example.com")
    assert row.started_at and row.confirmed_at is None and not row.needs_doctor_ok
    assert (row.baseline_pain, row.baseline_limits) == (6, 4)
    assert list(
        LessonDone.objects.filter(enrolment=row).values_list("lesson__order", flat=True)
    ) == [1]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rosa@example.com"]
    assert "/program/confirm/" in message.body and "/program/unsubscribe/" in message.body
    # No health detail: no score, no answer.
    assert "pain 6" not in message.body and "fracture" not in message.body.lower()
    # Typing the address did not link this browser to the row; the emailed link does, and
    # from then on lessons done here are written to the row too.
    client.post(f"{lessons[1].get_absolute_url()}done/")
    assert LessonDone.objects.filter(enrolment=row).count() == 1
    client.post(_path(_link(message, "confirm")))
    client.post(f"{lessons[2].get_absolute_url()}done/")
    assert LessonDone.objects.filter(enrolment=row).count() == 2


def test_an_address_signed_up_already_is_not_wiped_by_someone_typing_it(client, lessons):
    from django.test import Client

    row = _confirmed(client, lessons)
    client.post(f"{lessons[0].get_absolute_url()}done/")
    mail.outbox.clear()
    stranger = Client()
    start_program(stranger)
    response = _give_email(stranger)
    assert response["Location"] == "/program/email/sent/"
    row.refresh_from_db()
    assert row.confirmed_at and LessonDone.objects.filter(enrolment=row).count() == 1
    assert "enrolment" not in stranger.session[progress.SESSION_KEY]
    # The owner is told, with the link that brings their progress back.
    assert "You are signed up already" in mail.outbox[0].body
    assert "/program/resume/" in mail.outbox[0].body


def test_a_bad_email_is_refused_beside_the_field(client, lessons):
    start_program(client)
    response = _give_email(client, email="not-an-email")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter an email address like name@example.com." in page
    assert 'value="not-an-email"' in page
    assert not Enrolment.objects.exists() and not mail.outbox


def test_the_confirm_link_used_twice_does_nothing_more(client, lessons):
    start_program(client)
    _give_email(client)
    url = _path(_link(mail.outbox[0], "confirm"))
    assert "Confirm my email" in client.get(url).content.decode()
    client.post(url)
    row = Enrolment.objects.get()
    first = row.confirmed_at
    assert first and row.next_email_due
    due = row.next_email_due
    response = client.post(url, follow=True)
    assert "already confirmed" in response.content.decode()
    row.refresh_from_db()
    assert (row.confirmed_at, row.next_email_due) == (first, due)
    assert "confirmed already" in client.get(url).content.decode()
    assert len(mail.outbox) == 1


def test_a_forged_or_old_link_does_nothing(client, lessons):
    start_program(client)
    _give_email(client)
    url = _path(_link(mail.outbox[0], "confirm"))
    assert client.post(url[:-3] + "xx/").status_code == 404
    unsubscribe = _path(_link(mail.outbox[0], "unsubscribe"))
    token = unsubscribe.split("/")[3]
    assert client.post(f"/program/confirm/{token}/").status_code == 404  # wrong purpose
    assert Enrolment.objects.get().confirmed_at is None


def _confirmed(client, lessons, email="rosa@example.com"):
    start_program(client)
    _give_email(client, email=email)
    client.post(_path(_link(mail.outbox[-1], "confirm")))
    return Enrolment.objects.get(email=email)


def test_the_weekly_email_goes_once(client, lessons):
    row = _confirmed(client, lessons)
    mail.outbox.clear()
    assert enrolment.send_due_lesson_emails(now=row.next_email_due - dt.timedelta(minutes=1)) == 0
    assert enrolment.send_due_lesson_emails(now=row.next_email_due) == 1
    assert enrolment.send_due_lesson_emails(now=row.next_email_due) == 0  # run twice: one email
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Week 2 of your program: lesson 1, Starting safely" in message.subject
    assert "/program/starting-safely/" in message.body
    assert "/program/check-in/2/" in message.body
    assert "/program/unsubscribe/" in message.body and "/program/resume/" in message.body
    row.refresh_from_db()
    assert row.next_email_due == row.started_at + dt.timedelta(weeks=2)


def test_the_weekly_emails_end_after_week_6(client, lessons):
    row = _confirmed(client, lessons)
    mail.outbox.clear()
    late = row.started_at + dt.timedelta(weeks=10)
    sent = sum(enrolment.send_due_lesson_emails(now=late) for _ in range(8))
    assert sent == 5 and len(mail.outbox) == 5  # weeks 2 to 6
    row.refresh_from_db()
    assert row.next_email_due is None


def test_a_claim_taken_by_another_worker_sends_nothing(client, lessons):
    row = _confirmed(client, lessons)
    mail.outbox.clear()
    due = row.next_email_due
    # Another worker moved the row on between our read and our claim.
    Enrolment.objects.filter(pk=row.pk).update(next_email_due=due + dt.timedelta(weeks=1))
    original = enrolment.due
    enrolment.due = lambda now: Enrolment.objects.filter(pk=row.pk).extra(
        select={"next_email_due": "%s"}, select_params=[due]
    )
    try:
        assert enrolment.send_due_lesson_emails(now=due) == 0
    finally:
        enrolment.due = original
    assert not mail.outbox


def test_unsubscribing_stops_every_program_email(client, lessons):
    row = _confirmed(client, lessons)
    url = _path(_link(mail.outbox[0], "unsubscribe"))
    mail.outbox.clear()
    assert "Stop every program email" in client.get(url).content.decode()
    page = client.post(url).content.decode()
    assert "gets no more program emails" in page
    row.refresh_from_db()
    assert row.unsubscribed_at and row.next_email_due is None
    assert enrolment.send_due_lesson_emails(now=row.started_at + dt.timedelta(weeks=3)) == 0
    tasks.send_lesson.call(row.pk, 2)  # a lesson email queued before: checks again
    tasks.send_confirm.call(row.pk)
    assert not mail.outbox
    assert progress.SESSION_KEY not in client.session
    # The link that brings progress back to another browser stops too.
    assert client.get(enrolment.link(row, "resume")).status_code == 404


def test_the_resume_link_brings_the_progress_to_another_browser(client, lessons, django_user_model):
    from django.test import Client

    row = _confirmed(client, lessons)
    client.post(f"{lessons[0].get_absolute_url()}done/")
    enrolment.send_due_lesson_emails(now=row.next_email_due)
    other = Client()
    response = other.get(_path(_link(mail.outbox[-1], "resume")))
    assert response["Location"] == "/program/"
    page = other.get("/program/").content.decode()
    assert "1 of 8 lessons done" in page


def test_see_a_doctor_first_can_email_the_program_for_later(client, lessons):
    client.post("/program/start/", GATE_MEDICAL)
    response = _give_email(client, page="/program/start/")
    assert response["Location"] == "/program/email/sent/"
    row = Enrolment.objects.get()
    assert row.needs_doctor_ok and row.started_at is None
    message = mail.outbox[0]
    assert "for later" in message.body and "fracture" not in message.body.lower()
    # Nothing weekly while waiting, even once confirmed.
    doctor_ok = _path(_link(message, "start/doctor-ok"))
    assert "Start the program with your doctor" in client.get(doctor_ok).content.decode()
    assert enrolment.send_due_lesson_emails(now=timezone.now() + dt.timedelta(weeks=3)) == 0
    # The doctor's OK is needed, and the signs that need care now are asked again.
    answers = {key: GATE_CLEAR[key] for key in progress.CHECK_FIRST_KEYS}
    refused = client.post(doctor_ok, answers)
    assert refused.status_code == 400
    assert "Tick the box once your doctor has said" in refused.content.decode()
    page = client.post(doctor_ok, {**answers, "doctor_ok": "on"}).content.decode()
    assert "You can start the program" in page
    row.refresh_from_db()
    assert row.started_at and not row.needs_doctor_ok and row.next_email_due
    assert (
        progress.SESSION_KEY in client.session
        and client.session[progress.SESSION_KEY]["started_at"]
    )


def test_a_new_warning_sign_at_the_doctors_ok_still_stops_the_start(client, lessons):
    client.post("/program/start/", GATE_MEDICAL)
    _give_email(client, page="/program/start/")
    doctor_ok = _path(_link(mail.outbox[0], "start/doctor-ok"))
    answers = {key: GATE_CLEAR[key] for key in progress.CHECK_FIRST_KEYS}
    page = client.post(doctor_ok, {**answers, "chest_pain_now": "yes", "doctor_ok": "on"})
    assert "Call 911 now" in page.content.decode()
    assert Enrolment.objects.get().started_at is None


def test_no_email_before_the_gate(client, lessons):
    response = client.post("/program/email/", {"email": "a@example.com", "language": "en"})
    assert response["Location"] == "/program/start/"
    assert not Enrolment.objects.exists()


def test_each_email_is_in_the_clients_language(client, lessons, monkeypatch):
    from clinic.core import mail as core_mail

    sent = []
    original = core_mail.send
    monkeypatch.setattr(
        core_mail,
        "send",
        lambda name, to, context, *, language: (
            sent.append((name, language)) or original(name, to, context, language=language)
        ),
    )
    start_program(client)
    _give_email(client, language="es")
    client.post(_path(_link(mail.outbox[-1], "confirm")))
    row = Enrolment.objects.get()
    enrolment.send_due_lesson_emails(now=row.next_email_due)
    assert sent == [("program_confirm", "es"), ("program_lesson", "es")]
