"""Client records: filing intakes and booking requests under one client per verified email,
letting go of what the client's data no longer backs, visit notes (signed, locked after
NOTE_EDITABLE_FOR, then addenda) and the history a therapist reads. Every read of a history
or a note, and every change, leaves a ClientAccess row.

The history includes the client's self-care program (clinic.program), matched by email: where
they are and which lessons they did for anyone who reads the history, and their baseline
scores and check-ins only for staff with `program.view_program_health`; a look at those is also
recorded in the program's own audit trail (ProgramAccess)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.booking.models import BookingEvent, BookingRequest
from clinic.clients.models import (
    Client,
    ClientAccess,
    ClientBooking,
    ClientIntake,
    VisitNote,
    VisitNoteAddendum,
)
from clinic.program.models import (
    LESSON_COUNT,
    CheckIn,
    Enrolment,
    Lesson,
    LessonDone,
    ProgramAccess,
)
from intake.models import Intake

Action = ClientAccess.Action


class NoteLocked(Exception):
    """A change to a visit note that is no longer allowed; the message is for the therapist."""


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


# --- linking -----------------------------------------------------------------------------------


def _client_for(email: str, name: str) -> Client | None:
    email = normalise_email(email)
    if not email:
        return None
    client, created = Client.objects.get_or_create(email=email, defaults={"name": name.strip()})
    if not created and name.strip() and client.name != name.strip():
        client.name = name.strip()
        client.save(update_fields=["name"])
    return client


def link_intake(intake: Intake) -> Client | None:
    """File a submitted intake under the client with its email (created if new). Idempotent:
    an intake already filed stays where it is."""
    if ClientIntake.objects.filter(intake_id=intake.pk).exists():
        return None
    with transaction.atomic():
        client = _client_for(intake.email, intake.name)
        if client is not None:
            ClientIntake.objects.get_or_create(intake_id=intake.pk, defaults={"client": client})
    return client


def link_booking(booking: BookingRequest) -> Client | None:
    """File a booking request under the client with its email. A request whose client data
    was blanked is let go of (with its visit note). Idempotent."""
    email = normalise_email(booking.email)
    current = ClientBooking.objects.filter(booking_id=booking.pk).select_related("client").first()
    if not email:
        if current is not None:
            forget_bookings([booking.pk])
        return None
    if current is not None:
        return current.client
    with transaction.atomic():
        client = _client_for(email, booking.client_name)
        ClientBooking.objects.get_or_create(booking_id=booking.pk, defaults={"client": client})
    return client


def link_all() -> dict[str, int]:
    """File every intake and booking request not filed yet, and let go of what was blanked
    meanwhile (the link_clients command; safe to run again)."""
    intakes = Intake.objects.filter(client_link__isnull=True).exclude(email="")
    bookings = BookingRequest.objects.filter(client_link__isnull=True).exclude(email="")
    linked_intakes = sum(link_intake(intake) is not None for intake in intakes.iterator())
    linked_bookings = sum(link_booking(booking) is not None for booking in bookings.iterator())
    return {
        "intakes": linked_intakes,
        "bookings": linked_bookings,
        "forgotten": forget_anonymised(),
    }


# --- letting go ----------------------------------------------------------------------------------


def forget_bookings(booking_ids, *, by=None) -> int:
    """Unfile these booking requests (their client data was blanked): their visit notes are
    deleted (recorded), and a client with nothing left is deleted. Returns how many."""
    with transaction.atomic():
        links = list(
            ClientBooking.objects.select_for_update().filter(booking_id__in=list(booking_ids))
        )
        notes = list(VisitNote.objects.filter(booking_id__in=[link.booking_id for link in links]))
        ClientAccess.objects.bulk_create(
            ClientAccess(
                client_id=note.client_id,
                client_number=note.client_id,
                note_number=note.pk,
                user=by,
                action=Action.DELETED_NOTE,
            )
            for note in notes
        )
        VisitNote.objects.filter(pk__in=[note.pk for note in notes]).delete()
        ClientBooking.objects.filter(pk__in=[link.pk for link in links]).delete()
        for client_id in {link.client_id for link in links}:
            forget_if_empty(client_id)
    return len(links)


def forget_anonymised() -> int:
    """Unfile every booking request whose client data was blanked (a deletion request or the
    retention period). Idempotent."""
    blanked = ClientBooking.objects.filter(booking__email="").values_list("booking_id", flat=True)
    return forget_bookings(list(blanked))


def forget_if_empty(client_id: int | None) -> bool:
    """Delete a client record nothing backs any more (no intake, request or note left): the
    record must not keep a name and an email the client's data no longer holds."""
    if client_id is None:
        return False
    client = Client.objects.filter(pk=client_id).first()
    if client is None:
        return False
    if (
        client.intake_links.exists()
        or client.booking_links.exists()
        or VisitNote.objects.filter(client_id=client_id).exists()
    ):
        _refresh_name(client)
        return False
    ClientAccess.objects.create(
        client=None, client_number=client_id, action=Action.FORGOTTEN, user=None
    )
    client.delete()
    return True


def _refresh_name(client: Client) -> None:
    """The name from the newest linked row still holding one (a blanked row named no one)."""
    newest = Intake.objects.filter(client_link__client=client).order_by("-created_at").first()
    booking = (
        BookingRequest.objects.filter(client_link__client=client)
        .exclude(email="")
        .order_by("-created_at")
        .first()
    )
    candidates = [
        (row.created_at, name)
        for row, name in (
            (newest, newest and newest.name),
            (booking, booking and booking.client_name),
        )
        if row is not None
    ]
    name = max(candidates)[1] if candidates else ""
    if name != client.name:
        client.name = name
        client.save(update_fields=["name"])


# --- audit ------------------------------------------------------------------------------------


def record_access(
    client_id: int | None,
    user,
    action: str,
    *,
    note: VisitNote | None = None,
    ip_address: str | None = None,
) -> ClientAccess:
    return ClientAccess.objects.create(
        client_id=client_id,
        client_number=client_id,
        note_number=note.pk if note else None,
        user=user,
        action=action,
        ip_address=ip_address or None,
    )


# --- visit notes --------------------------------------------------------------------------------


def client_of_booking(booking: BookingRequest) -> Client | None:
    link = ClientBooking.objects.filter(booking=booking).select_related("client").first()
    return link.client if link else link_booking(booking)


def write_note(
    note: VisitNote, booking: BookingRequest, *, by, ip_address=None, now=None
) -> VisitNote:
    """Sign and save a new visit note on `booking` (one per booking)."""
    client = client_of_booking(booking)
    if client is None:
        raise NoteLocked(_("This booking request no longer holds the client's details."))
    with transaction.atomic():
        note.booking, note.client = booking, client
        note.signed_by, note.signed_at = by, now or timezone.now()
        note.save()
        record_access(client.pk, by, Action.WROTE_NOTE, note=note, ip_address=ip_address)
    return note


def correct_note(note: VisitNote, *, by, ip_address=None, now=None) -> VisitNote:
    """Save the changed fields of a note still within its correction window; refused after
    (the database refuses it too)."""
    now = now or timezone.now()
    with transaction.atomic():
        signed = VisitNote.objects.select_for_update().get(pk=note.pk)
        if signed.is_locked(now):
            raise NoteLocked(
                _(
                    "This note was signed more than 24 hours ago and is locked. Add an "
                    "addendum instead."
                )
            )
        note.signed_by_id, note.signed_at = signed.signed_by_id, signed.signed_at
        note.changed_at = now
        note.save()
        record_access(note.client_id, by, Action.CORRECTED_NOTE, note=note, ip_address=ip_address)
    return note


def add_addendum(note: VisitNote, text: str, *, by, ip_address=None, now=None) -> VisitNoteAddendum:
    text = text.strip()
    if not text:
        raise NoteLocked(_("Write the addendum first."))
    with transaction.atomic():
        addendum = VisitNoteAddendum.objects.create(
            note=note, text=text, written_by=by, written_at=now or timezone.now()
        )
        record_access(note.client_id, by, Action.ADDED_ADDENDUM, note=note, ip_address=ip_address)
    return addendum


# --- the self-care program ------------------------------------------------------------------------

PROGRAM_HEALTH = "program.view_program_health"


def lesson_label(lesson: Lesson) -> str:
    """How a lesson is named to therapists: "Lesson 3: Settling a flare"."""
    return _("Lesson %(number)s: %(title)s") % {"number": lesson.order, "title": lesson.title}


# What a lesson row needs for a title: its body is long and never shown here.
LESSON_BULK = ("lesson__body", "lesson__body_html", "lesson__toc", "lesson__summary")


@dataclass(frozen=True)
class ProgramRecord:
    """The client's enrolment in the self-care program. `baseline` and `check_ins` are health
    information: filled only when the reader may see them (`health`)."""

    enrolment: Enrolment
    done: list[LessonDone]
    health: bool
    baseline: tuple[int, int] | None = None
    check_ins: list[CheckIn] = field(default_factory=list)
    lesson_count: int = LESSON_COUNT

    @property
    def status(self) -> str:
        row = self.enrolment
        if row.unsubscribed_at:
            return _("Unsubscribed: no program email goes out.")
        if row.confirmed_at is None:
            return _("Email not confirmed yet: no lesson email goes out.")
        if row.needs_doctor_ok:
            return _("Waiting for a doctor's OK before starting.")
        if row.started_at is None:
            return _("Email confirmed; the program has not started.")
        return _("Taking the program.")

    def done_lessons(self) -> list[tuple[str, datetime]]:
        return [(lesson_label(done.lesson), done.done_at) for done in self.done]


def program_record(client: Client, *, health: bool) -> ProgramRecord | None:
    """The client's enrolment (matched by their email), in at most three queries whatever the
    number of lessons or check-ins; None when that email never joined the program."""
    rows = Enrolment.objects.filter(email=normalise_email(client.email)).prefetch_related(
        Prefetch(
            "done",
            queryset=LessonDone.objects.select_related("lesson")
            .defer(*LESSON_BULK)
            .order_by("lesson__order"),
        )
    )
    if health:
        rows = rows.prefetch_related(
            Prefetch("check_ins", queryset=CheckIn.objects.order_by("week", "created_at"))
        )
    else:
        rows = rows.defer("baseline_pain", "baseline_limits")
    enrolment = rows.first()
    if enrolment is None:
        return None
    if not health:
        return ProgramRecord(enrolment, list(enrolment.done.all()), health=False)
    baseline = None
    if enrolment.baseline_pain is not None and enrolment.baseline_limits is not None:
        baseline = (enrolment.baseline_pain, enrolment.baseline_limits)
    return ProgramRecord(
        enrolment,
        list(enrolment.done.all()),
        health=True,
        baseline=baseline,
        check_ins=list(enrolment.check_ins.all()),
    )


def enrolment_of(client: Client) -> Enrolment | None:
    return Enrolment.objects.filter(email=normalise_email(client.email)).only("pk").first()


def record_program_view(
    enrolment: Enrolment | None, user, *, health: bool, ip_address=None
) -> None:
    """A look at an enrolment's scores and check-ins (a history or an export read by someone
    who may see them) is also kept in the program's own audit trail."""
    if enrolment is None or not health:
        return
    ProgramAccess.objects.create(
        enrolment=enrolment,
        enrolment_number=enrolment.pk,
        user=user,
        action=ProgramAccess.Action.VIEWED,
        ip_address=ip_address or None,
    )


# --- history ------------------------------------------------------------------------------------


@dataclass
class History:
    """What a client reported (intakes: level, when, the review decision; never an answer),
    and what was booked and decided (requests, their status changes, visit notes)."""

    client: Client
    intakes: list = field(default_factory=list)
    bookings: list = field(default_factory=list)
    intake_count: int = 0
    booking_count: int = 0
    program: ProgramRecord | None = None

    @property
    def shortened(self) -> bool:
        return self.intake_count > len(self.intakes) or self.booking_count > len(self.bookings)


# The history page shows this many of the latest intakes and requests; the export has all.
HISTORY_SHOWN = 50


def history(
    client: Client, *, latest: int | None = HISTORY_SHOWN, program_health: bool = False
) -> History:
    """The client's history in a fixed number of queries, whatever its size: the `latest`
    intakes and requests (all of them with `latest=None`), how many there are, and their
    program (its scores and check-ins with `program_health`)."""
    intakes = (
        Intake.objects.filter(client_link__client=client)
        .select_related("reviewed_by")
        .only(
            "pk",
            "level",
            "created_at",
            "review_status",
            "reviewed_at",
            "reviewed_by__username",
            "reviewed_by__first_name",
            "reviewed_by__last_name",
            "flags",
        )
        .order_by("-created_at")
    )
    bookings = (
        BookingRequest.objects.filter(client_link__client=client)
        .select_related(
            "service",
            "therapist",
            "requested_therapist",
            "visit_note",
            "visit_note__recommended_lesson",
        )
        .prefetch_related(
            Prefetch("events", queryset=BookingEvent.objects.select_related("actor")),
        )
        .defer(
            "note",
            "message_to_client",
            *(f"visit_note__recommended_{name}" for name in LESSON_BULK),
        )
        .order_by("-requested_start")
    )
    program = program_record(client, health=program_health)
    if latest is None:
        intakes, bookings = list(intakes), list(bookings)
        return History(client, intakes, bookings, len(intakes), len(bookings), program)
    return History(
        client,
        list(intakes[:latest]),
        list(bookings[:latest]),
        intakes.count(),
        bookings.count(),
        program,
    )


def as_text(client: Client, *, program_health: bool = False) -> str:
    """The client's record as plain text, for an export (the intakes' own answers are
    exported from each intake; the program's scores and check-ins with `program_health`)."""
    record = history(client, latest=None, program_health=program_health)
    notes = {
        note.booking_id: note
        for note in VisitNote.objects.filter(client=client)
        .select_related("recommended_lesson")
        .defer(*(f"recommended_{name}" for name in LESSON_BULK))
        .prefetch_related("addenda")
    }
    lines = [f"{client.name} <{client.email}>", ""]
    lines.append(_("Intakes"))
    for intake in record.intakes:
        lines.append(
            f"- #{intake.pk} {intake.created_at:%Y-%m-%d %H:%M} {intake.get_level_display()} "
            f"({intake.get_review_status_display()})"
        )
    lines += ["", _("Booking requests")]
    for booking in record.bookings:
        lines.append(
            f"- {booking.reference} {booking.service} {booking.shown_start:%Y-%m-%d %H:%M} "
            f"{booking.get_status_display()}"
        )
        note = notes.get(booking.pk)
        if note is None:
            continue
        lines += [
            f"  {_('areas worked on')}: {', '.join(note.area_labels())}",
            f"  {_('pressure (1-5)')}: {note.pressure}",
            f"  {_('techniques')}: {note.techniques}",
            f"  {_('how the client responded')}: {note.response}",
            f"  {_('home care advised')}: {note.home_care}",
            f"  {_('lesson recommended')}: {_recommended(note)}",
            f"  {_('plan for next time')}: {note.plan}",
            f"  {_('signed at')}: {note.signed_at:%Y-%m-%d %H:%M}",
        ]
        lines += [f"  + {a.written_at:%Y-%m-%d %H:%M}: {a.text}" for a in note.addenda.all()]
    lines += ["", _("Self-care program"), *program_lines(record.program)]
    return "\n".join(lines) + "\n"


def _recommended(note: VisitNote) -> str:
    lesson = note.recommended_lesson
    return lesson_label(lesson) if lesson is not None else _("none")


def _on(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else _("not yet")


def program_lines(program: ProgramRecord | None) -> list[str]:
    """The program part of the export, in the same words as the history page."""
    if program is None:
        return [f"- {_('Never joined the program with this email.')}"]
    row = program.enrolment
    lines = [
        f"- {program.status}",
        f"- {_('joined')}: {_on(row.created_at)}",
        f"- {_('email confirmed')}: {_on(row.confirmed_at)}",
    ]
    if row.unsubscribed_at:
        lines.append(f"- {_('unsubscribed')}: {_on(row.unsubscribed_at)}")
    lines += [
        f"- {_('started')}: {_on(row.started_at)}",
        "- "
        + _("Lessons done: %(done)s of %(count)s")
        % {"done": len(program.done), "count": program.lesson_count},
    ]
    lines += [f"  - {label}, {_on(when)}" for label, when in program.done_lessons()]
    if not program.health:
        return lines
    if program.baseline is None:
        lines.append(f"- {_('At the start')}: {_('no scores given')}")
    else:
        lines.append(
            f"- {_('At the start')}: "
            + _("pain %(pain)s of 10, limits the day %(limits)s of 10")
            % {"pain": program.baseline[0], "limits": program.baseline[1]}
        )
    if not program.check_ins:
        lines.append(f"- {_('Check-ins')}: {_('none yet')}")
    for check_in in program.check_ins:
        lines.append(
            "- "
            + _("Check-in week %(week)s, %(when)s")
            % {"week": check_in.week, "when": _on(check_in.created_at)}
            + ": "
            + _("pain %(pain)s of 10, limits the day %(limits)s of 10")
            % {"pain": check_in.pain_now, "limits": check_in.limits_now}
            + f"; {check_in.get_trend_display()}; {_('outcome')}: {check_in.get_level_display()}"
        )
    return lines
