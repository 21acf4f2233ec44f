"""Which articles help with what a client reported: rule ids to article slugs."""

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
    "massage-safety-blood-thinners-bones-pregnancy",
]
CAUTION_ARTICLES = ["massage-safety-blood-thinners-bones-pregnancy"]


def slugs_for(level: str, fired, cautions) -> list[str]:
    """Slugs in the order they help most; never for an emergency (911 is the only step)."""
    if level == "EMERGENCY":
        return []
    slugs = list(MEDICAL_ARTICLES) if level == "MEDICAL" else []
    for rule_id in sorted(fired):
        slugs += RULE_ARTICLES.get(rule_id, [])
    if cautions:
        slugs += CAUTION_ARTICLES
    slugs += GENERAL
    return list(dict.fromkeys(slugs))


def articles_for(level: str, fired, cautions, limit: int = 4) -> list[Article]:
    """The published articles among those slugs, in order (one query)."""
    slugs = slugs_for(level, fired, cautions)
    found = {a.slug: a for a in Article.objects.published().filter(slug__in=slugs)}
    return [found[slug] for slug in slugs if slug in found][:limit]
