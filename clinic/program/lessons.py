"""The lessons as a reader of one language meets them: the program in that language (an
English lesson stands in, with a notice, where no translation exists), which lesson an address
shows, each lesson's address in every language it exists in, its related articles in its
language, and the flare-up plan's address."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.utils import translation

from clinic.program.models import Lesson
from education.models import Article

FLARE_UP_PLAN = "self-massage-and-keeping-it-going"
FLARE_UP_ANCHOR = "section-your-flare-up-plan"
LIST_DEFERRED = ("body", "body_html", "toc", "citations")


def offered(language: str) -> list[Lesson]:
    """The eight lessons, in order, for a reader of `language` (without their bodies)."""
    return list(Lesson.objects.in_language(language).defer(*LIST_DEFERRED).order_by("order"))


def at_order(language: str, order: int) -> Lesson | None:
    return Lesson.objects.in_language(language).filter(order=order).first()


@dataclass(frozen=True)
class Found:
    """What an address under a language shows: the lesson, or where to send the reader."""

    lesson: Lesson | None = None
    redirect_to: str | None = None


def find(slug: str, language: str) -> Found | None:
    """The lesson `slug` names, for a reader of `language`. Another language's slug sends the
    reader to the lesson in theirs when it exists; an English lesson not yet translated is
    shown as it is (the page says so)."""
    lesson = Lesson.objects.select_related("translation_of").filter(slug=slug).first()
    if lesson is None:
        return None
    if lesson.language == language:
        return Found(lesson=lesson)
    original = lesson.translation_of or lesson
    if language == settings.LANGUAGE_CODE:
        return Found(redirect_to=original.get_absolute_url())
    translated = original.translations.filter(language=language).first()
    if translated is not None:
        return Found(redirect_to=translated.get_absolute_url())
    return Found(lesson=original)


def alternates(lesson: Lesson) -> dict[str, str]:
    """{language: address} for each language the lesson is written in (for the language
    switch and the hreflang links)."""
    original = lesson.translation_of or lesson
    versions = {original.language: original}
    versions.update((row.language, row) for row in original.translations.all())
    addresses = {}
    for language, row in versions.items():
        with translation.override(language):
            addresses[language] = row.get_absolute_url()
    return addresses


@dataclass(frozen=True)
class Related:
    article: Article
    lang: str  # the article's language when it differs from the reader's, else ""


def related_articles(lesson: Lesson, language: str) -> list[Related]:
    """The lesson's related articles (named by their English slugs), each in the reader's
    `language` when a published translation exists (even when the lesson itself is not yet
    translated), else in English, marked as such."""
    slugs = lesson.related_articles
    if not slugs:
        return []
    published = Article.objects.published().filter(slug__in=slugs)
    if language != settings.LANGUAGE_CODE:
        published = published.prefetch_related(
            Prefetch(
                "translations",
                queryset=Article.objects.published().filter(language=language),
                to_attr="in_language",
            )
        )
    by_slug = {article.slug: article for article in published}
    related = []
    for slug in slugs:
        article = by_slug.get(slug)
        if article is None:
            continue
        translated = getattr(article, "in_language", [])
        if translated:
            related.append(Related(translated[0], ""))
        elif article.language != language:
            related.append(Related(article, article.language))
        else:
            related.append(Related(article, ""))
    return related


def flare_up_url(language: str) -> str:
    """The flare-up plan section of the last lesson, in `language`. A translation has its own
    heading ids, so the section is found at the same place in its contents (the loader checks
    that a translation keeps its original's sections)."""
    original = Lesson.objects.only("toc", "slug", "language").get(slug=FLARE_UP_PLAN)
    lesson = original
    if language != settings.LANGUAGE_CODE:
        translated = original.translations.filter(language=language)
        lesson = translated.only("toc", "slug", "language").first() or original
    anchor = FLARE_UP_ANCHOR
    ids = [entry["id"] for entry in original.toc]
    if lesson is not original and FLARE_UP_ANCHOR in ids:
        anchor = lesson.toc[ids.index(FLARE_UP_ANCHOR)]["id"]
    return f"{lesson.get_absolute_url()}#{anchor}"
