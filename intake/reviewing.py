"""A therapist's review of an intake: one function per decision, each recorded.

Clearing and referring are told to whoever listens (`intake_cleared`, `intake_referred`, sent
inside the decision's transaction with `intake` and `by`): booking moves every request waiting
on the intake forward, or tells the client to see their doctor first. Intake never imports
booking.
"""

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import Intake, IntakeAccess
from intake.triage import Level

intake_cleared = Signal()
intake_referred = Signal()


class ReviewError(Exception):
    """A review decision that cannot be made; the message is for the therapist."""


def record_access(
    intake: Intake, user, action: str = IntakeAccess.Action.VIEWED, ip_address: str | None = None
) -> IntakeAccess:
    return IntakeAccess.objects.create(
        intake=intake,
        intake_number=intake.pk,
        user=user,
        action=action,
        ip_address=ip_address or None,
    )


def note_required_to_clear(intake: Intake) -> bool:
    """Lowering a doctor-first (or worse) result needs a documented reason."""
    return intake.level in (Level.MEDICAL, Level.EMERGENCY) or intake.emergency_screen_incomplete


def _decide(
    intake: Intake, user, status: str, action: str, note: str, ip_address=None, *, told=None
) -> Intake:
    with transaction.atomic():
        locked = Intake.objects.select_for_update().get(pk=intake.pk)
        if status != Intake.ReviewStatus.REVIEWED and locked.review_status == status:
            # Two therapists deciding at once: the first one's decision stands.
            raise ReviewError(
                _("%(who)s already made this decision at %(when)s; nothing was changed.")
                % {
                    "who": locked.reviewed_by or _("Someone"),
                    "when": timezone.localtime(locked.reviewed_at).strftime("%H:%M"),
                }
            )
        locked.review_status = status
        locked.reviewed_by = user
        locked.reviewed_at = timezone.now()
        if note:
            locked.review_note = note
        locked.save(update_fields=["review_status", "reviewed_by", "reviewed_at", "review_note"])
        record_access(locked, user, action, ip_address)
        if told is not None:
            told.send(sender=Intake, intake=locked, by=user)
    return locked


def mark_reviewed(intake: Intake, user, note: str = "", ip_address=None) -> Intake:
    return _decide(
        intake,
        user,
        Intake.ReviewStatus.REVIEWED,
        IntakeAccess.Action.REVIEWED,
        note.strip(),
        ip_address,
    )


def clear_for_massage(intake: Intake, user, note: str = "", ip_address=None) -> Intake:
    note = note.strip()
    if not note and note_required_to_clear(intake):
        raise ReviewError(
            _(
                "This intake needs a doctor first or has unanswered emergency questions. Write "
                "a note saying how it was cleared (for example the doctor's OK, or the call in "
                "which you asked the missing questions)."
            )
        )
    return _decide(
        intake,
        user,
        Intake.ReviewStatus.CLEARED,
        IntakeAccess.Action.CLEARED,
        note,
        ip_address,
        told=intake_cleared,
    )


def refer_to_doctor(intake: Intake, user, note: str = "", ip_address=None) -> Intake:
    if not note.strip():
        raise ReviewError(
            _(
                "Write why you refer the client to a doctor. The client is only told to see "
                "their doctor first; your note stays here."
            )
        )
    return _decide(
        intake,
        user,
        Intake.ReviewStatus.REFERRED,
        IntakeAccess.Action.REFERRED,
        note.strip(),
        ip_address,
        told=intake_referred,
    )
