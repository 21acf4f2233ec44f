"""Keeping the program by email: asking, confirming, the weekly lesson email, unsubscribing.

Every link is signed for one purpose (its own salt): a confirm link cannot unsubscribe, an
unsubscribe link cannot confirm. A confirm link works for CONFIRM_DAYS; used again it changes
nothing. An unsubscribe link never ends, and unsubscribing stops every program email at once
(the weekly job skips the row, and a lesson email already queued checks again before sending).
Emails carry the lesson's title and links, never a score or an answer.
"""

import datetime as dt

from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from clinic.program import tasks
from clinic.program.models import Enrolment, Lesson, LessonDone
from clinic.program.progress import LAST_EMAIL_WEEK, WEEK, next_lesson, next_week_boundary

CONFIRM_DAYS = 7
RESUME_DAYS = 60
SALTS = {
    "confirm": "clinic.program.confirm",
    "unsubscribe": "clinic.program.unsubscribe",
    "resume": "clinic.program.resume",
    "doctor_ok": "clinic.program.doctor_ok",
}
DOCTOR_OK_DAYS = 90
MAX_AGE = {
    "confirm": CONFIRM_DAYS * 86400,
    "unsubscribe": None,
    "resume": RESUME_DAYS * 86400,
    # Seeing a doctor can take weeks: the way back stays open for three months.
    "doctor_ok": DOCTOR_OK_DAYS * 86400,
}


def make_token(row: Enrolment, purpose: str) -> str:
    # The address is signed too: a link sent to an earlier owner of the row stops working.
    return signing.dumps([row.pk, row.email], salt=SALTS[purpose], compress=True)


def read_token(token: str, purpose: str) -> Enrolment | None:
    try:
        pk, email = signing.loads(token, salt=SALTS[purpose], max_age=MAX_AGE[purpose])
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return Enrolment.objects.filter(pk=pk, email=email).first()


def link(row: Enrolment, purpose: str, language: str | None = None) -> str:
    """The signed link's path, under the client's language unless another is asked for."""
    with translation.override(language or row.language):
        return reverse(f"program:{purpose}", args=[make_token(row, purpose)])


def ask(
    email: str,
    language: str,
    *,
    needs_doctor_ok: bool,
    started_at: dt.datetime | None = None,
    done: set[int] = frozenset(),
    baseline: tuple[int, int] | None = None,
    now: dt.datetime | None = None,
) -> Enrolment:
    """The client gave their email: one row per address, and a confirm email. Nothing is sent
    weekly until confirmed. Asking again for an address that is not yet confirmed (or was
    unsubscribed) starts it over with this browser's progress; an address already confirmed
    and active is left as it is (anyone can type an address: it must not wipe its owner's
    progress), and its owner gets a link that brings their progress to the browser they use."""
    now = now or timezone.now()
    email = email.strip().lower()
    with transaction.atomic():
        row, _created = Enrolment.objects.select_for_update().get_or_create(email=email)
        if row.is_active:
            tasks.send_confirm.enqueue(row.pk)
            return row
        row.language = language
        row.confirmed_at = None
        row.unsubscribed_at = None
        row.next_email_due = None
        row.needs_doctor_ok = needs_doctor_ok
        row.started_at = None if needs_doctor_ok else (started_at or now)
        row.baseline_pain, row.baseline_limits = baseline or (None, None)
        row.last_activity_at = now
        row.save()
        LessonDone.objects.filter(enrolment=row).delete()
        LessonDone.objects.bulk_create(
            LessonDone(enrolment=row, lesson=lesson, done_at=now)
            for lesson in Lesson.objects.originals().filter(order__in=done)
        )
        tasks.send_confirm.enqueue(row.pk)
    return row


def confirm(row: Enrolment, *, now: dt.datetime | None = None) -> bool:
    """Confirm the address; False when it was confirmed already (nothing more happens)."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = Enrolment.objects.filter(
            pk=row.pk, confirmed_at__isnull=True, unsubscribed_at__isnull=True
        ).update(confirmed_at=now, last_activity_at=now)
        if claimed and row.started_at is not None:
            Enrolment.objects.filter(pk=row.pk, next_email_due__isnull=True).update(
                next_email_due=next_week_boundary(row.started_at, now)
            )
    row.refresh_from_db()
    return bool(claimed)


def unsubscribe(row: Enrolment, *, now: dt.datetime | None = None) -> bool:
    """Stop every program email; False when already unsubscribed."""
    claimed = Enrolment.objects.filter(pk=row.pk, unsubscribed_at__isnull=True).update(
        unsubscribed_at=now or timezone.now(), next_email_due=None
    )
    row.refresh_from_db()
    return bool(claimed)


def due(now: dt.datetime):
    return Enrolment.objects.filter(
        confirmed_at__isnull=False,
        unsubscribed_at__isnull=True,
        started_at__isnull=False,
        next_email_due__lte=now,
    )


def send_due_lesson_emails(*, now: dt.datetime | None = None) -> int:
    """Queue this week's lesson email for every enrolment that is due. Each row is claimed by
    one conditional UPDATE (its next_email_due moves on a week), so two runs, or two workers at
    once, never send the same week twice. Returns how many emails were queued."""
    now = now or timezone.now()
    queued = 0
    for pk, due_at, start in list(due(now).values_list("pk", "next_email_due", "started_at")):
        week = (due_at - start) // WEEK + 1
        following = start + week * WEEK
        later = following if week < LAST_EMAIL_WEEK else None
        with transaction.atomic():
            claimed = Enrolment.objects.filter(
                Q(pk=pk, next_email_due=due_at, unsubscribed_at__isnull=True)
            ).update(next_email_due=later)
            if claimed:
                tasks.send_lesson.enqueue(pk, min(week, LAST_EMAIL_WEEK))
                queued += 1
    return queued


def lesson_for_email(row: Enrolment) -> Lesson | None:
    """The client's next lesson, in their language (in English where it is not translated)."""
    done = set(LessonDone.objects.filter(enrolment=row).values_list("lesson__order", flat=True))
    return next_lesson(Lesson.objects.in_language(row.language).order_by("order"), done)
