"""The booking pipeline: one function per transition of a BookingRequest.

Each transition locks the request (select_for_update), checks that its current status allows
the move, changes it inside one transaction, writes exactly one BookingEvent and enqueues the
emails in that same transaction (with the database task backend the queued task is a row of
that transaction: a rolled-back change sends nothing, a committed one is never forgotten).
A move the current state does not allow raises BookingError with a message for the person
who tried it, and changes nothing.

    submit ──► awaiting_clearance ──clear──► requested ──confirm──► confirmed ──► completed
                                              │  ▲  │                  ▲  │           no_show
                                      propose │  │  │ decline          │  └─cancel─► cancelled
                                              ▼  │  ▼                  │
                                           proposed ─accept_proposal───┘
                                     (decline_proposal: back to requested)
    Any open request (awaiting_clearance, requested, proposed) may be declined, cancelled or
    expire when nobody answers in time.
    A pre-visit re-check whose answers need a therapist again (recheck_needs_clearance) moves
    a confirmed, requested or proposed booking back to awaiting_clearance; cleared, a booking
    that was confirmed returns to its time when it is still free.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clinic.booking import availability, tasks, visit_checks
from clinic.booking.models import (
    OPEN_STATUSES,
    BookingEvent,
    BookingRequest,
    BookingStatus,
    Service,
    Therapist,
    TimeOff,
    new_reference,
)
from clinic.core.models import ClinicSettings
from intake.models import Intake
from intake.reviewing import ReviewError, clear_for_massage
from intake.triage import Level

Status = BookingStatus
DOUBLE_BOOKING_CONSTRAINT = "booking_no_double_booking"


# Which statuses each transition starts from (the admin shows a button only where it applies).
ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    "clear": (Status.AWAITING_CLEARANCE,),
    "confirm": (Status.REQUESTED, Status.PROPOSED),
    "propose": (Status.REQUESTED, Status.PROPOSED),
    "accept_proposal": (Status.PROPOSED,),
    "decline_proposal": (Status.PROPOSED,),
    "decline": OPEN_STATUSES,
    "cancel_by_client": (*OPEN_STATUSES, Status.CONFIRMED),
    "cancel_by_clinic": (*OPEN_STATUSES, Status.CONFIRMED),
    "expire": OPEN_STATUSES,
    "complete": (Status.CONFIRMED,),
    "no_show": (Status.CONFIRMED,),
    "recheck_needs_clearance": (Status.CONFIRMED, Status.REQUESTED, Status.PROPOSED),
    "reschedule_by_client": (Status.CONFIRMED,),
}
# The longest reason a client may give when cancelling.
CANCEL_REASON_LENGTH = 500


class BookingError(Exception):
    """A booking change that cannot be made. `message` is for the person who tried it;
    `code` says which kind of problem it was (forms attach slot problems to the time field)."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


# --- helpers ------------------------------------------------------------------------------------


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _wrong_state(booking: BookingRequest, action: str) -> BookingError:
    return BookingError(
        _("Request %(reference)s is “%(status)s”, so it cannot be %(action)s.")
        % {
            "reference": booking.reference,
            "status": booking.get_status_display(),
            "action": action,
        },
        code="wrong_state",
    )


def _is_double_booking(error: IntegrityError) -> bool:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) == DOUBLE_BOOKING_CONSTRAINT


def _already_booked(therapist: Therapist) -> BookingError:
    return BookingError(
        _(
            "%(therapist)s is already booked at that time (sessions include their recovery "
            "buffer). Choose another time or therapist."
        )
        % {"therapist": therapist},
        code="double_booking",
    )


def _check_time(
    booking: BookingRequest, therapist: Therapist | None, start: dt.datetime | None, now
) -> tuple[Therapist, dt.datetime]:
    """A therapist and a start the clinic may propose or confirm."""
    if therapist is None:
        raise BookingError(_("Choose a therapist."), code="therapist")
    if start is None:
        raise BookingError(_("Choose a start time."), code="start")
    if not therapist.active:
        raise BookingError(
            _("%(therapist)s is not active.") % {"therapist": therapist}, code="therapist"
        )
    if start <= now:
        raise BookingError(_("That time has already passed."), code="start")
    end = start + booking.service.duration
    if TimeOff.objects.filter(therapist=therapist, start__lt=end, end__gt=start).exists():
        raise BookingError(
            _("%(therapist)s is off at that time.") % {"therapist": therapist}, code="therapist"
        )
    return therapist, start


def _set_time(booking: BookingRequest, therapist: Therapist, start: dt.datetime) -> None:
    booking.therapist = therapist
    booking.start = start
    booking.end = start + booking.service.duration
    booking.blocked_until = booking.end + booking.service.recovery_buffer


def _forget_proposal(booking: BookingRequest) -> None:
    booking.therapist = booking.start = booking.end = booking.blocked_until = None
    booking.message_to_client = ""


def _move(
    booking: BookingRequest,
    *,
    allowed: Iterable[str],
    to: str,
    action: str,
    now: dt.datetime,
    actor=None,
    actor_kind: str = BookingEvent.Actor.STAFF,
    note: str = "",
    change: Callable[[BookingRequest], None] | None = None,
    emails: Iterable[Callable[[BookingRequest, BookingEvent], None]] = (),
) -> BookingRequest:
    """The one way a status changes: lock, check, change, log, enqueue; all or nothing."""
    if actor_kind == BookingEvent.Actor.STAFF and actor is None:
        raise BookingError(_("A staff member must be named for this change."))
    with transaction.atomic():
        locked = (
            BookingRequest.objects.select_for_update(of=("self",))
            .select_related("service", "intake")
            .get(pk=booking.pk)
        )
        if locked.status not in allowed:
            raise _wrong_state(locked, action)
        if change is not None:
            change(locked)
        from_status = locked.status
        locked.status = to
        locked.status_changed_at = now
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError as error:
            if _is_double_booking(error):
                raise _already_booked(locked.therapist) from error
            raise
        event = BookingEvent.objects.create(
            request=locked,
            from_status=from_status,
            to_status=to,
            actor=actor,
            actor_kind=actor_kind,
            at=now,
            note=note,
        )
        for enqueue in emails:
            enqueue(locked, event)
    return locked


# What each transition sends, as small functions of (request, event): the task's arguments are
# ids only, so a task in the database queue never carries a name, an email or a note.
def _to_client(task) -> Callable[[BookingRequest, BookingEvent], None]:
    return lambda booking, event: task.enqueue(booking.pk)


def _to_clinic(booking: BookingRequest, event: BookingEvent) -> None:
    tasks.send_clinic_notice.enqueue(booking.pk, event.pk)


def _save_new(booking: BookingRequest) -> None:
    """Insert a new request, drawing another reference if the random one is already taken."""
    for attempt in range(8):
        try:
            with transaction.atomic():
                booking.save()
            return
        except IntegrityError:
            if (
                attempt == 7
                or not BookingRequest.objects.filter(reference=booking.reference).exists()
            ):
                raise
            booking.reference = new_reference()


def _emergency() -> BookingError:
    return BookingError(
        _("Your answers need emergency care now: call 911. We cannot take a booking."),
        code="emergency",
    )


# --- transitions --------------------------------------------------------------------------------


def submit(
    *,
    service: Service,
    requested_therapist: Therapist | None,
    requested_start: dt.datetime,
    client_name: str,
    email: str,
    phone: str,
    intake: Intake | None,
    note: str = "",
    language: str = "en",
    now: dt.datetime | None = None,
) -> BookingRequest:
    """A client's request for an open time. The intake decides where it starts: a result that
    needs a doctor first (or an emergency screen with gaps) waits for a therapist's clearance;
    an emergency result gets no request at all."""
    now = _now(now)
    rules = ClinicSettings.load()
    if intake is None:
        raise BookingError(
            _("Please complete the pre-visit check before requesting a time."), code="no_intake"
        )
    if intake.level == Level.EMERGENCY:
        raise _emergency()
    found = availability.find_slot(
        service, requested_therapist, requested_start, now=now, rules=rules
    )
    if isinstance(found, availability.Unavailable):
        raise slot_error(found, rules)
    status = Status.REQUESTED if intake.cleared_for_booking else Status.AWAITING_CLEARANCE
    booking = BookingRequest(
        service=service,
        requested_therapist=requested_therapist,
        requested_start=requested_start,
        client_name=client_name,
        email=email,
        phone=phone,
        note=note,
        language=language,
        intake=intake,
        status=status,
        status_changed_at=now,
    )
    with transaction.atomic():
        _save_new(booking)
        event = BookingEvent.objects.create(
            request=booking,
            from_status="",
            to_status=status,
            actor_kind=BookingEvent.Actor.CLIENT,
            at=now,
        )
        tasks.send_receipt.enqueue(booking.pk)
        _to_clinic(booking, event)
    return booking


def slot_error(reason: availability.Unavailable, rules: ClinicSettings) -> BookingError:
    messages = {
        availability.Unavailable.TOO_SOON: _(
            "Times less than %(hours)s hours away cannot be requested online. Choose a later "
            "time, or call us."
        )
        % {"hours": rules.minimum_notice_hours},
        availability.Unavailable.TOO_FAR: _(
            "Times more than %(days)s days ahead cannot be requested yet. Choose an earlier day."
        )
        % {"days": rules.booking_horizon_days},
        availability.Unavailable.TAKEN: _(
            "Sorry, that time is no longer free. Please choose another one."
        ),
    }
    return BookingError(messages[reason], code=f"slot_{reason}")


def clear(
    booking: BookingRequest, *, by, note: str = "", ip_address=None, now=None
) -> BookingRequest:
    """A therapist has looked at the intake and massage may go ahead. Clearing happens once, on
    the intake (a doctor-first result needs a note saying how); that moves every request
    waiting on it forward (`move_on_after_clearance`, called when intake says it is cleared).
    The note is clinical: it is kept in the intake's review, which only therapists read, never
    in the booking history, which the front desk reads."""
    locked = BookingRequest.objects.select_related("intake").get(pk=booking.pk)
    if locked.status not in ALLOWED_FROM["clear"]:
        raise _wrong_state(locked, _("cleared"))
    intake = locked.intake
    if intake is not None and not intake.cleared_for_booking:
        if intake.level == Level.EMERGENCY:
            raise BookingError(_("An emergency result cannot be cleared for a booking."))
        try:
            clear_for_massage(intake, by, note, ip_address=ip_address)
        except ReviewError as error:
            raise BookingError(str(error), code="note") from error
        locked.refresh_from_db()
        return locked
    return move_on_after_clearance(locked, by=by, now=now)


def move_on_after_clearance(booking: BookingRequest, *, by, now=None) -> BookingRequest:
    """The request no longer waits: it joins the others, and the client is told it moves on.
    A confirmed booking that the pre-visit re-check held goes back to its time instead, when
    that time is still free (`_back_to_booked_time`)."""
    now = _now(now)
    if _held_by_recheck(booking):
        return _back_to_booked_time(booking, by=by, now=now)
    return _move(
        booking,
        allowed=ALLOWED_FROM["clear"],
        to=Status.REQUESTED,
        action=_("cleared"),
        now=now,
        actor=by,
        note=_("Cleared after the intake review (the reason is in the intake)."),
        emails=[_to_client(tasks.send_cleared)],
    )


def recheck_needs_clearance(
    booking: BookingRequest, *, new_intake: Intake, by=None, now=None
) -> BookingRequest:
    """The pre-visit re-check (clinic/booking/recheck.py) found something a therapist must look
    at before the session: the booking waits for clearance of the new answers, which it now
    points to. A confirmed booking keeps its therapist and time written down, so that once
    cleared it returns to that time if it is still free; a proposed time is withdrawn (the
    clinic proposes again after clearance). The clinic is told at once. `by` is the therapist
    when the check was asked at the door; else the client did it through their link."""
    now = _now(now)

    def change(locked: BookingRequest) -> None:
        locked.intake = new_intake
        if locked.status == Status.PROPOSED:
            _forget_proposal(locked)

    return _move(
        booking,
        allowed=ALLOWED_FROM["recheck_needs_clearance"],
        to=Status.AWAITING_CLEARANCE,
        action=_("held for a review"),
        now=now,
        actor=by,
        actor_kind=BookingEvent.Actor.STAFF if by is not None else BookingEvent.Actor.CLIENT,
        note=_("The pre-visit re-check needs a therapist's review."),
        change=change,
        emails=[_to_clinic, _to_client(tasks.send_on_hold)],
    )


def _held_by_recheck(booking: BookingRequest) -> bool:
    """Whether the booking waits because a re-check held it while it was confirmed."""
    last = BookingEvent.objects.filter(request_id=booking.pk).order_by("-pk").first()
    return (
        last is not None
        and last.to_status == Status.AWAITING_CLEARANCE
        and last.from_status == Status.CONFIRMED
    )


def _back_to_booked_time(booking: BookingRequest, *, by, now: dt.datetime) -> BookingRequest:
    """Cleared after a re-check held a confirmed booking. The least surprise for both sides:
    the client keeps their therapist and time, and the therapist's day stays as planned, with
    a fresh confirmation email. If the time has gone meanwhile (another booking took it, time
    off, the therapist left, or it has passed), the request joins the others with its time
    forgotten and the client is told it can go ahead; the clinic offers a new time."""

    def keep_time(locked: BookingRequest) -> None:
        therapist, start = _check_time(locked, locked.therapist, locked.start, now)
        _set_time(locked, therapist, start)
        if locked.reminder_sent_at is None and locked.reminded_by_confirmation(now):
            locked.reminder_sent_at = now

    try:
        return _move(
            booking,
            allowed=ALLOWED_FROM["clear"],
            to=Status.CONFIRMED,
            action=_("cleared"),
            now=now,
            actor=by,
            note=_("Cleared after the pre-visit re-check: the booked time was still free."),
            change=keep_time,
            emails=[_to_client(tasks.send_confirmation)],
        )
    except BookingError as error:
        if error.code == "wrong_state":
            raise

    def forget_time(locked: BookingRequest) -> None:
        _forget_proposal(locked)
        locked.reminder_sent_at = None

    return _move(
        booking,
        allowed=ALLOWED_FROM["clear"],
        to=Status.REQUESTED,
        action=_("cleared"),
        now=now,
        actor=by,
        note=_("Cleared after the pre-visit re-check; the booked time was no longer free."),
        change=forget_time,
        emails=[_to_client(tasks.send_cleared)],
    )


def waiting_on(intake) -> list[BookingRequest]:
    return list(BookingRequest.objects.filter(intake=intake, status=Status.AWAITING_CLEARANCE))


def on_intake_cleared(sender, intake, by, **kwargs) -> None:
    """Intake was cleared (from its own page or a booking's): every request waiting moves."""
    for waiting in waiting_on(intake):
        move_on_after_clearance(waiting, by=by)


def on_intake_referred(sender, intake, by, **kwargs) -> None:
    """A therapist referred the client to a doctor: each waiting request stays, and its client
    is asked to see their doctor first (no health detail in the email)."""
    for waiting in waiting_on(intake):
        tasks.send_referral.enqueue(waiting.pk)


def confirm(
    booking: BookingRequest,
    *,
    by,
    therapist: Therapist | None = None,
    start: dt.datetime | None = None,
    note: str = "",
    now=None,
) -> BookingRequest:
    """Book the time (the requested one unless another is given). The database refuses a time
    that overlaps another booking of the therapist, buffers included."""
    now = _now(now)

    def change(locked: BookingRequest) -> None:
        chosen_therapist, chosen_start = _check_time(
            locked,
            therapist or locked.therapist or locked.requested_therapist,
            start or locked.start or locked.requested_start,
            now,
        )
        _set_time(locked, chosen_therapist, chosen_start)
        locked.message_to_client = ""
        if locked.reminded_by_confirmation(now):
            # Confirmed within a day of the session: the confirmation is the reminder.
            locked.reminder_sent_at = now
        _replace_old_booking(locked, actor=by, now=now)

    replaces = _replaced_reference(booking)
    return _move(
        booking,
        allowed=ALLOWED_FROM["confirm"],
        to=Status.CONFIRMED,
        action=_("confirmed"),
        now=now,
        actor=by,
        note=_join(_replaces_note(replaces), note.strip()),
        change=change,
        emails=[_to_client(tasks.send_moved if replaces else tasks.send_confirmation)],
    )


def propose(
    booking: BookingRequest,
    *,
    by,
    therapist: Therapist,
    start: dt.datetime,
    message: str = "",
    now=None,
) -> BookingRequest:
    """Offer the client another time (or therapist); they accept or decline by their link.
    The optional message (why, for instance) is shown to the client."""
    now = _now(now)
    message = message.strip()

    def change(locked: BookingRequest) -> None:
        chosen_therapist, chosen_start = _check_time(locked, therapist, start, now)
        _set_time(locked, chosen_therapist, chosen_start)
        locked.message_to_client = message
        clash = BookingRequest.objects.blocking(locked.start, locked.blocked_until).filter(
            therapist=chosen_therapist
        )
        if clash.exists():
            raise _already_booked(chosen_therapist)

    return _move(
        booking,
        allowed=ALLOWED_FROM["propose"],
        to=Status.PROPOSED,
        action=_("given another time"),
        now=now,
        actor=by,
        note=message,
        change=change,
        emails=[_to_client(tasks.send_proposal)],
    )


def accept_proposal(booking: BookingRequest, *, now=None) -> BookingRequest:
    """The client takes the proposed time: it is booked (if still free)."""
    now = _now(now)
    rules = ClinicSettings.load()

    def change(locked: BookingRequest) -> None:
        if locked.is_stale(now, rules):
            raise BookingError(
                _("This proposal has expired. Please call us at %(phone)s.")
                % {"phone": rules.phone},
                code="expired",
            )
        if locked.reminded_by_confirmation(now):
            locked.reminder_sent_at = now
        _replace_old_booking(locked, actor=None, now=now)

    replaces = _replaced_reference(booking)
    return _move(
        booking,
        allowed=ALLOWED_FROM["accept_proposal"],
        to=Status.CONFIRMED,
        action=_("accepted"),
        now=now,
        actor_kind=BookingEvent.Actor.CLIENT,
        note=_replaces_note(replaces),
        change=change,
        emails=[
            _to_client(tasks.send_moved if replaces else tasks.send_confirmation),
            _to_clinic,
        ],
    )


def decline_proposal(booking: BookingRequest, *, now=None) -> BookingRequest:
    """The client does not want the proposed time: back to the clinic to find another."""
    now = _now(now)
    return _move(
        booking,
        allowed=ALLOWED_FROM["decline_proposal"],
        to=Status.REQUESTED,
        action=_("declined by you"),
        now=now,
        actor_kind=BookingEvent.Actor.CLIENT,
        note=_("The client declined the proposed time."),
        change=_forget_proposal,
        emails=[_to_clinic],
    )


def _message_to_client(reason: str) -> Callable[[BookingRequest], None]:
    """The change that keeps the clinic's reason for the client (shown on their page)."""

    def change(locked: BookingRequest) -> None:
        locked.message_to_client = reason

    return change


def decline(booking: BookingRequest, *, by, reason: str, now=None) -> BookingRequest:
    """The clinic cannot take the request; the reason goes to the client."""
    now = _now(now)
    reason = reason.strip()
    if not reason:
        raise BookingError(_("Write the reason the client will read."), code="reason")

    return _move(
        booking,
        allowed=ALLOWED_FROM["decline"],
        to=Status.DECLINED,
        action=_("declined"),
        now=now,
        actor=by,
        note=reason,
        change=_message_to_client(reason),
        emails=[_to_client(tasks.send_decline)],
    )


def cancellable_by_client(booking: BookingRequest, now, rules: ClinicSettings) -> bool:
    if booking.status in OPEN_STATUSES:
        return True
    return booking.status == Status.CONFIRMED and now <= booking.start - rules.cancellation_cutoff


def cancel_by_client(booking: BookingRequest, *, reason: str = "", now=None) -> BookingRequest:
    """The client withdraws a request, or cancels a booking before the cutoff. Their optional
    reason (no health detail is asked for) is the event's note, which the clinic's notice
    carries. A new time they had asked for this booking is withdrawn with it."""
    now = _now(now)
    rules = ClinicSettings.load()
    reason = reason.strip()[:CANCEL_REASON_LENGTH]

    def change(locked: BookingRequest) -> None:
        if not cancellable_by_client(locked, now, rules):
            raise BookingError(
                _(
                    "Appointments can be cancelled online until %(hours)s hours before they "
                    "start. Please call us at %(phone)s."
                )
                % {"hours": rules.cancellation_cutoff_hours, "phone": rules.phone},
                code="cutoff",
            )
        pending = BookingRequest.objects.select_for_update().filter(
            reschedules=locked, status__in=OPEN_STATUSES
        )
        for waiting in pending:
            from_status = waiting.status
            waiting.status = Status.CANCELLED
            waiting.status_changed_at = now
            waiting.save(update_fields=["status", "status_changed_at", "updated_at"])
            BookingEvent.objects.create(
                request=waiting,
                from_status=from_status,
                to_status=Status.CANCELLED,
                actor_kind=BookingEvent.Actor.CLIENT,
                at=now,
                note=_("Withdrawn: the client cancelled %(reference)s.")
                % {"reference": locked.reference},
            )

    return _move(
        booking,
        allowed=ALLOWED_FROM["cancel_by_client"],
        to=Status.CANCELLED,
        action=_("cancelled"),
        now=now,
        actor_kind=BookingEvent.Actor.CLIENT,
        note=reason,
        change=change,
        emails=[_to_client(tasks.send_cancellation), _to_clinic],
    )


# --- a client moving a confirmed time ------------------------------------------------------------


def changeable_by_client(booking: BookingRequest, now, rules: ClinicSettings) -> bool:
    """A confirmed booking may be moved online until the cancellation cutoff."""
    return booking.status == Status.CONFIRMED and now <= booking.start - rules.cancellation_cutoff


def open_reschedule(booking: BookingRequest) -> BookingRequest | None:
    """The new time this booking's client asked for and the clinic has not answered yet."""
    return (
        BookingRequest.objects.select_related("service", "therapist", "requested_therapist")
        .filter(reschedules=booking, status__in=OPEN_STATUSES)
        .first()
    )


def _join(*notes: str) -> str:
    return "\n".join(note for note in notes if note)


def _replaced_reference(booking: BookingRequest) -> str:
    """The reference of the booking that `booking` would replace ("" when none)."""
    return (
        BookingRequest.objects.filter(pk=booking.pk)
        .values_list("reschedules__reference", flat=True)
        .first()
        or ""
    )


def _replaces_note(reference: str) -> str:
    return _("Replaces %(reference)s") % {"reference": reference} if reference else ""


def _replace_old_booking(locked: BookingRequest, *, actor, now: dt.datetime) -> None:
    """Confirming a request that moves a booking cancels that booking in the same transaction
    (before the new time is saved, so the same therapist's overlapping time is free), with
    one event of its own. An old booking no longer confirmed is left as it is."""
    if locked.reschedules_id is None:
        return
    old = BookingRequest.objects.select_for_update(of=("self",)).get(pk=locked.reschedules_id)
    if old.status != Status.CONFIRMED:
        return
    old.status = Status.CANCELLED
    old.status_changed_at = now
    old.save(update_fields=["status", "status_changed_at", "updated_at"])
    BookingEvent.objects.create(
        request=old,
        from_status=Status.CONFIRMED,
        to_status=Status.CANCELLED,
        actor=actor,
        actor_kind=BookingEvent.Actor.STAFF if actor is not None else BookingEvent.Actor.CLIENT,
        at=now,
        note=_("Moved to %(reference)s") % {"reference": locked.reference},
    )


def _cutoff_error(rules: ClinicSettings) -> BookingError:
    return BookingError(
        _(
            "Appointments can be changed online until %(hours)s hours before they start. "
            "Please call us at %(phone)s."
        )
        % {"hours": rules.cancellation_cutoff_hours, "phone": rules.phone},
        code="cutoff",
    )


def reschedule_by_client(
    booking: BookingRequest, *, start: dt.datetime, now=None
) -> BookingRequest:
    """The client picks a new time for a confirmed booking. Returns the new request (status
    requested, or awaiting clearance when the intake needs a therapist's look first), or the
    booking itself when it was moved at once: the clinic allows that (clients_move_times), the
    intake is cleared and the same therapist is free at the new time. The old time stays
    booked until the clinic confirms the new one (confirm cancels it then)."""
    now = _now(now)
    rules = ClinicSettings.load()
    with transaction.atomic():
        old = (
            BookingRequest.objects.select_for_update(of=("self",))
            .select_related("service", "intake", "therapist")
            .get(pk=booking.pk)
        )
        if old.status not in ALLOWED_FROM["reschedule_by_client"]:
            raise _wrong_state(old, _("moved"))
        if not changeable_by_client(old, now, rules):
            raise _cutoff_error(rules)
        intake = old.intake
        if intake is None:
            raise BookingError(
                _("Please call us at %(phone)s to change this appointment.")
                % {"phone": rules.phone},
                code="no_intake",
            )
        if intake.level == Level.EMERGENCY:
            raise _emergency()
        if start == old.start:
            raise BookingError(
                _("That is the time you have already. Choose another time."), code="slot_same"
            )
        pending = open_reschedule(old)
        if pending is not None:
            raise BookingError(
                _(
                    "You have already asked to move this appointment (request %(reference)s). "
                    "Please wait for our answer, or cancel that request first."
                )
                % {"reference": pending.reference},
                code="pending",
            )
        wanted = old.therapist if old.requested_therapist_id else None
        if rules.clients_move_times and intake.cleared_for_booking:
            same = availability.find_slot(old.service, old.therapist, start, now=now, rules=rules)
            if not isinstance(same, availability.Unavailable):
                return _move_now(old, start, now=now)
        found = availability.find_slot(old.service, wanted, start, now=now, rules=rules)
        if isinstance(found, availability.Unavailable):
            raise slot_error(found, rules)
        status = Status.REQUESTED if intake.cleared_for_booking else Status.AWAITING_CLEARANCE
        new = BookingRequest(
            service=old.service,
            requested_therapist=wanted,
            requested_start=start,
            client_name=old.client_name,
            email=old.email,
            phone=old.phone,
            note=old.note,
            language=old.language,
            intake=intake,
            status=status,
            status_changed_at=now,
            reschedules=old,
        )
        _save_new(new)
        event = BookingEvent.objects.create(
            request=new,
            from_status="",
            to_status=status,
            actor_kind=BookingEvent.Actor.CLIENT,
            at=now,
            note=_("Asks to move %(reference)s") % {"reference": old.reference},
        )
        tasks.send_reschedule_receipt.enqueue(new.pk)
        _to_clinic(new, event)
    return new


def _move_now(booking: BookingRequest, start: dt.datetime, *, now) -> BookingRequest:
    """The booking itself moves to a free time of the same therapist (one event)."""
    before = timezone.localtime(booking.start, ClinicSettings.load().zone)

    def change(locked: BookingRequest) -> None:
        _set_time(locked, locked.therapist, start)
        locked.reminder_sent_at = now if locked.reminded_by_confirmation(now) else None
        locked.recheck_asked_at = None

    return _move(
        booking,
        allowed=ALLOWED_FROM["reschedule_by_client"],
        to=Status.CONFIRMED,
        action=_("moved"),
        now=now,
        actor_kind=BookingEvent.Actor.CLIENT,
        note=_("Moved by the client; it was on %(when)s")
        % {"when": date_format(before, "SHORT_DAY_YEAR_CLOCK_FORMAT")},
        change=change,
        emails=[_to_client(tasks.send_moved), _to_clinic],
    )


def cancel_by_clinic(
    booking: BookingRequest, *, by, reason: str = "", tell_client: bool = True, now=None
) -> BookingRequest:
    """The clinic cancels, at any time; the reason goes to the client, unless the therapist has
    already told them another way (`tell_client=False`)."""
    now = _now(now)
    reason = reason.strip()

    return _move(
        booking,
        allowed=ALLOWED_FROM["cancel_by_clinic"],
        to=Status.CANCELLED,
        action=_("cancelled"),
        now=now,
        actor=by,
        note=reason,
        change=_message_to_client(reason),
        emails=[_to_client(tasks.send_cancellation)] if tell_client else [],
    )


def expire(booking: BookingRequest, *, now=None) -> BookingRequest:
    """An open request that waited too long for an answer ends, and the client is told."""
    now = _now(now)
    rules = ClinicSettings.load()

    def change(locked: BookingRequest) -> None:
        if not locked.is_stale(now, rules):
            raise BookingError(
                _("Request %(reference)s is still within its %(hours)s hours.")
                % {"reference": locked.reference, "hours": rules.request_expiry_hours},
                code="not_stale",
            )

    return _move(
        booking,
        allowed=ALLOWED_FROM["expire"],
        to=Status.EXPIRED,
        action=_("expired"),
        now=now,
        actor_kind=BookingEvent.Actor.SYSTEM,
        change=change,
        emails=[_to_client(tasks.send_expiry)],
    )


def _after_start(action: str, now) -> Callable[[BookingRequest], None]:
    def change(locked: BookingRequest) -> None:
        if now < locked.start:
            raise BookingError(
                _("The session has not started yet, so it cannot be %(action)s.")
                % {"action": action},
                code="too_early",
            )

    return change


def complete(booking: BookingRequest, *, by, note: str = "", now=None) -> BookingRequest:
    now = _now(now)
    action = _("marked completed")
    return _move(
        booking,
        allowed=ALLOWED_FROM["complete"],
        to=Status.COMPLETED,
        action=action,
        now=now,
        actor=by,
        note=note.strip(),
        change=_after_start(action, now),
    )


def no_show(booking: BookingRequest, *, by, note: str = "", now=None) -> BookingRequest:
    now = _now(now)
    action = _("marked as a no-show")
    return _move(
        booking,
        allowed=ALLOWED_FROM["no_show"],
        to=Status.NO_SHOW,
        action=action,
        now=now,
        actor=by,
        note=note.strip(),
        change=_after_start(action, now),
    )


# --- periodic work (idempotent; safe with several workers at once) ------------------------------


def send_due_reminders(*, now=None) -> int:
    """Queue one reminder per booking starting within the next 24 hours. Each booking is
    claimed with one UPDATE … WHERE reminder_sent_at IS NULL, so two runs (or two workers at
    once) never remind twice."""
    now = _now(now)
    due = BookingRequest.objects.due_for_reminder(now).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = BookingRequest.objects.filter(
                pk=pk, status=Status.CONFIRMED, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if claimed:
                tasks.send_reminder.enqueue(pk)
                sent += 1
    return sent


def send_due_rechecks(*, now=None) -> int:
    """Email the pre-visit re-check link (spec section 3, rule 6) once per confirmed session
    that needs it, RECHECK_LEAD_HOURS before it (clinic/booking/visit_checks.py says which).
    Claimed with one UPDATE … WHERE recheck_asked_at IS NULL, as reminders are, so two runs or
    two workers never ask twice."""
    now = _now(now)
    due = (
        visit_checks.due(now=now)
        .filter(intake__isnull=False, recheck_asked_at__isnull=True)
        .values_list("pk", flat=True)
    )
    asked = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = BookingRequest.objects.filter(
                pk=pk, status=Status.CONFIRMED, recheck_asked_at__isnull=True
            ).update(recheck_asked_at=now)
            if claimed:
                tasks.send_recheck_request.enqueue(pk)
                asked += 1
    return asked


def expire_stale_requests(*, now=None) -> int:
    """Expire every open request nobody answered in time (or whose time has come)."""
    now = _now(now)
    rules = ClinicSettings.load()
    stale = BookingRequest.objects.stale(now, rules).values_list("pk", flat=True)
    expired = 0
    for pk in list(stale):
        try:
            expire(BookingRequest(pk=pk), now=now)
        except BookingError:
            continue  # answered (or expired by another worker) in the meantime
        expired += 1
    return expired
