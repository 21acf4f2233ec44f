"""Readers' questions: submitted as pending, approved or rejected by a therapist, answered.

The asker is emailed (a link to the article, nothing else) once, when their question is both
approved and answered and they asked to be told; the email is a background task enqueued inside
the change's transaction (like every email, see clinic.core.mail), so a rolled-back change sends
nothing.
"""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from education import changes
from education.models import Article, ReaderQuestion
from education.tasks import email_asker_answered


def submit(
    article: Article, *, name: str, email: str, question: str, wants_email: bool, language: str
) -> ReaderQuestion:
    return ReaderQuestion.objects.create(
        article=article,
        name=name,
        email=email,
        question=question,
        wants_email=wants_email,
        language=language,
        status=ReaderQuestion.Status.PENDING,
    )


def _should_notify(question: ReaderQuestion) -> bool:
    return (
        question.status == ReaderQuestion.Status.APPROVED
        and bool(question.answer.strip())
        and question.wants_email
        and question.notified_at is None
    )


def _notify(question_ids: list[int]) -> None:
    for pk in question_ids:
        email_asker_answered.enqueue(pk)


def save_answer(
    question: ReaderQuestion, *, by: AbstractBaseUser, now: datetime | None = None
) -> ReaderQuestion:
    """Save a question edited in the admin; a new or changed answer records who and when."""
    now = now or timezone.now()
    question.answer = question.answer.strip()
    if not question.answer:
        question.answered_by = None
        question.answered_at = None
    else:
        previous = (
            ReaderQuestion.objects.filter(pk=question.pk).values_list("answer", flat=True).first()
            if question.pk
            else None
        )
        if previous != question.answer or question.answered_at is None:
            question.answered_by = by
            question.answered_at = now
    with transaction.atomic():
        question.save()
        if _should_notify(question):
            _notify([question.pk])
    return question


def approve(questions: QuerySet[ReaderQuestion]) -> int:
    """Show these questions under their articles; tell askers whose question is answered."""
    with transaction.atomic():
        changed = questions.exclude(status=ReaderQuestion.Status.APPROVED)
        ids = list(changed.values_list("pk", flat=True))
        count = ReaderQuestion.objects.filter(pk__in=ids).update(
            status=ReaderQuestion.Status.APPROVED
        )
        answered = ReaderQuestion.objects.filter(
            pk__in=ids, wants_email=True, notified_at__isnull=True
        ).exclude(answer="")
        _notify(list(answered.values_list("pk", flat=True)))
    changes.questions_changed()  # the answers now show under their articles
    return count


def reject(questions: QuerySet[ReaderQuestion]) -> int:
    """Hide these questions from the site (kept for the record; delete spam separately)."""
    count = questions.exclude(status=ReaderQuestion.Status.REJECTED).update(
        status=ReaderQuestion.Status.REJECTED
    )
    changes.questions_changed()
    return count
