"""Notices to staff: an email as things happen (STAFF_NOTICES = "each") or one digest a day
("daily", the default), when a reader question arrives, when intakes need review and when a
request is about to expire unanswered.

Notices carry counts and back-office links only: never a level, an answer, a question's text
or a client's note. Each is recorded (StaffNotice) before it is queued, in one transaction,
so it goes out once even with several workers. `send_daily_digest(now=...)` is what the
periodic command calls; in "each" mode it sends the warnings for requests about to expire.

Intakes needing attention are already emailed one by one by the intake app as they arrive
(intake.emails.notify_clinic); the "each" mode does not send them twice.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.backoffice import tasks
from clinic.backoffice.models import StaffNotice
from clinic.booking.models import WAITING_FOR_CLINIC, BookingRequest, DataDeletionRequest
from clinic.core.models import ClinicSettings
from education.models import ReaderQuestion
from intake.models import Intake

EACH, DAILY = "each", "daily"
# A request waiting for the clinic is "about to expire" this long before it would.
EXPIRY_WARNING = dt.timedelta(hours=12)
# The daily digest goes out at the first periodic run at or after this hour (clinic time).
DIGEST_HOUR = 7


def mode() -> str:
    return getattr(settings, "STAFF_NOTICES", DAILY)


def _record(kind: str, key: str) -> bool:
    """Record a notice; False if it was recorded before (sent already, or being sent)."""
    try:
        with transaction.atomic():
            StaffNotice.objects.create(kind=kind, key=key)
    except IntegrityError:
        return False
    return True


def question_saved(sender, instance: ReaderQuestion, created: bool, raw: bool = False, **kw):
    """A reader question arrived (post_save): in "each" mode, tell the staff now."""
    if not created or raw or mode() != EACH:
        return
    with transaction.atomic():
        if _record(StaffNotice.Kind.QUESTION, str(instance.pk)):
            tasks.send_question_notice.enqueue(instance.pk)


def expiring(now: dt.datetime, rules: ClinicSettings):
    """Requests waiting for the clinic that expire within EXPIRY_WARNING (not yet expired)."""
    return BookingRequest.objects.filter(
        status__in=WAITING_FOR_CLINIC,
        status_changed_at__lte=now - rules.request_expiry + EXPIRY_WARNING,
        status_changed_at__gt=now - rules.request_expiry,
    )


def warn_expiring(now: dt.datetime, rules: ClinicSettings) -> int:
    """One notice per request about to expire (once per request and status change)."""
    sent = 0
    for pk, changed in expiring(now, rules).values_list("pk", "status_changed_at"):
        with transaction.atomic():
            if _record(StaffNotice.Kind.EXPIRING, f"{pk}@{changed.timestamp():.0f}"):
                tasks.send_expiry_warning.enqueue(pk)
                sent += 1
    return sent


def counts(now: dt.datetime, rules: ClinicSettings) -> dict[str, int]:
    """What waits for the staff, as numbers only."""
    return {
        "questions": ReaderQuestion.objects.filter(status=ReaderQuestion.Status.PENDING).count(),
        "intakes": Intake.objects.filter(review_status=Intake.ReviewStatus.NEW).count(),
        "requests": BookingRequest.objects.filter(status__in=WAITING_FOR_CLINIC).count(),
        "expiring": expiring(now, rules).count(),
        "deletions": DataDeletionRequest.objects.filter(
            status=DataDeletionRequest.Status.PENDING
        ).count(),
    }


def send_daily_digest(now: dt.datetime | None = None) -> int:
    """The periodic job: in "daily" mode, the day's digest once (from DIGEST_HOUR on, and
    only if something waits); in "each" mode, the warnings for requests about to expire.
    Returns how many notices it queued. Idempotent and safe from several workers at once."""
    now = now or timezone.now()
    rules = ClinicSettings.load()
    if mode() == EACH:
        return warn_expiring(now, rules)
    local = timezone.localtime(now, rules.zone)
    if local.hour < DIGEST_HOUR:
        return 0
    with transaction.atomic():
        if not _record(StaffNotice.Kind.DIGEST, local.date().isoformat()):
            return 0
        waiting = counts(now, rules)
        if not any(waiting.values()):
            return 0
        tasks.send_digest.enqueue(local.date().isoformat(), waiting)
    return 1
