"""Made-up rows at the size a busy clinic reaches, to measure pages against (`manage.py
scale_data`): published articles (some with a Spanish translation), intakes triaged by the
intake's own rules, booking requests over the demo's therapists and services, and the client
records that file them.

Every row is marked so that `remove()` deletes exactly these and nothing else: articles by the
slug prefix SLUG_PREFIX, intakes, booking requests and clients by the email domain
EMAIL_DOMAIN. `add()` tops each kind up to the count asked for, so running it twice adds
nothing the second time. Rows are written with bulk_create in batches; the article search
vectors in one UPDATE.

The answers are invented and never printed or logged: only counts are reported.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from clinic.booking.availability import booked_changed, local_days, local_instant
from clinic.booking.demo import DEMO_USERNAME
from clinic.booking.models import (
    BOOKED_STATUSES,
    REFERENCE_ALPHABET,
    REFERENCE_LENGTH,
    REFERENCE_PREFIX,
    TIMED_STATUSES,
    BookingEvent,
    BookingRequest,
    BookingStatus,
    Service,
    Therapist,
)
from clinic.core.models import ClinicSettings
from education import changes, search
from education.models import Article, Topic
from education.rendering import render_article
from intake import wording
from intake.demo import DESK_WORKER
from intake.models import Intake
from intake.questions import CATALOGUE_VERSION, QUESTIONS
from intake.triage import RULES_VERSION, assess

SLUG_PREFIX = "scale-"
EMAIL_DOMAIN = "scale.example"
BATCH = 1000

DEFAULT_ARTICLES = 2000
DEFAULT_TRANSLATED = 500
DEFAULT_INTAKES = 20_000
DEFAULT_BOOKINGS = 10_000

# Articles and intakes are spread over the last two years.
SPREAD = dt.timedelta(days=730)
BOOKINGS_BEFORE = dt.timedelta(days=730)
BOOKINGS_AHEAD = dt.timedelta(days=56)
# People per intake: 20,000 intakes come from about 12,000 people (many come back, and book).
CLIENTS_PER_INTAKE = 0.6


# The clients app's tables, by name: the back office and the clients app sit side by side and
# neither imports the other. The seed files its rows the way the clients app's signals do
# (one client per email), in bulk.
Client = apps.get_model("clients", "Client")
ClientIntake = apps.get_model("clients", "ClientIntake")
ClientBooking = apps.get_model("clients", "ClientBooking")


class DemoMissing(Exception):
    """The demo's therapists, services or therapist login are not there yet."""


@dataclass
class Counts:
    articles: int = 0
    translations: int = 0
    intakes: int = 0
    bookings: int = 0
    clients: int = 0

    def __str__(self) -> str:
        return (
            f"{self.articles} articles ({self.translations} Spanish translations), "
            f"{self.intakes} intakes, {self.bookings} booking requests, {self.clients} clients"
        )


def scale_email_filter(field: str = "email") -> dict:
    return {f"{field}__endswith": f"@{EMAIL_DOMAIN}"}


def present() -> Counts:
    """How many rows of each kind the scale data has now."""
    articles = Article.objects.filter(slug__startswith=SLUG_PREFIX)
    return Counts(
        articles=articles.filter(language="en").count(),
        translations=articles.exclude(language="en").count(),
        intakes=Intake.objects.filter(**scale_email_filter()).count(),
        bookings=BookingRequest.objects.filter(**scale_email_filter()).count(),
        clients=Client.objects.filter(**scale_email_filter()).count(),
    )


@contextlib.contextmanager
def given_times(model, *names):
    """Let bulk_create keep the times given for these auto_now/auto_now_add fields (a seed
    spreads rows over past years; the intake's created_at cannot be changed afterwards)."""
    fields = [model._meta.get_field(name) for name in names]
    saved = [(field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, (auto_now, auto_now_add) in zip(fields, saved, strict=True):
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


# --- words ---------------------------------------------------------------------------------------

FIRST_NAMES = (
    "Ana", "Ben", "Carla", "Dev", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jon", "Kira",
    "Luis", "Maya", "Noor", "Omar", "Paula", "Quinn", "Rosa", "Sanjay", "Tess", "Uma", "Victor",
    "Wen", "Ximena", "Yusuf", "Zoe", "Marisol", "Diego", "Lucia", "Mateo",
)  # fmt: skip
LAST_NAMES = (
    "Alvarez", "Brooks", "Chen", "Duarte", "Ellis", "Flores", "Garcia", "Haddad", "Ito",
    "Jensen", "Kowalski", "Lopez", "Martinez", "Nguyen", "Okafor", "Patel", "Quintero",
    "Reyes", "Silva", "Tanaka", "Ulloa", "Vega", "Walsh", "Young", "Zamora",
)  # fmt: skip

EN_SUBJECTS = (
    "the knot under the shoulder blade", "a stiff upper back", "tight trapezius muscles",
    "the ache between the shoulder blades", "rounded shoulders", "a sore rhomboid",
    "neck tension after screen work", "a tender levator scapulae", "upper back stiffness",
    "the burning spot beside the spine", "tight chest muscles", "a guarded shoulder",
)  # fmt: skip
EN_ACTIONS = (
    "Easing", "Understanding", "Stretching", "Warming up", "Loosening", "Living with",
    "Preventing", "Caring for", "Mobilising", "Calming",
)  # fmt: skip
EN_CONTEXTS = (
    "after a long day at the desk", "for new parents", "when you drive for work",
    "before a massage", "after a massage", "for climbers and swimmers", "at home",
    "with a massage ball", "with a foam roller", "in five minutes", "while you sleep",
    "when it flares", "for gardeners", "on a busy week",
)  # fmt: skip
EN_SENTENCES = (
    "Tight muscles between the shoulder blades often come from holding one position too long.",
    "A knot is a small, tender area in a muscle that can send an ache to nearby places.",
    "Gentle heat for ten minutes can help the tissue soften before you stretch.",
    "Move slowly, breathe out as you lean into the stretch, and stop well before it hurts.",
    "A massage ball against a wall lets you control the pressure on the sore spot.",
    "Roll your shoulders back and down a few times every hour you sit at a screen.",
    "Deep tissue massage works in layers, so your therapist starts with broad, slow strokes.",
    "Drink some water after a session and keep the next few hours easy.",
    "Soreness the day after firm pressure is common and usually fades within two days.",
    "Raise your monitor so the top of the screen sits near eye level.",
    "A rolled towel along the spine can open the chest while you lie on the floor.",
    "Carrying a bag on one shoulder every day loads the same muscles again and again.",
    "Sleeping on your side with a pillow that fills the gap under your neck can help.",
    "Try the doorway stretch: forearms on the frame, step through until the chest opens.",
    "Pain that wakes you at night and does not ease with rest needs a doctor's opinion.",
    "Numbness or weakness in an arm is a reason to see a doctor before any massage.",
    "Short walks during the day do more for a stiff back than one long stretch at night.",
    "Shoulder blade squeezes wake up the muscles that hold your posture.",
    "Breathing into the back of the ribs helps the upper back move with each breath.",
    "If pressure makes the pain sharp or spreading, ease off and tell your therapist.",
    "A warm shower aimed at the upper back loosens muscles before bed.",
    "Stress often shows up as raised shoulders; notice it and let them drop.",
    "Strengthening the middle back balances the pull of tight chest muscles.",
    "The trigger point may feel like a grain of rice or a tight band under the skin.",
    "Keep the elbows close and the wrists straight when you type for long hours.",
    "Gentle chin tucks take load off the neck muscles that strain to hold the head forward.",
    "Most knots ease over a few weeks with regular movement and a little patience.",
    "Write down what makes the ache better or worse; it helps your therapist plan the session.",
)  # fmt: skip
EN_HEADINGS = (
    "Why it happens", "What you can do today", "A short routine", "When to see a doctor",
    "What a session feels like", "Small changes at your desk", "Sleep and the upper back",
    "How long it takes", "Common questions",
)  # fmt: skip
EN_LIST_ITEMS = (
    "Set a reminder to stand up every 45 minutes.",
    "Hold each stretch for about 30 seconds.",
    "Keep the pressure on a knot below a 6 out of 10.",
    "Switch the shoulder that carries your bag.",
    "Warm the area before working on it.",
    "Stop if you feel tingling or sharp pain.",
)  # fmt: skip

ES_SUBJECTS = (
    "el nudo bajo el omóplato", "la espalda alta rígida", "los trapecios tensos",
    "el dolor entre los omóplatos", "los hombros caídos hacia adelante", "el romboide adolorido",
    "la tensión del cuello frente a la pantalla", "la rigidez de la espalda alta",
)  # fmt: skip
ES_ACTIONS = ("Cómo aliviar", "Cómo entender", "Cómo estirar", "Cómo cuidar", "Cómo prevenir")
ES_CONTEXTS = (
    "después de un día en el escritorio", "si maneja por trabajo", "antes de un masaje",
    "después de un masaje", "en casa", "con una pelota de masaje", "en cinco minutos",
)  # fmt: skip
ES_SENTENCES = (
    "Los músculos tensos entre los omóplatos suelen venir de mantener una postura mucho tiempo.",
    "Un nudo es una zona pequeña y sensible del músculo que puede doler también alrededor.",
    "Un poco de calor durante diez minutos ayuda a que el tejido se afloje antes de estirar.",
    "Muévase despacio, suelte el aire al estirar y pare mucho antes de sentir dolor.",
    "Una pelota de masaje contra la pared le permite controlar la presión sobre el punto.",
    "Lleve los hombros hacia atrás y hacia abajo varias veces por cada hora frente a la pantalla.",
    "El masaje profundo trabaja por capas: su terapeuta empieza con movimientos lentos y amplios.",
    "Tome agua después de la sesión y descanse unas horas.",
    "Es común sentir molestia al día siguiente; suele pasar en uno o dos días.",
    "Suba la pantalla para que la parte de arriba quede a la altura de los ojos.",
    "Si el dolor lo despierta de noche y no mejora con el descanso, consulte a un médico.",
    "El adormecimiento o la debilidad en un brazo es motivo para ver a un médico antes del masaje.",
    "Caminar un poco varias veces al día ayuda más que un solo estiramiento largo en la noche.",
    "Respirar hacia la parte de atrás de las costillas ayuda a mover la espalda alta.",
    "Si la presión hace que el dolor sea agudo o se extienda, dígaselo a su terapeuta.",
    "La mayoría de los nudos mejoran en unas semanas con movimiento y paciencia.",
)  # fmt: skip
ES_HEADINGS = (
    "Por qué pasa", "Qué puede hacer hoy", "Una rutina corta", "Cuándo ver a un médico",
    "Cómo se siente una sesión", "Preguntas frecuentes",
)  # fmt: skip


def _paragraph(rng: random.Random, sentences, count: int) -> str:
    return " ".join(rng.choice(sentences) for _n in range(count))


def article_body(rng: random.Random, words: int, *, spanish: bool = False) -> str:
    """Markdown of about `words` words: sections of paragraphs, and one short list."""
    sentences = ES_SENTENCES if spanish else EN_SENTENCES
    headings = ES_HEADINGS if spanish else EN_HEADINGS
    parts, written = [], 0
    for heading in rng.sample(headings, len(headings)):
        parts.append(f"## {heading}")
        for _n in range(rng.randint(1, 3)):
            paragraph = _paragraph(rng, sentences, rng.randint(4, 7))
            parts.append(paragraph)
            written += len(paragraph.split())
        if not spanish and heading == "A short routine":
            parts.append("\n".join(f"- {item}" for item in rng.sample(EN_LIST_ITEMS, 4)))
        if written >= words:
            break
    while written < words:
        paragraph = _paragraph(rng, sentences, 5)
        parts.append(paragraph)
        written += len(paragraph.split())
    return "\n\n".join(parts)


# --- articles ------------------------------------------------------------------------------------


def _article(rng, number: int, when: dt.datetime) -> Article:
    subject = rng.choice(EN_SUBJECTS)
    title = f"{rng.choice(EN_ACTIONS)} {subject} {rng.choice(EN_CONTEXTS)}"
    return Article(
        language="en",
        title=title,
        slug=f"{SLUG_PREFIX}{number:05d}",
        summary=f"What helps with {subject}, what to try at home and when to ask for help.",
        body=article_body(rng, rng.randint(600, 900)),
        author="Unknot clinical team",
        medical_reviewer="Clinical lead, licensed massage therapist (LMT)",
        last_reviewed=when.date(),
        status=Article.Status.PUBLISHED,
        published_at=when,
    )


def _translation(rng, original: Article) -> Article:
    subject = rng.choice(ES_SUBJECTS)
    return Article(
        language="es",
        translation_of=original,
        title=f"{rng.choice(ES_ACTIONS)} {subject} {rng.choice(ES_CONTEXTS)}",
        slug=f"{original.slug}-es",
        summary=f"Qué ayuda con {subject}, qué probar en casa y cuándo pedir ayuda.",
        body=article_body(rng, rng.randint(600, 900), spanish=True),
        author=original.author,
        medical_reviewer=original.medical_reviewer,
        last_reviewed=original.last_reviewed,
        status=Article.Status.PUBLISHED,
        published_at=original.published_at,
    )


def _index_search(articles) -> None:
    """The search vectors of these articles in one UPDATE, built by the search module (each
    in its own language's configuration)."""
    articles.update(search_vector=search.search_vector())


def add_articles(rng, now, count: int, translated: int) -> tuple[int, int]:
    mine = Article.objects.filter(slug__startswith=SLUG_PREFIX)
    existing = set(mine.values_list("slug", flat=True))
    topics = list(Topic.objects.all())
    new = []
    for number in range(count):
        when = now - dt.timedelta(minutes=rng.randint(60, int(SPREAD.total_seconds() // 60)))
        article = _article(rng, number, when)
        if article.slug in existing:
            continue
        render_article(article)
        new.append(article)
    Article.objects.bulk_create(new, batch_size=BATCH)
    originals = {
        article.slug: article
        for article in mine.filter(language="en").order_by("slug")[:translated]
    }
    new_translations = []
    for slug, original in originals.items():
        if f"{slug}-es" in existing:
            continue
        translation = _translation(rng, original)
        render_article(translation)
        new_translations.append(translation)
    Article.objects.bulk_create(new_translations, batch_size=BATCH)
    if topics:
        through = Article.topics.through
        links = [
            through(article_id=article.pk, topic_id=topic.pk)
            for article in (*new, *new_translations)
            for topic in rng.sample(topics, min(len(topics), rng.randint(1, 2)))
        ]
        through.objects.bulk_create(links, batch_size=BATCH * 5)
    _index_search(mine.filter(search_vector__isnull=True))
    return len(new), len(new_translations)


# --- intakes -------------------------------------------------------------------------------------

UPPER_BACK = (
    "neck", "top_of_shoulder_left", "top_of_shoulder_right", "shoulder_blade_left",
    "shoulder_blade_right", "between_shoulder_blades", "mid_back",
)  # fmt: skip
# Changes to an ordinary desk worker's answers, by how often clinics see them; each leads the
# rules somewhere else (cautions, a professional's look, a doctor first, an emergency, an
# unanswered emergency question).
VARIATIONS = (
    (60, {}),
    (10, {"blood_thinner": "yes"}),
    (6, {"pain_start_days_ago": 60, "pain_trend": "same", "episodes_past_12_months": 5}),
    (6, {"age_years": 61, "night_pain": "wakes_no_ease", "osteoporosis": "yes"}),
    (4, {"injury_type": "minor", "injury_days_ago": 6, "injury_checked_by_doctor": "no"}),
    (4, {"arm_tingling_numbness": "one_arm", "arm_weakness": "not_sure"}),
    (3, {"fever": "measured_38_or_more", "weight_loss_unexplained": "yes"}),
    (3, {"pain_onset": "sudden", "pain_worst_0_10": 9, "pain_regions": ["chest"]}),
    (2, {"chest_pain_now": "yes"}),
    (2, {"stroke_signs_now": None}),
)
_WEIGHTS = [weight for weight, _changes in VARIATIONS]


def intake_answers(rng: random.Random) -> dict:
    answers = dict(DESK_WORKER)
    answers.update(
        age_years=rng.randint(19, 72),
        pain_regions=rng.sample(UPPER_BACK, rng.randint(1, 3)),
        pain_start_days_ago=rng.randint(1, 40),
        pain_worst_0_10=rng.randint(1, 8),
        pain_trend=rng.choice(("better", "same", "better")),
        morning_stiffness_minutes=rng.choice((0, 5, 10, 20)),
        episodes_past_12_months=rng.randint(0, 3),
    )
    answers.update(rng.choices([c for _w, c in VARIATIONS], weights=_WEIGHTS)[0])
    return {key: answers.get(key) for key in QUESTIONS}


def _name(rng) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _person(number: int) -> tuple[str, str]:
    """The name and email of made-up client `number` (the same number, the same person)."""
    rng = random.Random(number)
    name = _name(rng)
    return name, f"{name.lower().replace(' ', '.')}.{number}@{EMAIL_DOMAIN}"


def add_intakes(rng, now, count: int, reviewer) -> int:
    have = Intake.objects.filter(**scale_email_filter()).count()
    wanted = max(0, count - have)
    people = max(1, int((have + wanted) * CLIENTS_PER_INTAKE))
    wordings: dict = {}
    rows = []
    for _n in range(wanted):
        answers = intake_answers(rng)
        result = assess(answers)
        language = "es" if rng.random() < 0.2 else "en"
        unsure = wording.through_not_sure(answers, result.triggers, result.fired)
        key = (result.level, result.fired, result.fired_unknown, frozenset(unsure), language)
        if key not in wordings:
            wordings[key] = wording.snapshot(
                result.level,
                result.fired,
                result.fired_unknown,
                result.see_doctor_within,
                unsure=unsure,
                language=language,
            )
        name, email = _person(rng.randrange(people))
        created = now - dt.timedelta(seconds=rng.randint(60, int(SPREAD.total_seconds())))
        old = now - created > dt.timedelta(days=3)
        status = (
            rng.choice(("reviewed", "cleared", "reviewed", "referred"))
            if old
            else Intake.ReviewStatus.NEW
        )
        rows.append(
            Intake(
                answers=answers,
                level=result.level,
                fired=sorted(result.fired),
                fired_unknown=sorted(result.fired_unknown),
                cautions=sorted(result.cautions),
                cautions_unknown=sorted(result.cautions_unknown),
                flags=sorted(result.flags),
                see_doctor_within=result.see_doctor_within or "",
                rules_version=RULES_VERSION,
                shown_wording=wordings[key],
                catalogue_version=CATALOGUE_VERSION,
                name=name,
                email=email,
                phone=f"(555) 01{rng.randint(0, 9)}-{rng.randint(0, 9999):04d}",
                language=language,
                consent_name=name,
                consented_at=created,
                created_at=created,
                review_status=status,
                reviewed_by=None if status == "new" else reviewer,
                reviewed_at=None
                if status == "new"
                else created + dt.timedelta(hours=rng.randint(1, 48)),
            )
        )
    with given_times(Intake, "created_at"):
        Intake.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


# --- booking requests ----------------------------------------------------------------------------

# Statuses of past and upcoming requests, by weight. Booked ones take a free slot of the
# therapist's hours; the others keep whatever time they asked for.
PAST_STATUSES = (
    (BookingStatus.COMPLETED, 60),
    (BookingStatus.NO_SHOW, 3),
    (BookingStatus.CANCELLED, 14),
    (BookingStatus.DECLINED, 7),
    (BookingStatus.EXPIRED, 16),
)
FUTURE_STATUSES = (
    (BookingStatus.CONFIRMED, 55),
    (BookingStatus.REQUESTED, 18),
    (BookingStatus.AWAITING_CLEARANCE, 5),
    (BookingStatus.PROPOSED, 10),
    (BookingStatus.CANCELLED, 12),
)


def _slots(therapists, services, first: dt.date, last: dt.date, zone, rng):
    """Sessions packed into each therapist's weekly hours, day by day: (therapist, service,
    start, end, blocked_until), never overlapping for one therapist."""
    hours = {therapist.pk: list(therapist.working_hours.all()) for therapist in therapists}
    for day in local_days(first, last):
        for therapist in therapists:
            for block in hours[therapist.pk]:
                if block.weekday != day.weekday():
                    continue
                start = local_instant(day, block.start, zone)
                closes = local_instant(day, block.end, zone)
                while True:
                    service = rng.choice(services)
                    end = start + service.duration
                    if end > closes:
                        break
                    blocked = end + service.recovery_buffer
                    yield therapist, service, start, end, blocked
                    start = blocked


def _free(slot, taken: dict) -> bool:
    """Whether the slot's time is free of the therapist's timed requests (`taken`: by therapist
    and UTC date of the start; a session never spans more than a day)."""
    therapist, _service, start, _end, blocked = slot
    return not any(
        start < other_end and blocked > other_start
        for day in (start.date() - dt.timedelta(days=1), start.date())
        for other_start, other_end in taken.get((therapist.pk, day), ())
    )


def _new_references(rng, count: int) -> list[str]:
    used = set(BookingRequest.objects.values_list("reference", flat=True))
    made: list[str] = []
    while len(made) < count:
        reference = REFERENCE_PREFIX + "".join(
            rng.choice(REFERENCE_ALPHABET) for _i in range(REFERENCE_LENGTH)
        )
        if reference not in used:
            used.add(reference)
            made.append(reference)
    return made


def add_bookings(rng, now, count: int, staff) -> int:
    have = BookingRequest.objects.filter(**scale_email_filter()).count()
    wanted = max(0, count - have)
    if not wanted:
        return 0
    rules = ClinicSettings.load()
    zone = rules.zone
    therapists = list(Therapist.objects.filter(active=True).prefetch_related("working_hours"))
    services = list(Service.objects.bookable())
    first = timezone.localtime(now - BOOKINGS_BEFORE, zone).date()
    last = timezone.localtime(now + BOOKINGS_AHEAD, zone).date()
    taken: dict[tuple, list] = {}
    for therapist_id, start, blocked in BookingRequest.objects.filter(
        status__in=TIMED_STATUSES, start__isnull=False
    ).values_list("therapist_id", "start", "blocked_until"):
        taken.setdefault((therapist_id, start.date()), []).append((start, blocked))
    slots = [
        slot for slot in _slots(therapists, services, first, last, zone, rng) if _free(slot, taken)
    ]
    rng.shuffle(slots)
    # About half the requests were booked at some point; the rest asked and went elsewhere.
    booked_share = min(0.55, len(slots) / wanted)
    needy = list(
        Intake.objects.filter(**scale_email_filter())
        .exclude(level__in=("SELF_CARE", "PROFESSIONAL"))
        .values_list("pk", "name", "email")[:500]
    )
    people = max(1, int(Intake.objects.filter(**scale_email_filter()).count() * CLIENTS_PER_INTAKE))
    references = _new_references(rng, wanted)
    rows, events = [], []
    for number in range(wanted):
        is_booked = rng.random() < booked_share and slots
        if is_booked:
            therapist, service, start, end, blocked = slots.pop()
            upcoming = start > now
            status = (
                BookingStatus.CONFIRMED
                if upcoming
                else rng.choice((BookingStatus.COMPLETED,) * 20 + (BookingStatus.NO_SHOW,))
            )
        else:
            therapist, service, start, end, blocked = rng.choice(slots or [None]) or (
                None,
                rng.choice(services),
                None,
                None,
                None,
            )
            requested = start or now + dt.timedelta(hours=rng.randint(-17_000, 1_300))
            upcoming = requested > now
            choices = [
                (status, weight)
                for status, weight in (FUTURE_STATUSES if upcoming else PAST_STATUSES)
                if status not in BOOKED_STATUSES
            ]
            status = rng.choices([s for s, _w in choices], [w for _s, w in choices])[0]
            if start is None:
                start = requested
        requested_start = start
        intake_id = None
        name, email = _person(rng.randrange(people))
        if status == BookingStatus.AWAITING_CLEARANCE and needy:
            intake_id, name, email = rng.choice(needy)
        elif status == BookingStatus.AWAITING_CLEARANCE:
            status = BookingStatus.REQUESTED
        timed = status in TIMED_STATUSES
        created = min(now, requested_start) - dt.timedelta(hours=rng.randint(2, 400))
        changed = (
            now - dt.timedelta(hours=rng.randint(1, 20))
            if status in (BookingStatus.REQUESTED, BookingStatus.AWAITING_CLEARANCE,
                          BookingStatus.PROPOSED)
            else created + dt.timedelta(hours=rng.randint(1, 30))
        )  # fmt: skip
        rows.append(
            BookingRequest(
                reference=references[number],
                client_name=name,
                email=email,
                phone=f"(555) 02{rng.randint(0, 9)}-{rng.randint(0, 9999):04d}",
                language="es" if rng.random() < 0.2 else "en",
                service=service,
                requested_therapist=therapist if rng.random() < 0.6 else None,
                requested_start=requested_start,
                intake_id=intake_id,
                status=status,
                status_changed_at=changed,
                therapist=therapist if timed else None,
                start=start if timed else None,
                end=end if timed else None,
                blocked_until=blocked if timed else None,
                reminder_sent_at=start - dt.timedelta(hours=24)
                if status in (BookingStatus.COMPLETED, BookingStatus.NO_SHOW)
                else None,
                created_at=created,
                updated_at=changed,
            )
        )
    with given_times(BookingRequest, "created_at", "updated_at"):
        BookingRequest.objects.bulk_create(rows, batch_size=BATCH)
    booked_changed()  # bulk_create sends no post_save
    for booking in rows:
        first_status = (
            BookingStatus.AWAITING_CLEARANCE
            if booking.status == BookingStatus.AWAITING_CLEARANCE
            else BookingStatus.REQUESTED
        )
        events.append(
            BookingEvent(
                request=booking,
                to_status=first_status,
                actor_kind=BookingEvent.Actor.CLIENT,
                at=booking.created_at,
            )
        )
        if booking.status != first_status:
            by_staff = booking.status not in (BookingStatus.EXPIRED, BookingStatus.CANCELLED)
            events.append(
                BookingEvent(
                    request=booking,
                    from_status=first_status,
                    to_status=booking.status,
                    actor_kind=BookingEvent.Actor.STAFF if by_staff else BookingEvent.Actor.SYSTEM,
                    actor=staff if by_staff else None,
                    at=booking.status_changed_at,
                )
            )
    BookingEvent.objects.bulk_create(events, batch_size=BATCH * 2)
    return len(rows)


# --- client records ------------------------------------------------------------------------------


def file_clients(now) -> int:
    """A client record for each scale email, and its intakes and requests filed under it (what
    the clients app's signals do one row at a time)."""
    intakes = Intake.objects.filter(**scale_email_filter(), client_link__isnull=True)
    bookings = BookingRequest.objects.filter(**scale_email_filter(), client_link__isnull=True)
    names: dict[str, str] = {}
    for email, name in (
        *intakes.values_list("email", "name"),
        *bookings.values_list("email", "client_name"),
    ):
        names.setdefault(email.lower(), name)
    known = set(Client.objects.filter(email__in=list(names)).values_list("email", flat=True))
    with given_times(Client, "created_at"):
        created = Client.objects.bulk_create(
            [
                Client(email=email, name=name, created_at=now)
                for email, name in names.items()
                if email not in known
            ],
            batch_size=BATCH,
        )
    ids = dict(Client.objects.filter(**scale_email_filter()).values_list("email", "pk"))
    ClientIntake.objects.bulk_create(
        [
            ClientIntake(client_id=ids[email.lower()], intake_id=pk)
            for pk, email in intakes.values_list("pk", "email")
        ],
        batch_size=BATCH * 5,
    )
    ClientBooking.objects.bulk_create(
        [
            ClientBooking(client_id=ids[email.lower()], booking_id=pk)
            for pk, email in bookings.values_list("pk", "email")
        ],
        batch_size=BATCH * 5,
    )
    return len(created)


# --- the two commands ----------------------------------------------------------------------------


def demo_parts():
    """The demo's therapist login (reviews and decides), therapists and services."""
    staff = get_user_model().objects.filter(username=DEMO_USERNAME).first()
    if staff is None or not Therapist.objects.filter(active=True).exists():
        raise DemoMissing("Load the demo first: manage.py setup_demo")
    if not Service.objects.bookable().exists():
        raise DemoMissing("Load the demo first: manage.py setup_demo")
    return staff


def add(
    *,
    articles: int = DEFAULT_ARTICLES,
    translated: int = DEFAULT_TRANSLATED,
    intakes: int = DEFAULT_INTAKES,
    bookings: int = DEFAULT_BOOKINGS,
    seed: int = 18,
    now: dt.datetime | None = None,
) -> Counts:
    """Top the scale data up to these counts; returns what was added."""
    staff = demo_parts()
    now = now or timezone.now()
    rng = random.Random(seed + present().intakes)
    added = Counts()
    with transaction.atomic():
        added.articles, added.translations = add_articles(
            rng, now, articles, min(translated, articles)
        )
        added.intakes = add_intakes(rng, now, intakes, staff)
        added.bookings = add_bookings(rng, now, bookings, staff)
        added.clients = file_clients(now)
    changes.topics_changed()  # the articles and their topics went in with bulk_create: no signals
    _refresh_statistics()
    return added


def _refresh_statistics() -> None:
    """Tell the query planner how big the tables are now, and mark the new rows visible to
    every transaction, in every table the seed writes. Autovacuum would, a while later; until
    then the planner plans for the demo's dozen rows (a topic's page joined all of its topic's
    links and sorted them, 2.5 ms instead of 0.5) and each search's bitmap scan checks every
    row it finds in the table.
    VACUUM cannot run inside a transaction (the tests' own), where ANALYZE alone does."""
    statement = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    written = (
        Article,
        Article.topics.through,
        Intake,
        BookingRequest,
        BookingEvent,
        Client,
        ClientIntake,
        ClientBooking,
    )
    tables = [model._meta.db_table for model in written]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{statement} {connection.ops.quote_name(table)}")


def remove() -> Counts:
    """Delete every scale row, and nothing else; returns what was deleted."""
    removed = present()
    with transaction.atomic():
        # Clients first: their links go with them, and nothing is left to tidy one by one.
        Client.objects.filter(**scale_email_filter()).delete()
        BookingRequest.objects.filter(**scale_email_filter()).delete()
        Intake.objects.filter(**scale_email_filter()).delete()
        scale_articles = Article.objects.filter(slug__startswith=SLUG_PREFIX)
        scale_articles.exclude(language="en").delete()
        scale_articles.delete()
    changes.topics_changed()
    return removed
