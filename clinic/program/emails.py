"""Program emails: one function per email (sent through clinic.core.mail), in the client's
language, with every link under that language's addresses (/es/program/... for Spanish) and
the lesson in that language. They carry the lesson's title and links, never a score or an
answer."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from clinic.core import mail
from clinic.program.models import CHECK_IN_WEEKS, Enrolment


def _links(row: Enrolment) -> dict:
    from clinic.program.enrolment import link

    return {
        "unsubscribe_url": settings.SITE_URL + link(row, "unsubscribe"),
        "resume_url": settings.SITE_URL + link(row, "resume"),
    }


def send_confirm(row: Enrolment) -> None:
    """The confirm link. A client waiting for their doctor's OK gets the link that starts the
    program once their doctor agrees (it confirms the address too; the email does not say
    why). An address confirmed already gets the link that brings its progress back."""
    from clinic.program.enrolment import link

    purpose = "doctor_ok" if row.needs_doctor_ok else "confirm"
    with translation.override(row.language):
        context = {
            "confirm_url": settings.SITE_URL + link(row, purpose),
            "waiting": row.needs_doctor_ok,
            "already": row.is_active,
            "program_url": settings.SITE_URL + reverse("program:overview"),
            **_links(row),
        }
    mail.send("program_confirm", row.email, context, language=row.language)


def send_lesson(row: Enrolment, week: int) -> None:
    from clinic.program.enrolment import lesson_for_email

    lesson = lesson_for_email(row)
    with translation.override(row.language):
        context = {
            "week": week,
            "lesson": lesson,
            "lesson_url": settings.SITE_URL + lesson.get_absolute_url() if lesson else "",
            "check_in_url": (
                settings.SITE_URL + reverse("program:check_in", args=[week])
                if week in CHECK_IN_WEEKS
                else ""
            ),
            **_links(row),
        }
    mail.send("program_lesson", row.email, context, language=row.language)
