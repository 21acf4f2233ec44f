"""A client's data in bookings: deleted on their request, and blanked after the retention
period.

Deletion is asked for from the booking link, decided by staff, carried out in one transaction
and recorded. The link proves only that its holder received that booking's email, and anyone
can type another person's address into the booking form. So a request covers that booking
request and the intake linked to it, never everything filed under the same email address.

Retention (run by run_periodic): BOOKING_RETENTION_DAYS after a request's appointment (or its
last status change, if later) its client details are blanked by the same `anonymise` the
deletion uses; the statistics stay. And before an intake past its own retention period is
purged, the booking layer lets go of it (`release_intake`)."""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.dispatch import Signal
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clinic.booking import pipeline, tasks
from clinic.booking.models import (
    OPEN_STATUSES,
    BookingEvent,
    BookingRequest,
    BookingStatus,
    DataDeletionRequest,
)
from intake.models import Intake, IntakeAccess
from intake.retention import delete_intakes

logger = logging.getLogger(__name__)

Status = DataDeletionRequest.Status
OPEN = (
    BookingStatus.AWAITING_CLEARANCE,
    BookingStatus.REQUESTED,
    BookingStatus.PROPOSED,
    BookingStatus.CONFIRMED,
)
# Sent with `booking_ids` when bookings lose their client's details (a deletion request or the
# retention period), inside the same transaction.
bookings_anonymised = Signal()

ANONYMOUS_NAME = "(deleted on request)"
RETENTION_NAME = "(removed after the retention period)"
ANONYMOUS_NAMES = (ANONYMOUS_NAME, RETENTION_NAME)


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


def anonymise(requests: QuerySet[BookingRequest], *, name: str) -> int:
    """Blank what identifies the client on these booking requests: name (replaced by `name`,
    unless already anonymous), email, phone, the client's note, the clinic's message to them
    and the notes in their history (staff write names and circumstances there). What the
    statistics need stays: service, therapists, times, status, language and the history's
    moves (who, when, from what to what). The caller holds the transaction."""
    ids = list(requests.select_for_update().values_list("pk", flat=True))
    BookingEvent.objects.filter(request_id__in=ids).exclude(note="").update(note="")
    blanked = BookingRequest.objects.filter(pk__in=ids).update(
        client_name=Case(
            When(client_name__in=ANONYMOUS_NAMES, then=F("client_name")), default=Value(name)
        ),
        email="",
        phone="",
        note="",
        message_to_client="",
    )
    # A bulk update sends no post_save: whatever keeps a copy of these details listens here.
    bookings_anonymised.send(sender=BookingRequest, booking_ids=ids)
    return blanked


def carry_out(
    deletion: DataDeletionRequest, *, by, ip_address=None, now=None
) -> DataDeletionRequest:
    """Delete the booking's intake, blank its details and cancel the booking if it is open
    (after blanking, so the history keeps why it was cancelled)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _decided(deletion)
        email = locked.email
        requests = BookingRequest.objects.filter(pk=locked.booking_id)
        intake_ids = list(requests.exclude(intake=None).values_list("intake_id", flat=True))
        locked.bookings_anonymised = anonymise(requests, name=ANONYMOUS_NAME)
        for open_request in requests.filter(status__in=OPEN):
            pipeline.cancel_by_clinic(
                open_request, by=by, reason=_("Cancelled because you asked us to delete your data.")
            )
        locked.intakes_deleted = delete_intakes(
            Intake.objects.filter(pk__in=intake_ids),
            action=IntakeAccess.Action.DELETED,
            by=by,
            ip_address=ip_address,
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


# --- retention (run_periodic) -------------------------------------------------------------------


def retention_cutoff(now: dt.datetime) -> dt.datetime:
    """Requests whose appointment and last status change are both before this are blanked."""
    return now - dt.timedelta(days=settings.BOOKING_RETENTION_DAYS)


def due_for_anonymising(now: dt.datetime) -> QuerySet[BookingRequest]:
    """Requests past the retention period that still hold something of the client. Open
    requests (the expiry job closes them) are left alone; a confirmed session long past that
    nobody marked completed is not."""
    noted = BookingEvent.objects.filter(request=OuterRef("pk")).exclude(note="")
    blank = Q(client_name__in=ANONYMOUS_NAMES, email="", phone="", note="", message_to_client="")
    return (
        BookingRequest.objects.exclude(status__in=OPEN_STATUSES)
        .alias(last=Greatest(Coalesce("end", "requested_start"), "status_changed_at"))
        .filter(last__lt=retention_cutoff(now))
        .exclude(blank & ~Exists(noted))
    )


def anonymise_expired_bookings(*, now: dt.datetime | None = None) -> int:
    """Blank the client details of every request past the retention period, each in its own
    savepoint: a row that fails is logged by its id only (a database error can quote the row)
    and the rest go on; the next run tries it again. Idempotent: a blanked request is no longer
    due, so a second run (or a second worker) changes nothing. Returns how many were blanked."""
    now = now or timezone.now()
    done = 0
    for pk in list(due_for_anonymising(now).order_by("pk").values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                done += anonymise(due_for_anonymising(now).filter(pk=pk), name=RETENTION_NAME)
        except Exception as error:  # one bad row must not stop the rest
            logger.error(
                "Booking request %s could not be anonymised (%s); the others went on.",
                pk,
                type(error).__name__,
            )
    return done


def release_intake(intake_id: int, *, now: dt.datetime | None = None) -> int:
    """Let go of an intake that is about to be purged (intake.retention calls this first, in
    the same savepoint). Returns how many waiting requests were cancelled.

    A request waiting for a therapist's clearance cannot keep waiting without its intake (the
    database refuses it, and the clearance would be a decision about answers nobody can read
    any more). Clearing it anyway would book a massage for answers that asked for a check
    first; keeping the answers past their period would break the promise made at consent. So
    the request is cancelled by the system, through the pipeline: the history records why,
    the client is emailed that it could not go ahead and how to ask again (a new pre-visit
    check), and the clinic is told. Requests already cleared, booked or closed simply lose the
    link (their history stays)."""
    now = now or timezone.now()
    waiting = BookingRequest.objects.filter(
        intake_id=intake_id, status=BookingStatus.AWAITING_CLEARANCE
    )
    cancelled = 0
    for booking in waiting:
        with translation.override(booking.language):
            reason = _(
                "We could not review your pre-visit answers in time, and we do not keep them "
                "any longer. Please fill in the pre-visit check again and request a new time."
            )

        def drop_intake(locked: BookingRequest, reason=reason) -> None:
            locked.intake = None
            locked.message_to_client = reason

        # The pipeline's own move (lock, check, change, one event, emails in the same
        # transaction); no public transition cancels on the system's behalf.
        pipeline._move(
            booking,
            allowed=(BookingStatus.AWAITING_CLEARANCE,),
            to=BookingStatus.CANCELLED,
            action=_("cancelled"),
            now=now,
            actor_kind=BookingEvent.Actor.SYSTEM,
            note=_("Cancelled: the intake reached the end of its retention period uncleared."),
            change=drop_intake,
            emails=[pipeline._to_client(tasks.send_cancellation), pipeline._to_clinic],
        )
        cancelled += 1
    return cancelled
