"""The pre-visit re-check on the booking side (spec shared/specs/triage.md, section 3, rule 6:
the check-first questions are asked again at the start of every visit, and an intake older
than 7 days is re-run before a session).

Which bookings need one: a confirmed session starting within RECHECK_LEAD (setting
RECHECK_LEAD_HOURS, 48 unless set) whose answers were not given for this visit. "For this
visit" means answered inside that lead time before the session (a re-check, or a whole new
pre-visit check) and not more than 7 days before it (intake.models.recheck_needed). So a
check done when booking three weeks ahead, or even three days ahead, is asked again; the
questions asked at the door on the therapist's tablet count the same way.

Recording one (from the client's link or at the door): the answers are stored as a new intake
that refreshes the booking's (intake.submission.submit_recheck), the booking points to it, and
when the new answers need a therapist again (intake.recheck.needs_new_clearance) the booking
goes back to awaiting clearance through the pipeline, which tells the clinic at once.
Nothing here puts an answer in a log, an email or a URL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from clinic.booking import pipeline
from clinic.booking.models import BookingRequest, BookingStatus
from intake import recheck as domain
from intake.models import Intake
from intake.submission import submit_recheck
from intake.triage import Level

# Bookings a re-check may be recorded for: a session still to come, or a request for one.
RECHECK_STATUSES = (
    BookingStatus.CONFIRMED,
    BookingStatus.REQUESTED,
    BookingStatus.PROPOSED,
    BookingStatus.AWAITING_CLEARANCE,
)

# What the client (or the therapist at the door) is told afterwards.
UNCHANGED = "unchanged"  # nothing new for a therapist: the session goes ahead
HOLD = "hold"  # a therapist must look again: the booking waits for clearance
EMERGENCY = "emergency"  # call 911 now; the booking waits, the clinic is told at once


class RecheckClosed(Exception):
    """The booking cannot take a re-check (cancelled, over, or without a pre-visit check)."""


def outcome_of(booking: BookingRequest, intake: Intake) -> str:
    """What a recorded re-check means for the client, from what is stored."""
    if intake.level == Level.EMERGENCY:
        return EMERGENCY
    if booking.status == BookingStatus.AWAITING_CLEARANCE and booking.intake_id == intake.pk:
        return HOLD
    return UNCHANGED


@dataclass(frozen=True)
class Recorded:
    booking: BookingRequest
    intake: Intake
    outcome: str


def record(
    booking: BookingRequest,
    fresh: Mapping,
    changes: Iterable[str],
    *,
    signature: str,
    shown_in: str | None = None,
    by=None,
    now: dt.datetime | None = None,
) -> Recorded:
    """Store a re-check for `booking` and act on it, all in one transaction. `by` is the staff
    member who asked the questions at the door (None: the client, by their link)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            BookingRequest.objects.select_for_update(of=("self",))
            .select_related("intake", "service")
            .get(pk=booking.pk)
        )
        original = locked.intake
        if locked.status not in RECHECK_STATUSES or original is None:
            raise RecheckClosed
        if locked.start is not None and (locked.end or locked.start) <= now:
            raise RecheckClosed
        outcome = domain.recheck(original.answers, original.level, fresh, changes)
        new = submit_recheck(original, outcome, signature=signature, shown_in=shown_in)
        if (
            domain.needs_new_clearance(outcome, original.fired)
            and locked.status in pipeline.ALLOWED_FROM["recheck_needs_clearance"]
        ):
            locked = pipeline.recheck_needs_clearance(locked, new_intake=new, by=by, now=now)
        else:
            locked.intake = new
            locked.save(update_fields=["intake", "updated_at"])
    return Recorded(locked, new, outcome_of(locked, new))


def answers_sent(intake: Intake) -> list[tuple[str, str]]:
    """The questions a re-check asked and the answers given, as words (for the page that a
    link used twice shows, to the person holding the link; never for an email or a log)."""
    rows = []
    for question in domain.questions_asked(intake.changes_reported):
        value = intake.answers.get(question.key)
        if value is None:
            continue
        labels = dict(question.choices)
        if isinstance(value, list):
            shown = ", ".join(str(labels.get(item, item)) for item in value)
        else:
            shown = str(labels.get(value, value))
        rows.append((str(question.text), shown))
    return rows
