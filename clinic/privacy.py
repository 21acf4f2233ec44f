"""A client's right to have their data deleted: asked for from the booking link, decided by
staff, carried out in one transaction and recorded."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic import booking, tasks
from clinic.models import BookingRequest, BookingStatus, DataDeletionRequest
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


def request_deletion(request: BookingRequest) -> DataDeletionRequest:
    """Queue the request for a staff decision (one pending request per booking)."""
    with transaction.atomic():
        deletion, created = DataDeletionRequest.objects.get_or_create(
            reference=request.reference,
            status=Status.PENDING,
            defaults={"booking": request, "email": request.email, "language": request.language},
        )
        if created:
            tasks.send_deletion_notice.enqueue(deletion.pk)
    return deletion


def what_is_held(deletion: DataDeletionRequest) -> dict:
    """What carrying out the request would touch, for the deciding staff member."""
    requests = BookingRequest.objects.filter(email__iexact=deletion.email)
    return {
        "intakes": Intake.objects.filter(email__iexact=deletion.email).count(),
        "requests": requests.count(),
        "open_requests": requests.filter(status__in=OPEN).count(),
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
    """Delete the client's intakes, cancel their open requests and blank their details."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _decided(deletion)
        email = locked.email
        requests = BookingRequest.objects.filter(email__iexact=email)
        for open_request in requests.filter(status__in=OPEN):
            booking.cancel_by_clinic(
                open_request, by=by, reason=_("Cancelled because you asked us to delete your data.")
            )
        intake_ids = set(Intake.objects.filter(email__iexact=email).values_list("pk", flat=True))
        intake_ids |= set(requests.exclude(intake=None).values_list("intake_id", flat=True))
        locked.intakes_deleted = delete_intakes(
            Intake.objects.filter(pk__in=intake_ids),
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
