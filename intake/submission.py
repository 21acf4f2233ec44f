"""Turning a completed form into an Intake record: triage, store, notify."""

from django.db import transaction
from django.utils import timezone

from intake import recheck, tasks, wording
from intake.models import Intake
from intake.questions import CATALOGUE_VERSION, QUESTIONS
from intake.triage import RULES_VERSION, Assessment, assess


def submit(answers: dict, contact: dict, shown_in: str | None = None) -> Intake:
    """Store the answers exactly as given (every question key, null where not shown), with the
    triage result, the words the result page shows (in `shown_in`, the page's language) and
    the client's consent, and enqueue the emails."""
    answers = {key: answers.get(key) for key in QUESTIONS}
    return _store(
        answers,
        assess(answers),
        contact={
            "name": contact["name"],
            "email": contact["email"],
            "phone": contact.get("phone", ""),
            "language": contact["language"],
            "consent_name": contact["signature"],
        },
        shown_in=shown_in or contact["language"],
        receipt=True,
    )


def submit_recheck(
    original: Intake,
    outcome: recheck.Outcome,
    *,
    signature: str,
    shown_in: str | None = None,
) -> Intake:
    """A re-check before a visit, stored as an intake of its own that refreshes `original`:
    the earlier answers with every re-asked question replaced, as scored by
    intake.recheck.recheck() (the same assess()). The client's contact details carry over; the
    consent is given again."""
    return _store(
        outcome.answers,
        outcome.assessment,
        contact={
            "name": original.name,
            "email": original.email,
            "phone": original.phone,
            "language": original.language,
            "consent_name": signature,
        },
        shown_in=shown_in or original.language,
        refreshes=original,
        changes_reported=outcome.changes,
        receipt=False,
    )


def _store(
    answers: dict,
    result: Assessment,
    *,
    contact: dict,
    shown_in: str,
    receipt: bool,
    **extra,
) -> Intake:
    shown = wording.snapshot(
        result.level,
        result.fired,
        result.fired_unknown,
        result.see_doctor_within,
        unsure=wording.through_not_sure(answers, result.triggers, result.fired),
        language=shown_in,
    )
    with transaction.atomic():
        intake = Intake.objects.create(
            answers=answers,
            level=result.level,
            fired=sorted(result.fired),
            fired_unknown=sorted(result.fired_unknown),
            cautions=sorted(result.cautions),
            cautions_unknown=sorted(result.cautions_unknown),
            flags=sorted(result.flags),
            see_doctor_within=result.see_doctor_within or "",
            rules_version=RULES_VERSION,
            shown_wording=shown,
            catalogue_version=CATALOGUE_VERSION,
            consented_at=timezone.now(),
            **contact,
            **extra,
        )
        # Enqueued in the same transaction: a rolled-back intake sends nothing, and a
        # committed one is never forgotten (the task rows commit with it).
        if receipt:
            tasks.send_receipt.enqueue(intake.pk)
        if intake.needs_attention:
            tasks.notify_clinic.enqueue(intake.pk)
    return intake
