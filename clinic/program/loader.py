"""Load the program's lessons from education/content/program/*.md (English) and its es/
folder (their Spanish translations) into Lesson rows.

Idempotent, keyed on `slug`: a lesson is saved only when something in its file differs from its
row, so running it on every `make run` changes nothing the second time. Strict: a lesson file
that breaks the format (education/content/program/README.md) stops the load with a message
that names the file, before anything is written. README.md is not a lesson.

A translation names its English lesson in `translation_of` and must keep that lesson's place
(order and week) and shape (the same sections, drawings and stop-if boxes), so the two read as
the same lesson and a client's progress carries from one language to the other. An English
lesson without a translation is offered in English (with a notice) to readers of that language.
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import frontmatter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from clinic.core import page_cache
from clinic.program.models import LESSON_COUNT, PROGRAM_WEEKS, Lesson
from education import rendering
from education.demo import ContentError, review_date
from education.models import Article

CONTENT_DIR = Path(settings.BASE_DIR) / "education" / "content" / "program"
REQUIRED = ("title", "slug", "order", "week", "summary", "goal", "minutes", "author")
OPTIONAL = ("related_articles", "medical_reviewer", "last_reviewed", "citations")
TRANSLATION_KEYS = ("translation_of", "translated")
# The folder of each translation's files, by language code.
TRANSLATIONS = {"es": "es"}
_web_address = URLValidator(schemes=["http", "https"])


class LessonError(ContentError):
    """A lesson file that cannot be loaded; the message names the file."""


@dataclass
class LoadResult:
    """What one load did to the lessons of one language."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


def lesson_files(content_dir: Path) -> list[Path]:
    """The lesson files: *.md directly in the folder, README.md excepted."""
    return sorted(
        path for path in content_dir.glob("*.md") if path.is_file() and path.name != "README.md"
    )


def _whole_number(meta: dict, key: str, low: int, high: int, path: Path) -> int:
    value = meta[key]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise LessonError(f"{path}: {key} must be a whole number from {low} to {high}.")
    return value


def _text(meta: dict, key: str, path: Path) -> str:
    value = meta.get(key)
    if value in (None, ""):
        return ""
    if not isinstance(value, str):
        raise LessonError(f"{path}: {key} must be text, not {value!r}.")
    return value.strip()


def _citations(value: Any, path: Path) -> list[dict]:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise LessonError(f"{path}: citations must be a list of {{title, url}}.")
    citations = []
    for item in value:
        if not isinstance(item, dict) or not item.get("title") or not item.get("url"):
            raise LessonError(f"{path}: every citation needs a title and a url, not {item!r}.")
        try:
            _web_address(item["url"])
        except ValidationError:
            raise LessonError(f"{path}: {item['url']!r} is not a web address.") from None
        citations.append({"title": str(item["title"]), "url": str(item["url"])})
    return citations


def _related(value: Any, path: Path, articles: set[str]) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(slug, str) for slug in value):
        raise LessonError(f"{path}: related_articles must be a list of article slugs.")
    unknown = [slug for slug in value if slug not in articles]
    if unknown:
        raise LessonError(f"{path}: related_articles names no article {unknown}.")
    return list(value)


def read_lesson(path: Path, articles: set[str], language: str = settings.LANGUAGE_CODE) -> dict:
    """The row's fields for one lesson file, checked and rendered. A translation's fields
    carry `translation_of` as the English lesson's slug (the loader swaps in the row)."""
    post = frontmatter.load(path)
    meta = post.metadata
    if not meta:
        raise LessonError(f"{path}: no front matter.")
    translated = language != settings.LANGUAGE_CODE
    allowed = set(REQUIRED) | set(OPTIONAL) | (set(TRANSLATION_KEYS) if translated else set())
    unknown = sorted(set(meta) - allowed)
    if unknown:
        raise LessonError(f"{path}: unknown front matter keys {unknown}.")
    if translated and not isinstance(meta.get("translation_of"), str):
        raise LessonError(f"{path}: translation_of must name the English lesson's slug.")
    missing = [key for key in REQUIRED if meta.get(key) in (None, "")]
    if missing:
        raise LessonError(f"{path}: front matter is missing {', '.join(missing)}.")
    slug = _text(meta, "slug", path)
    if slug != path.stem:
        raise LessonError(f"{path}: slug {slug!r} must be the file's name ({path.stem!r}).")
    if not post.content.strip():
        raise LessonError(f"{path}: the lesson has no body.")
    try:
        rendered = rendering.render_markdown(post.content)
    except rendering.ImageError as error:
        raise LessonError(f"{path}: {error}") from None
    if rendered.html.count("<img") < _image_count(post.content):
        raise LessonError(f"{path}: a drawing's source is not one of the project's drawings.")
    fields = {
        "language": language,
        "slug": slug,
        "order": _whole_number(meta, "order", 1, LESSON_COUNT, path),
        "week": _whole_number(meta, "week", 1, PROGRAM_WEEKS, path),
        "title": _text(meta, "title", path),
        "summary": _text(meta, "summary", path),
        "goal": _text(meta, "goal", path),
        "minutes": _whole_number(meta, "minutes", 1, 120, path),
        "body": post.content,
        "body_html": rendered.html,
        "toc": rendered.toc,
        "citations": _citations(meta.get("citations"), path),
        "related_articles": _related(meta.get("related_articles"), path, articles),
        "author": _text(meta, "author", path),
        "medical_reviewer": _text(meta, "medical_reviewer", path),
        "last_reviewed": review_date(meta.get("last_reviewed"), path),
    }
    if translated:
        if meta.get("translated") not in (None, "") and not isinstance(meta["translated"], dt.date):
            raise LessonError(f"{path}: translated must be a date (YYYY-MM-DD).")
        fields["translation_of"] = meta["translation_of"]
    return fields


def shape(body_html: str, toc: list[dict]) -> tuple:
    """What a translation must keep of its original: the sections with their number of
    exercises, the drawings and the stop-if boxes."""
    return (
        [len(entry["children"]) for entry in toc],
        body_html.count("<img"),
        body_html.count("callout-stop"),
    )


def _image_count(markdown_source: str) -> int:
    return markdown_source.count("![")


def check_set(lessons: list[dict], content_dir: Path) -> None:
    """The eight lessons together: orders exactly 1 to 8, no slug twice."""
    orders = sorted(lesson["order"] for lesson in lessons)
    if orders != list(range(1, LESSON_COUNT + 1)):
        raise LessonError(
            f"{content_dir}: lesson orders must be exactly 1 to {LESSON_COUNT}, found {orders}."
        )
    weeks = [lesson["week"] for lesson in sorted(lessons, key=lambda lesson: lesson["order"])]
    if weeks != sorted(weeks):
        raise LessonError(f"{content_dir}: a later lesson cannot be for an earlier week {weeks}.")


def check_translations(
    translations: list[dict], originals: list[dict], folder: Path, taken: set[str]
) -> None:
    """Each translation names an English lesson, once, keeps its place and its shape, and has
    a slug of its own."""
    by_slug = {lesson["slug"]: lesson for lesson in originals}
    seen: set[str] = set()
    for lesson in translations:
        path = folder / f"{lesson['slug']}.md"
        original = by_slug.get(lesson["translation_of"])
        if original is None:
            raise LessonError(
                f"{path}: translation_of {lesson['translation_of']!r} names no English lesson."
            )
        if lesson["translation_of"] in seen:
            raise LessonError(f"{path}: {lesson['translation_of']!r} is translated twice.")
        seen.add(lesson["translation_of"])
        if lesson["slug"] in taken:
            raise LessonError(f"{path}: slug {lesson['slug']!r} is already another lesson's.")
        for key in ("order", "week"):
            if lesson[key] != original[key]:
                raise LessonError(
                    f"{path}: {key} is {lesson[key]}, but its original's is {original[key]}."
                )
        if shape(lesson["body_html"], lesson["toc"]) != shape(
            original["body_html"], original["toc"]
        ):
            raise LessonError(
                f"{path}: its sections, exercises, drawings or stop-if boxes differ from "
                f"{original['slug']}.md."
            )


def _save(fields: dict, existing: dict[str, Lesson], result: LoadResult) -> Lesson:
    row = existing.get(fields["slug"])
    if row is None:
        result.created += 1
        return Lesson.objects.create(**fields)
    changed = [name for name, value in fields.items() if getattr(row, name) != value]
    if not changed:
        result.unchanged += 1
        return row
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()
    result.updated += 1
    return row


@transaction.atomic
def load(content_dir: Path | str = CONTENT_DIR) -> dict[str, LoadResult]:
    """Load every lesson, English first; returns what happened per language."""
    content_dir = Path(content_dir)
    articles = set(Article.objects.values_list("slug", flat=True))
    originals = [read_lesson(path, articles) for path in lesson_files(content_dir)]
    check_set(originals, content_dir)
    translations = {}
    taken = {lesson["slug"] for lesson in originals}
    for language, folder_name in TRANSLATIONS.items():
        folder = content_dir / folder_name
        files = lesson_files(folder) if folder.is_dir() else []
        translations[language] = [read_lesson(path, articles, language) for path in files]
        check_translations(translations[language], originals, folder, taken)
        taken |= {lesson["slug"] for lesson in translations[language]}

    results = {settings.LANGUAGE_CODE: LoadResult()}
    results.update((language, LoadResult()) for language in translations)
    existing = {lesson.slug: lesson for lesson in Lesson.objects.select_related("translation_of")}
    wanted = {lesson["slug"] for lesson in originals}
    wanted |= {lesson["slug"] for lessons in translations.values() for lesson in lessons}
    # Rows of lessons no longer in the folders go first, so their places are free.
    for row in existing.values():
        if row.slug not in wanted:
            results.setdefault(row.language, LoadResult()).deleted += 1
    Lesson.objects.exclude(slug__in=wanted).delete()
    # Orders may move between lessons: the unique order is checked at commit (deferred).
    english = {
        fields["slug"]: _save(fields, existing, results[settings.LANGUAGE_CODE])
        for fields in originals
    }
    for language, lessons in translations.items():
        for fields in lessons:
            fields["translation_of"] = english[fields["translation_of"]]
            _save(fields, existing, results[language])
    page_cache.invalidate()  # pages that list or link lessons
    return results
