"""Background tasks (django.tasks): the notices to staff. Arguments are ids, a date and counts,
never a name or an address."""

from django.tasks import task

from clinic.backoffice import emails


@task
def send_question_notice(question_id: int) -> None:
    emails.question_notice(question_id)


@task
def send_expiry_warning(booking_id: int) -> None:
    emails.expiry_warning(booking_id)


@task
def send_digest(day: str, counts: dict[str, int]) -> None:
    emails.digest(day, counts)
