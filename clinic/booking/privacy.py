"""A client's right to have their data deleted: asked for from the booking link, decided by
staff, carried out in one transaction and recorded.

The link proves only that its holder received that booking's email, and anyone can type
another person's address into the booking form. So a request covers that booking request and
the intake linked to it, never everything filed under the same email address."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.booking import pipeline, tasks
from clinic.booking.models import BookingRequest, BookingStatus, DataDeletionRequest
from intake.models import Intake, IntakeAccess
from intake.retention import delete_intakes

Status = DataDeletionRequest.Status
OPEN = (
    BookingStatus.AWAITING_CLEARANCE,
    BookingStatus.REQUESTED,
    BookingStatus.PROPOSED,
    BookingStatus.CONFIRMED,
)
ANONYMOUS_NAME = "(deleted on request)"


class PrivacyError(Exception):
    """A deletion decision that cannot be made; the message is for staff."""


def request_deletion(booking: BookingRequest) -> DataDeletionRequest:
    """Queue the request for a staff decision (one pending request per booking)."""
    with transaction.atomic():
        deletion, created = DataDeletionRequest.objects.get_or_create(
            reference=booking.reference,
            status=Status.PENDING,
            defaults={"booking": booking, "email": booking.email, "language": booking.language},
        )
        if created:
            tasks.send_deletion_notice.enqueue(deletion.pk)
    return deletion


def what_is_held(deletion: DataDeletionRequest) -> dict:
    """What carrying out the request would touch, for the deciding staff member."""
    booking = deletion.booking
    return {
        "has_intake": bool(booking and booking.intake_id),
        "is_open": bool(booking and booking.status in OPEN),
    }


def _decided(deletion: DataDeletionRequest) -> DataDeletionRequest:
    with transaction.atomic():
        locked = DataDeletionRequest.objects.select_for_update().get(pk=deletion.pk)
        if locked.status != Status.PENDING:
            raise PrivacyError(
                _("This request was already decided (%(status)s).")
                % {"status": locked.get_status_display()}
            )
        return locked


def carry_out(
    deletion: DataDeletionRequest, *, by, ip_address=None, now=None
) -> DataDeletionRequest:
    """Delete the booking's intake, cancel the booking if it is open and blank its details."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _decided(deletion)
        email = locked.email
        requests = BookingRequest.objects.filter(pk=locked.booking_id)
        for open_request in requests.filter(status__in=OPEN):
            pipeline.cancel_by_clinic(
                open_request, by=by, reason=_("Cancelled because you asked us to delete your data.")
            )
        intake_ids = requests.exclude(intake=None).values_list("intake_id", flat=True)
        locked.intakes_deleted = delete_intakes(
            Intake.objects.filter(pk__in=list(intake_ids)),
            action=IntakeAccess.Action.DELETED,
            by=by,
            ip_address=ip_address,
        )
        locked.bookings_anonymised = requests.update(
            client_name=ANONYMOUS_NAME, email="", phone="", note=""
        )
        locked.status = Status.CARRIED_OUT
        locked.decided_by, locked.decided_at = by, now
        locked.email = ""
        locked.save()
        if email:
            tasks.send_deletion_done.enqueue(email, locked.reference, locked.language)
    return locked


def refuse(deletion: DataDeletionRequest, *, by, note: str, now=None) -> DataDeletionRequest:
    note = note.strip()
    if not note:
        raise PrivacyError(_("Say why the request is refused; the client is told."))
    with transaction.atomic():
        locked = _decided(deletion)
        locked.status = Status.REFUSED
        locked.decided_by, locked.decided_at = by, now or timezone.now()
        locked.decision_note = note
        locked.save()
        tasks.send_deletion_refused.enqueue(locked.pk)
    return locked
