"""Intake emails: one function per email. They carry links and next steps, never answers."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from clinic.core.models import ClinicSettings
from intake.models import Intake


def notify_clinic(intake: Intake) -> None:
    """Tell the clinic an intake needs review: no name, no answer, only the admin link."""
    clinic = ClinicSettings.load()
    context = {"clinic": clinic, "admin_url": settings.SITE_URL + intake.get_admin_url()}
    send_mail(
        render_to_string("emails/intake_needs_review_subject.txt", context).strip(),
        render_to_string("emails/intake_needs_review.txt", context),
        None,
        [clinic.email],
    )


def send_receipt(intake: Intake) -> None:
    """The client's receipt: what happens next, in their language, with no answers in it."""
    clinic = ClinicSettings.load()
    context = {"clinic": clinic, "name": intake.name, "site_url": settings.SITE_URL}
    with translation.override(intake.language):
        subject = render_to_string("emails/intake_receipt_subject.txt", context).strip()
        body = render_to_string("emails/intake_receipt.txt", context)
    send_mail(subject, body, None, [intake.email])
