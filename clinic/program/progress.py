"""Where a client is in the program, what comes next, and what a check-in means.

Progress without a password: it lives in the browser session under one key (the gate's
outcome level, when the program started, the lessons done, the baseline scores and each
check-in's outcome level). Lessons done are kept by their place in the program (order), which a
translation shares with its English original, so a lesson done in English is done in Spanish.
Gate and check-in answers are never kept there, nor in URLs or logs.
A client who gave an email also has an Enrolment row, and each step is written there too.

Check-ins (weeks 2, 4 and 6): pain now and how much it limits the day, each 0 to 10, against
the baseline, then the check-first questions again.

- Compared with the baseline, pain or limits up by 2 points or more is "worse"; pain down by
  2 points or by 30% of the baseline (whichever is smaller), with limits not up, is "better";
  anything else is "about the same". Two points and 30% are the usual thresholds for a change
  a person notices on a 0-10 scale (IMMPACT; Farrar et al. 2001), so a one-point wobble is
  neither better nor worse.
- The answers go through the intake's assess() (gate.score) with the trend as `pain_trend`
  and the program's length as `pain_start_days_ago` (the pain has lasted at least as long as
  the program: week x 7 days, or the days since the start if more). So P01 (not settling after
  2 weeks), P07 (getting worse) and M20 (worse after 4 weeks) decide, in the intake's words,
  together with any check-first warning sign.
- The program adds one rule of its own, the issue's: from week 4, pain that is not clearly
  better suggests a session with a therapist or a doctor (what P01 says at 2 weeks, applied
  once the program has had a fair try).
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from clinic.program.gate import CHECK_FIRST_KEYS, Scored, score
from clinic.program.models import CHECK_IN_WEEKS, CheckIn, Enrolment, Lesson, LessonDone
from intake.triage import Level

SESSION_KEY = "program"
Trend = CheckIn.Trend
NOTICEABLE_POINTS = 2
NOTICEABLE_SHARE = 0.3
NOT_BETTER_WEEK = 4


# --- the session ------------------------------------------------------------------------------


def state(request) -> dict:
    stored = request.session.get(SESSION_KEY)
    return stored if isinstance(stored, dict) else {}


def _save(request, stored: dict) -> None:
    request.session[SESSION_KEY] = stored


def gate_level(request) -> Level | None:
    try:
        return Level(state(request).get("gate"))
    except ValueError:
        return None


STOPPING = {Level.EMERGENCY.value, Level.MEDICAL.value}


def has_started(request) -> bool:
    """The program is under way: started, and not paused by a later answer that needs a
    doctor (the safety questions taken again, or a check-in). Progress is kept while paused."""
    stored = state(request)
    return bool(stored.get("started_at")) and stored.get("gate") not in STOPPING


def started_at(request) -> dt.datetime | None:
    stamp = state(request).get("started_at")
    return dt.datetime.fromtimestamp(stamp, tz=dt.UTC) if stamp else None


def done_orders(request) -> set[int]:
    return {order for order in state(request).get("done", []) if isinstance(order, int)}


def baseline(request) -> tuple[int, int] | None:
    value = state(request).get("baseline")
    if isinstance(value, list) and len(value) == 2:
        return value[0], value[1]
    return None


def enrolment_id(request) -> int | None:
    value = state(request).get("enrolment")
    return value if isinstance(value, int) else None


def enrolment(request) -> Enrolment | None:
    pk = enrolment_id(request)
    if pk is None:
        return None
    return Enrolment.objects.filter(pk=pk, unsubscribed_at__isnull=True).first()


def record_gate(request, level: Level, *, now: dt.datetime | None = None) -> None:
    """Keep the gate's outcome level (only the level); a level that lets the program start
    starts it, once."""
    stored = state(request)
    stored["gate"] = level.value
    if level.rank < Level.MEDICAL.rank and not stored.get("started_at"):
        stored["started_at"] = (now or timezone.now()).timestamp()
        stored.setdefault("done", [])
    _save(request, stored)
    row = enrolment(request)
    if row is not None and level.rank < Level.MEDICAL.rank:
        start_enrolment(row, started_at(request), now=now)


def forget(request) -> None:
    """A shared device: nothing of the program stays in this browser."""
    request.session.pop(SESSION_KEY, None)


def link_enrolment(request, row: Enrolment) -> None:
    stored = state(request)
    stored["enrolment"] = row.pk
    _save(request, stored)


def resume(request, row: Enrolment) -> None:
    """A link from the client's email opened in this browser: their progress comes back."""
    stored = {
        "enrolment": row.pk,
        "done": sorted(
            LessonDone.objects.filter(enrolment=row).values_list("lesson__order", flat=True)
        ),
    }
    if row.started_at:
        stored["started_at"] = row.started_at.timestamp()
    if row.baseline_pain is not None and row.baseline_limits is not None:
        stored["baseline"] = [row.baseline_pain, row.baseline_limits]
    _save(request, stored)


# --- lessons ---------------------------------------------------------------------------------


def next_lesson(lessons: Iterable[Lesson], done: set[int]) -> Lesson | None:
    """The first lesson, in order, not yet done."""
    return next((lesson for lesson in lessons if lesson.order not in done), None)


def neighbours(lessons: list[Lesson], lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
    index = next(i for i, item in enumerate(lessons) if item.pk == lesson.pk)
    previous = lessons[index - 1] if index > 0 else None
    following = lessons[index + 1] if index + 1 < len(lessons) else None
    return previous, following


def program_week(start: dt.datetime | None, now: dt.datetime) -> int:
    """The program's week (1 to 6) at `now`."""
    if start is None:
        return 1
    return max(1, min(6, (now - start).days // 7 + 1))


def mark_done(request, lesson: Lesson, *, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    stored = state(request)
    done = set(stored.get("done", [])) | {lesson.order}
    stored["done"] = sorted(done)
    _save(request, stored)
    row = enrolment(request)
    if row is not None:
        # Kept against the English original: a lesson done in one language is done in all.
        LessonDone.objects.get_or_create(
            enrolment=row, lesson_id=lesson.original_id, defaults={"done_at": now}
        )
        Enrolment.objects.filter(pk=row.pk).update(last_activity_at=now)


def set_baseline(request, pain: int, limits: int, *, now: dt.datetime | None = None) -> None:
    stored = state(request)
    stored["baseline"] = [pain, limits]
    _save(request, stored)
    row = enrolment(request)
    if row is not None:
        Enrolment.objects.filter(pk=row.pk).update(
            baseline_pain=pain, baseline_limits=limits, last_activity_at=now or timezone.now()
        )


# --- enrolment timing ------------------------------------------------------------------------

WEEK = dt.timedelta(days=7)
LAST_EMAIL_WEEK = 6


def next_week_boundary(start: dt.datetime, now: dt.datetime) -> dt.datetime | None:
    """When the next weekly email is due: the start of the next program week, or None after
    the last week."""
    weeks_done = (now - start) // WEEK + 1
    if weeks_done >= LAST_EMAIL_WEEK:
        return None
    return start + weeks_done * WEEK


def start_enrolment(row: Enrolment, start: dt.datetime | None, *, now=None) -> None:
    """The client started (or, waiting for a doctor's OK, now starts) the program."""
    now = now or timezone.now()
    start = start or now
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update().get(pk=row.pk)
        if locked.started_at is None:
            locked.started_at = start
        locked.needs_doctor_ok = False
        locked.last_activity_at = now
        if locked.is_active and locked.next_email_due is None:
            locked.next_email_due = next_week_boundary(locked.started_at, now)
        locked.save()
    row.refresh_from_db()


# --- check-ins -------------------------------------------------------------------------------


def compare(base: tuple[int, int], pain_now: int, limits_now: int) -> str:
    pain_before, limits_before = base
    if (
        pain_now - pain_before >= NOTICEABLE_POINTS
        or limits_now - limits_before >= NOTICEABLE_POINTS
    ):
        return Trend.WORSE
    drop = pain_before - pain_now
    needed = min(NOTICEABLE_POINTS, NOTICEABLE_SHARE * pain_before)
    if pain_before > 0 and drop > 0 and drop >= needed and limits_now <= limits_before:
        return Trend.BETTER
    if pain_before == 0 and pain_now == 0 and limits_now < limits_before:
        return Trend.BETTER
    return Trend.SAME


@dataclass(frozen=True)
class CheckInOutcome:
    week: int
    trend: str
    scored: Scored
    not_better_by_week_4: bool

    @property
    def level(self) -> Level:
        if self.not_better_by_week_4 and self.scored.level == Level.SELF_CARE:
            return Level.PROFESSIONAL
        return self.scored.level

    @property
    def advice(self) -> str:
        """What the result page says: 'emergency', 'doctor', 'therapist', 'better' or 'same'."""
        if self.level == Level.EMERGENCY:
            return "emergency"
        if self.level == Level.MEDICAL:
            return "doctor"
        if self.level == Level.PROFESSIONAL:
            return "therapist"
        return "better" if self.trend == Trend.BETTER else "same"


def days_in_program(week: int, start: dt.datetime | None, now: dt.datetime) -> int:
    elapsed = (now - start).days if start else 0
    return max(elapsed, week * 7)


def assess_check_in(
    week: int,
    base: tuple[int, int],
    pain_now: int,
    limits_now: int,
    check_first: Mapping,
    *,
    start: dt.datetime | None,
    now: dt.datetime,
) -> CheckInOutcome:
    if week not in CHECK_IN_WEEKS:
        raise ValueError(f"No check-in in week {week}.")
    trend = compare(base, pain_now, limits_now)
    answers = {key: check_first.get(key) for key in CHECK_FIRST_KEYS}
    answers["pain_trend"] = str(trend)
    answers["pain_start_days_ago"] = days_in_program(week, start, now)
    scored = score(answers, (*CHECK_FIRST_KEYS, "pain_trend", "pain_start_days_ago"))
    return CheckInOutcome(
        week=week,
        trend=str(trend),
        scored=scored,
        not_better_by_week_4=week >= NOT_BETTER_WEEK and trend != Trend.BETTER,
    )


def record_check_in(
    request, outcome: CheckInOutcome, pain_now: int, limits_now: int, check_first: Mapping
) -> CheckIn | None:
    """The outcome level goes in the session; with an enrolment, the check-in is stored."""
    stored = state(request)
    stored.setdefault("check_ins", {})[str(outcome.week)] = outcome.level.value
    if outcome.level.value in STOPPING:
        stored["gate"] = outcome.level.value  # paused until the safety questions say go on
    _save(request, stored)
    row = enrolment(request)
    if row is None:
        return None
    Enrolment.objects.filter(pk=row.pk).update(last_activity_at=timezone.now())
    return CheckIn.objects.create(
        enrolment=row,
        week=outcome.week,
        pain_now=pain_now,
        limits_now=limits_now,
        check_first={key: check_first.get(key) for key in CHECK_FIRST_KEYS},
        trend=outcome.trend,
        level=outcome.level.value,
    )


def check_in_level(request, week: int) -> str | None:
    return state(request).get("check_ins", {}).get(str(week))
