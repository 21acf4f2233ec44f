"""Background work for the education app (django.tasks; `manage.py db_worker` runs it)."""

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from education import emails
from education.models import ReaderQuestion


@task
def email_asker_answered(question_id: int) -> None:
    """Tell the asker their question was answered: once, and only if they asked to be told."""
    with transaction.atomic():
        question = (
            ReaderQuestion.objects.select_for_update()
            .select_related("article")
            .filter(pk=question_id)
            .first()
        )
        if (
            question is None
            or question.notified_at is not None
            or not question.wants_email
            or question.status != ReaderQuestion.Status.APPROVED
            or not question.answer.strip()
        ):
            return
        emails.question_answered(question)
        question.notified_at = timezone.now()
        question.save(update_fields=["notified_at"])
