"""Load the program's lessons from education/content/program/*.md into Lesson rows.

Idempotent, keyed on `slug`: a lesson is saved only when something in its file differs from its
row, so running it on every `make run` changes nothing the second time. Strict: a lesson file
that breaks the format (education/content/program/README.md) stops the load with a message
that names the file, before anything is written. README.md and sub-folders (the Spanish
versions in es/) are not lessons and are skipped.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import frontmatter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from clinic.program.models import LESSON_COUNT, PROGRAM_WEEKS, Lesson
from education import rendering
from education.demo import ContentError, review_date
from education.models import Article

CONTENT_DIR = Path(settings.BASE_DIR) / "education" / "content" / "program"
REQUIRED = ("title", "slug", "order", "week", "summary", "goal", "minutes", "author")
OPTIONAL = ("related_articles", "medical_reviewer", "last_reviewed", "citations")
_web_address = URLValidator(schemes=["http", "https"])


class LessonError(ContentError):
    """A lesson file that cannot be loaded; the message names the file."""


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


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


def read_lesson(path: Path, articles: set[str]) -> dict:
    """The row's fields for one lesson file, checked and rendered."""
    post = frontmatter.load(path)
    meta = post.metadata
    if not meta:
        raise LessonError(f"{path}: no front matter.")
    unknown = sorted(set(meta) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise LessonError(f"{path}: unknown front matter keys {unknown}.")
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
    return {
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


@transaction.atomic
def load(content_dir: Path | str = CONTENT_DIR) -> LoadResult:
    content_dir = Path(content_dir)
    articles = set(Article.objects.values_list("slug", flat=True))
    lessons = [read_lesson(path, articles) for path in lesson_files(content_dir)]
    check_set(lessons, content_dir)
    result = LoadResult()
    existing = {lesson.slug: lesson for lesson in Lesson.objects.all()}
    wanted = {lesson["slug"] for lesson in lessons}
    # Rows of lessons no longer in the folder go first, so their order is free.
    Lesson.objects.exclude(slug__in=wanted).delete()
    # Orders may move between lessons: the unique order is checked at commit (deferred).
    for fields in lessons:
        row = existing.get(fields["slug"])
        if row is None:
            Lesson.objects.create(**fields)
            result.created += 1
            continue
        changed = [name for name, value in fields.items() if getattr(row, name) != value]
        if not changed:
            result.unchanged += 1
            continue
        for name, value in fields.items():
            setattr(row, name, value)
        row.save()
        result.updated += 1
    return result
