"""One function per email. Emails to readers carry a link and nothing of what they wrote."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from education.models import ReaderQuestion


def question_answered(question: ReaderQuestion) -> None:
    context = {"url": settings.SITE_URL + question.get_absolute_url()}
    with translation.override(question.language or settings.LANGUAGE_CODE):
        subject = render_to_string("education/emails/question_answered_subject.txt", context)
        body = render_to_string("education/emails/question_answered_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, [question.email])
