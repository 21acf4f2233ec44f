from django.tasks import task

from clinic.program import emails
from clinic.program.models import Enrolment


@task
def send_confirm(enrolment_id: int) -> None:
    row = Enrolment.objects.filter(pk=enrolment_id, unsubscribed_at__isnull=True).first()
    if row is not None:
        emails.send_confirm(row)


@task
def send_lesson(enrolment_id: int, week: int) -> None:
    # Checked again here: an unsubscribe between queueing and sending stops this email too.
    row = Enrolment.objects.filter(pk=enrolment_id, unsubscribed_at__isnull=True).first()
    if row is not None and row.confirmed_at is not None:
        emails.send_lesson(row, week)
