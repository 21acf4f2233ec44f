"""How long the program keeps a client's enrolment, and removing it after that.

An enrolment holds health information (the baseline scores, each check-in's scores and
answers) and an email. PROGRAM_RETENTION_DAYS (default 365) after its last sign of life (the
newest of: joined, confirmed, unsubscribed, last activity), run_periodic deletes it with its
lessons done and check-ins. The program's audit trail (ProgramAccess) is kept, as the intake
audit outlives intakes: its rows lose the link and keep the enrolment's number.

Safe to run from two workers at once: each row is locked and checked again before it is
deleted (a row another worker holds is skipped, that worker deletes it), and one that fails is
logged by its number only and tried again on the next run.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone

from clinic.program.models import Enrolment, ProgramAccess

logger = logging.getLogger(__name__)


def retention_days() -> int:
    return settings.PROGRAM_RETENTION_DAYS


def retention_cutoff(now: dt.datetime) -> dt.datetime:
    """Enrolments with no sign of life since this instant are past the retention period."""
    return now - dt.timedelta(days=retention_days())


def expired(now: dt.datetime) -> QuerySet[Enrolment]:
    # GREATEST skips NULLs in PostgreSQL: a row never confirmed or used counts from joining.
    return Enrolment.objects.alias(
        last_seen=Greatest("created_at", "confirmed_at", "unsubscribed_at", "last_activity_at")
    ).filter(last_seen__lt=retention_cutoff(now))


def purge_expired_enrolments(now: dt.datetime | None = None) -> int:
    """Delete every enrolment past the retention period with its lessons done and check-ins.
    Idempotent: a second run, or a second worker at the same time, deletes nothing more.
    Returns how many enrolments were deleted."""
    now = now or timezone.now()
    purged = 0
    for pk in list(expired(now).order_by("pk").values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                # Locked and checked again: a client active since the list was read stays,
                # and a row another worker is deleting is left to it.
                row = (
                    expired(now)
                    .select_for_update(skip_locked=True, of=("self",))
                    .filter(pk=pk)
                    .only("pk")
                    .first()
                )
                if row is None:
                    continue
                # The audit keeps naming the enrolment once the link is gone.
                ProgramAccess.objects.filter(enrolment_id=pk, enrolment_number__isnull=True).update(
                    enrolment_number=F("enrolment_id")
                )
                row.delete()
                purged += 1
        except Exception as error:  # one bad row must not stop the rest
            logger.error(
                "Program enrolment %s could not be purged (%s); the others went on.",
                pk,
                type(error).__name__,
            )
    return purged
