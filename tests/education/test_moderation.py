import pytest
from django.core import mail
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from education import moderation
from education.models import ReaderQuestion
from education.tasks import email_asker_answered
from tests.factories import make_article, make_question

pytestmark = pytest.mark.django_db


def test_a_rolled_back_answer_sends_nothing(therapist, settings):
    # The real (database) task backend: the email's task is a row in the same transaction.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    question = make_question(make_article(), status="approved", wants_email=True)
    question.answer = "Gently."

    with pytest.raises(RuntimeError), transaction.atomic():
        moderation.save_answer(question, by=therapist)
        assert DBTaskResult.objects.count() == 1  # queued inside the transaction
        raise RuntimeError("something later in the same request failed")

    assert DBTaskResult.objects.count() == 0
    assert mail.outbox == []
    assert ReaderQuestion.objects.get(pk=question.pk).answer == ""


def test_the_email_task_sends_once_however_often_it_runs():
    question = make_question(
        make_article(), status="approved", answer="Yes.", wants_email=True, language="es"
    )

    email_asker_answered.call(question.pk)
    email_asker_answered.call(question.pk)

    assert len(mail.outbox) == 1
    assert ReaderQuestion.objects.get(pk=question.pk).notified_at is not None


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "pending", "answer": "Yes.", "wants_email": True},
        {"status": "rejected", "answer": "Yes.", "wants_email": True},
        {"status": "approved", "answer": "", "wants_email": True},
        {"status": "approved", "answer": "Yes.", "wants_email": False},
    ],
    ids=["pending", "rejected", "unanswered", "no-consent"],
)
def test_the_email_task_checks_again_before_sending(fields):
    question = make_question(make_article(), **fields)
    email_asker_answered.call(question.pk)
    assert mail.outbox == []


def test_the_email_task_ignores_a_deleted_question():
    email_asker_answered.call(987654)
    assert mail.outbox == []
