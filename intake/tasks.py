from django.tasks import task

from intake import emails
from intake.models import Intake


@task
def send_receipt(intake_id: int) -> None:
    intake = Intake.objects.filter(pk=intake_id).first()
    if intake is not None:
        emails.send_receipt(intake)


@task
def notify_clinic(intake_id: int) -> None:
    intake = Intake.objects.filter(pk=intake_id).first()
    if intake is not None:
        emails.notify_clinic(intake)
