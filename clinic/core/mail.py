"""The one way the site sends email.

Every email is one function in its app's emails.py, which calls `send()` with a name: the
subject and body are templates/emails/<name>_subject.txt and <name>_body.txt, rendered in the
reader's language and the clinic's time zone whatever the worker process has active. Emails
go out from background tasks (each app's tasks.py) that the change enqueues inside its own
transaction (the task backend is transactional), so a rolled-back change sends nothing.
Emails carry times, names and links, never health detail.
"""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from clinic.core.models import ClinicSettings


def send(
    name: str,
    to: str,
    context: dict,
    *,
    language: str,
    attachments: list[tuple[str, bytes, str]] = (),
) -> EmailMessage:
    clinic = ClinicSettings.load()
    context = {"clinic": clinic, **context}
    with translation.override(language), timezone.override(clinic.zone):
        subject = render_to_string(f"emails/{name}_subject.txt", context)
        body = render_to_string(f"emails/{name}_body.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[to],
        reply_to=[clinic.email],
        attachments=list(attachments),
    )
    message.send()
    return message
