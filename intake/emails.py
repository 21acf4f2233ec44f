"""Intake emails: one function per email (sent through clinic.core.mail). They carry links and
next steps, never answers."""

from django.conf import settings

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
    context = {"name": intake.name, "site_url": settings.SITE_URL}
    mail.send("intake_receipt", intake.email, context, language=intake.language)
