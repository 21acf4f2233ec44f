"""Test data, made one way: a plain function per kind of row.

Each `make_*` saves a valid row with sensible defaults; any keyword overrides a field. The
personas (therapist, front_desk, alex, sam, deep60, ...) are fixtures in tests/conftest.py that
call these functions. Answer tables live in tests/intake/answers.py and form-walking helpers in
tests/intake/helpers.py; they are not factories.
"""

import datetime as dt
import itertools

from django.contrib.auth import get_user_model
from django.utils import timezone

from clinic.booking.models import BookingRequest, BookingStatus, Service, Therapist, WorkingHours
from education import publishing
from education.models import Article, Citation, ReaderQuestion, Topic
from intake.models import Intake
from intake.submission import submit
from tests.intake.answers import benign

STAFF_PASSWORD = "a-long-test-password"
# Planted in every intake's answers and every request's note, so a test can show they never
# reach an email, a log or a page they should not.
SECRET_ANSWER = "SECRET-ANSWER-7731"
SECRET_NOTE = "SECRET-NOTE-4410"

ARTICLE_BODY = """Knots are tight bands of muscle that feel like small lumps under the skin.

## Why they form

Long hours at a desk and stress both play a part.

### A closer look

Muscles that stay short get tired and sore.

## What helps

- Gentle movement
- Short breaks
"""

_numbers = itertools.count(1)


# --- staff (clinic.staff) ---------------------------------------------------------------------


def make_staff(username="staff", *, groups=(), password=STAFF_PASSWORD, **overrides):
    """A staff user who can sign in with `password` (None: no usable password, and no slow
    hashing), in the given staff groups."""
    overrides.setdefault("email", f"{username}@clinic.example")
    overrides.setdefault("is_staff", True)
    user = get_user_model().objects.create_user(username, password=password, **overrides)
    user.groups.add(*groups)
    return user


# --- booking (clinic.booking) -----------------------------------------------------------------


def make_service(slug="deep-tissue-60", minutes=60, buffer=15, price="95.00", **extra) -> Service:
    return Service.objects.create(
        slug=slug,
        name=extra.pop("name", slug.replace("-", " ").capitalize()),
        duration_minutes=minutes,
        recovery_buffer_minutes=buffer,
        price=price,
        **extra,
    )


def make_therapist(slug="alex", hours=((9, 0, 17, 0),), weekdays=range(7), **extra) -> Therapist:
    """A therapist with working hours (clinic time) on each of `weekdays`."""
    therapist = Therapist.objects.create(
        slug=slug, display_name=extra.pop("display_name", slug.capitalize()), **extra
    )
    for weekday in weekdays:
        for start_h, start_m, end_h, end_m in hours:
            WorkingHours.objects.create(
                therapist=therapist,
                weekday=weekday,
                start=dt.time(start_h, start_m),
                end=dt.time(end_h, end_m),
            )
    return therapist


def make_booking(
    status: str,
    *,
    service: Service,
    therapist: Therapist | None,
    start: dt.datetime,
    intake: Intake | None = None,
    changed_at: dt.datetime | None = None,
    **extra,
) -> BookingRequest:
    """A booking request already in `status` (as the pipeline would have left it)."""
    timed = status in (
        BookingStatus.PROPOSED,
        BookingStatus.CONFIRMED,
        BookingStatus.COMPLETED,
        BookingStatus.NO_SHOW,
    )
    if intake is None:
        intake = make_intake(
            "MEDICAL" if status == BookingStatus.AWAITING_CLEARANCE else "SELF_CARE"
        )
    fields = {
        "client_name": "Ana Client",
        "email": "ana@example.com",
        "phone": "(555) 010-0199",
        "note": SECRET_NOTE,
        "service": service,
        "requested_therapist": therapist,
        "requested_start": start,
        "intake": intake,
        "status": status,
        "status_changed_at": changed_at or timezone.now(),
    }
    if timed:
        fields.update(
            therapist=therapist,
            start=start,
            end=start + service.duration,
            blocked_until=start + service.duration + service.recovery_buffer,
        )
    fields.update(extra)
    return BookingRequest.objects.create(**fields)


# --- intake -----------------------------------------------------------------------------------


def make_intake(
    level="SELF_CARE", flags=(), review_status="new", reviewer=None, **overrides
) -> Intake:
    """An intake row with the given `level` as stored, without running the triage rules."""
    fields = {
        "answers": {"where_it_hurts": SECRET_ANSWER},
        "level": level,
        "fired": [f"S01_{level}"],
        "flags": list(flags),
        "rules_version": "t",
        "catalogue_version": "t",
        "name": "Ana Client",
        "email": "ana@example.com",
        "phone": "(555) 010-0199",
        "consent_name": "Ana Client",
        "consented_at": timezone.now(),
    }
    fields.update(overrides)
    intake = Intake.objects.create(**fields)
    if review_status != "new":
        Intake.objects.filter(pk=intake.pk).update(
            review_status=review_status, reviewed_by=reviewer, reviewed_at=timezone.now()
        )
        intake.refresh_from_db()
    return intake


def make_submitted_intake(name="Lena Park", email="lena@example.com", **answers) -> Intake:
    """An intake sent the way the form sends one (triaged): the benign answers, with `answers`
    changing any of them."""
    contact = {"name": name, "email": email, "phone": "", "language": "en", "signature": name}
    return submit(benign(**answers), contact)


# --- education --------------------------------------------------------------------------------


def make_topic(name: str | None = None, **fields) -> Topic:
    number = next(_numbers)
    name = name or f"Topic {number}"
    slug = fields.pop("slug", None) or f"topic-{number}"
    return Topic.objects.create(name=name, slug=slug, **fields)


def make_article(
    title: str | None = None,
    *,
    topics: list[Topic] = (),
    citations: list[tuple[str, str]] = (),
    published_days_ago: float | None = 1,
    **fields,
) -> Article:
    """An article saved the way the admin saves one (rendered and indexed); published a day ago
    unless `published_days_ago` says otherwise (None: a draft)."""
    number = next(_numbers)
    values = {
        "title": title or f"Article number {number}",
        "slug": f"article-{number}",
        "summary": f"A short summary of article {number}.",
        "body": ARTICLE_BODY,
        "author": "Clinic therapy team",
        "medical_reviewer": "Clinic clinical lead",
        "last_reviewed": dt.date(2026, 11, 2),
    }
    if published_days_ago is not None:
        values["status"] = Article.Status.PUBLISHED
        values["published_at"] = timezone.now() - dt.timedelta(days=published_days_ago)
    values.update(fields)
    article = publishing.save_article(Article(**values))
    article.topics.set(topics)
    for position, (citation_title, url) in enumerate(citations, start=1):
        Citation.objects.create(article=article, title=citation_title, url=url, position=position)
    return article


def make_question(article: Article, **fields) -> ReaderQuestion:
    values = {
        "name": "Robin",
        "email": "robin@example.com",
        "question": "Can I stretch every day?",
        "status": ReaderQuestion.Status.PENDING,
    }
    values.update(fields)
    return ReaderQuestion.objects.create(article=article, **values)
