"""One function per email (sent through clinic.core.mail). Emails to readers carry a link and
nothing of what they wrote."""

from django.conf import settings

from clinic.core import mail
from education.models import ReaderQuestion


def question_answered(question: ReaderQuestion) -> None:
    context = {"url": settings.SITE_URL + question.get_absolute_url()}
    language = question.language or settings.LANGUAGE_CODE
    mail.send("education_question_answered", question.email, context, language=language)
