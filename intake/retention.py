"""How long intakes are kept, and removing them: after the retention period, on a client's
request, and partial forms nobody finished. Every removal of an intake leaves an audit row."""

import datetime as dt
import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from intake import session as intake_session
from intake.models import Intake, IntakeAccess

logger = logging.getLogger(__name__)


def retention_cutoff(now: dt.datetime) -> dt.datetime:
    """Intakes submitted before this instant are past the retention period."""
    years = settings.INTAKE_RETENTION_YEARS
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def delete_intakes(intakes, *, action: str, by=None, ip_address: str | None = None) -> int:
    """Delete these intakes, recording each deletion first. Booking requests keep their
    history and lose only the link to the intake."""
    with transaction.atomic():
        doomed = list(intakes.select_for_update().only("pk"))
        IntakeAccess.objects.bulk_create(
            IntakeAccess(
                intake=intake,
                intake_number=intake.pk,
                user=by,
                action=action,
                ip_address=ip_address,
            )
            for intake in doomed
        )
        Intake.objects.filter(pk__in=[intake.pk for intake in doomed]).delete()
    return len(doomed)


def purge_expired_intakes(
    *, now: dt.datetime | None = None, release: Callable[[int], None] | None = None
) -> int:
    """Delete the intakes past the retention period, each in its own savepoint: a row that
    fails is logged by its number only (a database error can quote the row) and the others go
    on; the next run tries it again. Returns how many were deleted.

    `release(intake_id)` runs first in the same savepoint: the booking layer's chance to let go
    of the intake (intake never imports booking). Without it, an intake that a booking still
    needs (one waiting for clearance) is refused by the database and skipped."""
    now = now or timezone.now()
    expired = Intake.objects.filter(created_at__lt=retention_cutoff(now)).order_by("pk")
    purged = 0
    for pk in list(expired.values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                if release is not None:
                    release(pk)
                purged += delete_intakes(
                    Intake.objects.filter(pk=pk), action=IntakeAccess.Action.PURGED
                )
        except Exception as error:
            logger.error(
                "Intake %s could not be purged (%s); the others went on.",
                pk,
                type(error).__name__,
            )
    return purged


def purge_abandoned_forms(*, now: dt.datetime | None = None) -> int:
    """Drop unfinished intake answers left alone for INTAKE_IDLE_MINUTES, and delete expired
    sessions outright. Returns how many unfinished forms were dropped."""
    now = now or timezone.now()
    dropped = 0
    for stored in Session.objects.iterator():
        data = stored.get_decoded()
        progress = data.get(intake_session.PROGRESS_KEY)
        if stored.expire_date < now:
            stored.delete()
            dropped += bool(progress)
        elif progress and intake_session.is_abandoned(progress, now):
            del data[intake_session.PROGRESS_KEY]
            Session.objects.save(stored.session_key, data, stored.expire_date)
            dropped += 1
    return dropped
