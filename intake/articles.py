"""Which articles help with what a client reported: rule ids to article slugs.

The links follow the level. A MEDICAL client has been told to see a doctor first and, until a
doctor says it is fine, not to stretch, exercise or self-massage the painful area (spec, "How
the form behaves"), so a MEDICAL result links only articles that prescribe no exercise: first
what to watch for, when to get help and massage safety, then any other no-exercise article a
fired rule points to. tests/education/test_article_safety.py checks this against the files.
"""

from django.conf import settings
from django.db.models import Prefetch
from django.utils import translation

from education.models import Article

GENERAL = ["what-are-upper-back-knots", "at-home-stretches-for-upper-back-knots"]

RULE_ARTICLES = {
    "S01_SELF_CARE": [
        "at-home-stretches-for-upper-back-knots",
        "desk-setup-and-movement-breaks",
        "sleep-positions-and-pillows-for-upper-back-pain",
    ],
    "P01_NOT_SETTLING_AFTER_2_WEEKS": [
        "when-to-seek-professional-help",
        "what-deep-tissue-therapy-does",
    ],
    "P02_KEEPS_COMING_BACK": [
        "why-upper-back-knots-form",
        "muscle-balance-strengthen-back-open-front",
    ],
    "P03_WAKES_AT_NIGHT": ["sleep-positions-and-pillows-for-upper-back-pain"],
    "P04_LIMITS_DAILY_LIFE": ["your-first-deep-tissue-session", "desk-setup-and-movement-breaks"],
    "P05_SPREADS_TO_ARM_OR_HEAD": ["when-to-seek-professional-help"],
    "P06_SEVERE_INTENSITY": [
        "what-deep-tissue-therapy-does",
        "stress-breathing-and-shoulder-tension",
    ],
    "P07_GETTING_WORSE_EARLY": ["when-to-seek-professional-help"],
}
MEDICAL_ARTICLES = [
    "when-upper-back-pain-is-not-a-knot",
    "when-to-seek-professional-help",
    "massage-safety-blood-thinners-bones-pregnancy",
]
CAUTION_ARTICLES = ["massage-safety-blood-thinners-bones-pregnancy"]

# The articles a MEDICAL result may link: none prescribes stretches, exercises, self-massage or
# tools, and none links straight to one that does. An allow-list, so a new article stays off
# MEDICAL results until someone has checked it.
NO_EXERCISE_ARTICLES = frozenset(
    {
        *MEDICAL_ARTICLES,
        "sleep-positions-and-pillows-for-upper-back-pain",
        "what-deep-tissue-therapy-does",
        "your-first-deep-tissue-session",
    }
)


def slugs_for(level: str, fired, cautions) -> list[str]:
    """Slugs in the order they help most; never for an emergency (911 is the only step)."""
    if level == "EMERGENCY":
        return []
    medical = level == "MEDICAL"
    slugs = list(MEDICAL_ARTICLES) if medical else []
    for rule_id in sorted(fired):
        slugs += RULE_ARTICLES.get(rule_id, [])
    if cautions:
        slugs += CAUTION_ARTICLES
    if medical:
        slugs = [slug for slug in slugs if slug in NO_EXERCISE_ARTICLES]
    else:
        slugs += GENERAL
    return list(dict.fromkeys(slugs))


def articles_for(
    level: str, fired, cautions, limit: int = 4, language: str | None = None
) -> list[Article]:
    """The published articles among those slugs, in order, each in the reader's language
    where it is translated (else in English: the article page says so). One query, two in a
    language other than English."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    slugs = slugs_for(level, fired, cautions)
    originals = Article.objects.published().filter(slug__in=slugs, language=settings.LANGUAGE_CODE)
    if language != settings.LANGUAGE_CODE:
        originals = originals.prefetch_related(
            Prefetch(
                "translations",
                queryset=Article.objects.published().filter(language=language),
                to_attr="in_reader_language",
            )
        )
    found = {}
    for article in originals:
        translated = getattr(article, "in_reader_language", None)
        found[article.slug] = translated[0] if translated else article
    return [found[slug] for slug in slugs if slug in found][:limit]
