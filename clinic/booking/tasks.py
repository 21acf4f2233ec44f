"""Background tasks (django.tasks): the booking emails. Arguments are ids only, so the task
queue never holds a name, an address or a note, with one exception: the last email to a client
whose data was deleted carries their address, which is nowhere else any more. The pipeline
(pipeline.py) enqueues them inside the transaction of the change they report.
"""

from django.tasks import task

from clinic.booking import emails, my_appointments
from clinic.booking.models import BookingEvent, BookingRequest, BookingStatus, DataDeletionRequest


def _load(booking_id: int) -> BookingRequest:
    return BookingRequest.objects.select_related(
        "service", "therapist", "requested_therapist", "reschedules"
    ).get(pk=booking_id)


@task
def send_receipt(booking_id: int) -> None:
    emails.receipt(_load(booking_id))


@task
def send_clinic_notice(booking_id: int, event_id: int) -> None:
    emails.clinic_notice(_load(booking_id), BookingEvent.objects.get(pk=event_id))


@task
def send_confirmation(booking_id: int) -> None:
    emails.confirmation(_load(booking_id))


@task
def send_moved(booking_id: int) -> None:
    emails.moved(_load(booking_id))


@task
def send_reschedule_receipt(booking_id: int) -> None:
    emails.reschedule_receipt(_load(booking_id))


@task
def send_proposal(booking_id: int) -> None:
    emails.proposal(_load(booking_id))


@task
def send_decline(booking_id: int) -> None:
    emails.decline(_load(booking_id))


@task
def send_cancellation(booking_id: int) -> None:
    emails.cancellation(_load(booking_id))


@task
def send_cleared(booking_id: int) -> None:
    emails.cleared(_load(booking_id))


@task
def send_referral(booking_id: int) -> None:
    booking = _load(booking_id)
    if booking.status == BookingStatus.AWAITING_CLEARANCE:  # not if it moved on since
        emails.referral(booking)


@task
def send_recheck_request(booking_id: int) -> None:
    booking = _load(booking_id)
    if booking.status == BookingStatus.CONFIRMED:  # not if cancelled since it was queued
        emails.recheck_request(booking)


@task
def send_on_hold(booking_id: int) -> None:
    booking = _load(booking_id)
    if booking.status == BookingStatus.AWAITING_CLEARANCE:
        emails.on_hold(booking)


@task
def send_reminder(booking_id: int) -> None:
    booking = _load(booking_id)
    if booking.status == BookingStatus.CONFIRMED:  # not if cancelled since it was queued
        emails.reminder(booking)


@task
def send_expiry(booking_id: int) -> None:
    emails.expiry(_load(booking_id))


@task
def send_deletion_notice(deletion_id: int) -> None:
    emails.deletion_notice(DataDeletionRequest.objects.get(pk=deletion_id))


@task
def send_deletion_done(email: str, reference: str, language: str) -> None:
    emails.deletion_done(email, reference, language)


@task
def send_deletion_refused(deletion_id: int) -> None:
    emails.deletion_refused(DataDeletionRequest.objects.get(pk=deletion_id))


@task
def send_my_link(email: str, language: str) -> None:
    """Look the address up and email it a "my appointments" link if it has requests: done
    here, not in the request, so the form answers alike for every address. The address is an
    argument (the second exception to ids only); finished tasks are pruned after a day."""
    my_appointments.send_link(email, language=language)
