"""Program emails in the client's language: the words, the lesson, and every link under that
language's addresses."""

import re

import pytest
from django.conf import settings
from django.core import mail

from clinic.program import enrolment
from clinic.program.models import Enrolment, Lesson, LessonDone
from tests.program.helpers import GATE_CLEAR


@pytest.fixture(autouse=True)
def _fast_forms(settings):
    settings.FORM_MIN_FILL_SECONDS = 0


def _links(message) -> list[str]:
    return [
        url.removeprefix(settings.SITE_URL) for url in re.findall(r"https?://\S+", message.body)
    ]


def _enrol(client, language: str, prefix: str) -> Enrolment:
    client.post(f"{prefix}/program/start/", GATE_CLEAR)
    form = client.get(f"{prefix}/program/").content.decode()
    started = re.search(r'name="started" value="([^"]+)"', form).group(1)
    client.post(
        f"{prefix}/program/email/",
        {"email": f"{language}@example.com", "language": language, "started": started},
    )
    return Enrolment.objects.get(email=f"{language}@example.com")


def test_a_spanish_confirm_email_links_the_spanish_pages(client, spanish_lessons):
    row = _enrol(client, "es", "/es")
    message = mail.outbox[-1]
    assert message.body.startswith("Hola:")
    links = _links(message)
    assert links[0].startswith("/es/program/confirm/")
    assert "/es/program/" in links
    assert any(link.startswith("/es/program/unsubscribe/") for link in links)
    assert all(link.startswith("/es/") for link in links)
    # The confirm link opens in Spanish and confirms.
    response = client.post(links[0])
    assert response["Location"] == "/es/program/"
    row.refresh_from_db()
    assert row.confirmed_at is not None


def test_a_spanish_weekly_email_links_the_spanish_lesson_and_check_in(client, spanish_lessons):
    row = _enrol(client, "es", "/es")
    client.post(_links(mail.outbox[-1])[0])
    row.refresh_from_db()
    mail.outbox.clear()
    assert enrolment.send_due_lesson_emails(now=row.next_email_due) == 1
    message = mail.outbox[0]
    assert message.subject.startswith("Semana 2 de su programa: lección 1, Empezar con seguridad")
    assert spanish_lessons[0].summary in message.body
    links = _links(message)
    assert "/es/program/empezar-con-seguridad/" in links
    assert "/es/program/check-in/2/" in links
    assert all(link.startswith("/es/program/") for link in links)
    unsubscribe = next(link for link in links if "/unsubscribe/" in link)
    assert client.get(unsubscribe).status_code == 200
    assert '<html lang="es">' in client.get(unsubscribe).content.decode()


def test_an_english_client_asking_from_a_spanish_page_gets_english_links(client, lessons):
    _enrol(client, "en", "/es")
    links = _links(mail.outbox[-1])
    assert mail.outbox[-1].body.startswith("Hello,")
    assert not any(link.startswith("/es/") for link in links)


def test_the_next_lesson_is_after_those_done_in_any_language(client, spanish_lessons):
    row = _enrol(client, "es", "/es")
    client.post(_links(mail.outbox[-1])[0])
    client.post(f"{spanish_lessons[0].get_absolute_url()}done/")
    assert LessonDone.objects.filter(enrolment=row, lesson__slug="starting-safely").exists()
    assert enrolment.lesson_for_email(row) == spanish_lessons[1]


def test_a_lesson_not_translated_is_emailed_in_english_under_the_spanish_address(
    client, spanish_lessons
):
    Lesson.objects.filter(slug="empezar-con-seguridad").delete()
    row = _enrol(client, "es", "/es")
    client.post(_links(mail.outbox[-1])[0])
    row.refresh_from_db()
    mail.outbox.clear()
    enrolment.send_due_lesson_emails(now=row.next_email_due)
    assert "/es/program/starting-safely/" in _links(mail.outbox[0])
