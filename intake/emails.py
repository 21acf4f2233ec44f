"""Intake emails: one function per email (sent through clinic.core.mail). They carry links and
next steps, never answers."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from clinic.core import mail
from clinic.core.models import ClinicSettings
from intake.models import Intake


def notify_clinic(intake: Intake) -> None:
    """Tell the clinic an intake needs review: no name, no answer, only the admin link."""
    context = {"admin_url": settings.SITE_URL + intake.get_admin_url()}
    mail.send(
        "intake_needs_review",
        ClinicSettings.load().email,
        context,
        language=settings.LANGUAGE_CODE,
    )


def send_receipt(intake: Intake) -> None:
    """The client's receipt: what happens next, in their language, with no answers in it."""
    with translation.override(intake.language):  # the link opens the page in their language
        book_url = settings.SITE_URL + reverse("booking_start")
    context = {"name": intake.name, "book_url": book_url}
    mail.send("intake_receipt", intake.email, context, language=intake.language)
