"""Load the articles in education/content/ (Markdown with front matter) and demo questions.

Run by `manage.py seed_demo`; safe to run again: topics and articles are matched by slug and
only saved when the file differs from the database, so running twice changes nothing.

Front matter: title, slug, summary, topics (topic slugs from topics.yml), author,
medical_reviewer, last_reviewed (a date), published (an ISO time with offset; without it the
article stays a draft), citations (a list of {title, url}), start_here (optional: a whole number,
the article's place in the "Start here" list), figure (optional: one of education.figures, e.g.
illustrations/upper-back-knots.svg, shown after the introduction).

Translations: content/<language>/ (es/) holds each translated article as its own file, with its
own slug and `translation_of: <the English article's slug>`; it is loaded as its own Article
row in that language. content/<language>/topics.yml gives the topics' names and descriptions in
that language (by slug; the topics themselves come from the English topics.yml).
"""

import datetime as dt
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone, translation

from education import changes, figures, publishing, rendering
from education.models import Article, Citation, ReaderQuestion, Topic

_web_address = URLValidator(schemes=["http", "https"])
CONTENT_DIR = Path(__file__).resolve().parent / "content"
QUESTIONS_ARTICLE = "at-home-stretches-for-upper-back-knots"
REQUIRED_KEYS = ("title", "slug", "summary", "author")


class ContentError(ValueError):
    """A content file that cannot be loaded, with the file named in the message."""


def seed(content_dir: Path | str = CONTENT_DIR, answered_by=None) -> list[Article]:
    """Load the articles; `answered_by` (a staff user) answers the demo reader question."""
    content_dir = Path(content_dir)
    # English while saving: the topics' untranslated columns keep their English words.
    with translation.override(settings.LANGUAGE_CODE):
        return _seed(content_dir, answered_by)


def _seed(content_dir: Path, answered_by) -> list[Article]:
    topics = load_topics(content_dir / "topics.yml")
    articles = [load_article(path, topics) for path in sorted(content_dir.glob("*.md"))]
    for language in translated_languages():
        language_dir = content_dir / language
        if not language_dir.is_dir():
            continue
        load_topic_translations(language_dir / "topics.yml", language, topics)
        articles += [
            load_article(path, topics, language=language)
            for path in sorted(language_dir.glob("*.md"))
        ]
    seed_questions(answered_by)
    # Topic names and citations are written without save signals.
    changes.topics_changed()
    return articles


def translated_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def load_topics(path: Path) -> dict[str, Topic]:
    if not path.exists():
        return {topic.slug: topic for topic in Topic.objects.all()}
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if isinstance(entries, dict):  # also accept {slug: {name, description}} or {slug: name}
        entries = [
            {"slug": slug, **(value if isinstance(value, dict) else {"name": value})}
            for slug, value in entries.items()
        ]
    topics = {}
    for entry in entries:
        if not isinstance(entry, dict) or not entry.get("slug") or not entry.get("name"):
            raise ContentError(f"{path}: every topic needs a slug and a name, not {entry!r}.")
        topic, _created = Topic.objects.update_or_create(
            slug=entry["slug"],
            defaults={
                f"name_{settings.LANGUAGE_CODE}": entry["name"],
                f"description_{settings.LANGUAGE_CODE}": entry.get("description") or "",
            },
        )
        topics[topic.slug] = topic
    return topics


def load_topic_translations(path: Path, language: str, topics: dict[str, Topic]) -> None:
    """The topics' names and descriptions in `language`, saved only when they changed."""
    if not path.exists():
        return
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    for entry in entries:
        if not isinstance(entry, dict) or not entry.get("slug") or not entry.get("name"):
            raise ContentError(f"{path}: every topic needs a slug and a name, not {entry!r}.")
        topic = topics.get(entry["slug"])
        if topic is None:
            raise ContentError(f"{path}: unknown topic {entry['slug']!r}; add it to topics.yml.")
        wanted = {
            f"name_{language}": str(entry["name"]),
            f"description_{language}": str(entry.get("description") or ""),
        }
        if any(getattr(topic, field) != value for field, value in wanted.items()):
            Topic.objects.filter(pk=topic.pk).update(**wanted)
            for field, value in wanted.items():
                setattr(topic, field, value)


def _publication_time(value: Any, path: Path) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ContentError(f"{path}: published must be an ISO time, not {value!r}.") from None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(9))
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def review_date(value: Any, path: Path) -> dt.date | None:
    """A front matter `last_reviewed` value as a date (the program's lessons read it too)."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ContentError(f"{path}: last_reviewed must be a date, not {value!r}.") from None


def _start_here(value: Any, path: Path) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ContentError(f"{path}: start_here must be a whole number from 1, not {value!r}.")
    return value


def _figure(value: Any, path: Path) -> str:
    if value in (None, ""):
        return ""
    if value not in figures.FIGURES:
        raise ContentError(
            f"{path}: figure must be one of {sorted(figures.FIGURES)}, not {value!r}."
        )
    return value


def _original(meta: dict, language: str, path: Path) -> Article | None:
    """The English article a translation's front matter names in `translation_of`."""
    if language == settings.LANGUAGE_CODE:
        return None
    slug = meta.get("translation_of")
    if not slug:
        raise ContentError(
            f"{path}: front matter is missing translation_of (the English article's slug)."
        )
    original = Article.objects.filter(slug=slug, language=settings.LANGUAGE_CODE).first()
    if original is None:
        raise ContentError(f"{path}: translation_of names {slug!r}, which is no English article.")
    return original


def load_article(
    path: Path, topics: dict[str, Topic], language: str = settings.LANGUAGE_CODE
) -> Article:
    post = frontmatter.load(path)
    meta = post.metadata
    missing = [key for key in REQUIRED_KEYS if not meta.get(key)]
    if missing:
        raise ContentError(f"{path}: front matter is missing {', '.join(missing)}.")
    unknown = [slug for slug in meta.get("topics") or [] if slug not in topics]
    if unknown:
        raise ContentError(f"{path}: unknown topics {unknown}; add them to topics.yml.")

    published_at = _publication_time(meta.get("published"), path)
    fields = {
        "language": language,
        "translation_of": _original(meta, language, path),
        "title": str(meta["title"]),
        "summary": str(meta["summary"]),
        "body": post.content.strip() + "\n",
        "author": str(meta["author"]),
        "medical_reviewer": str(meta.get("medical_reviewer") or ""),
        "last_reviewed": review_date(meta.get("last_reviewed"), path),
        "status": Article.Status.PUBLISHED if published_at else Article.Status.DRAFT,
        "published_at": published_at,
        "start_here": _start_here(meta.get("start_here"), path),
        "figure": _figure(meta.get("figure"), path),
    }
    article = Article.objects.filter(slug=meta["slug"]).first()
    if article is None:
        try:
            article = publishing.save_article(Article(slug=meta["slug"], **fields))
        except rendering.ImageError as error:
            raise ContentError(f"{path}: {error}") from None
    else:
        before = _snapshot(article)
        for name, value in fields.items():
            setattr(article, name, value)
        try:
            rendering.render_article(article)
        except rendering.ImageError as error:
            raise ContentError(f"{path}: {error}") from None
        if _snapshot(article) != before or article.search_vector is None:
            publishing.save_article(article)

    article.topics.set([topics[slug] for slug in meta.get("topics") or []])
    _sync_citations(article, meta.get("citations") or [], path)
    return article


def _snapshot(article: Article) -> tuple:
    return tuple(
        getattr(article, name)
        for name in (
            "language", "translation_of_id", "title", "summary", "body", "author",
            "medical_reviewer", "last_reviewed",
            "status", "published_at", "start_here", "figure", "body_html", "body_text", "toc",
            "reading_minutes",
        )
    )  # fmt: skip


def _sync_citations(article: Article, entries: list, path: Path) -> None:
    wanted = []
    for entry in entries:
        if not isinstance(entry, dict) or not entry.get("title") or not entry.get("url"):
            raise ContentError(f"{path}: every citation needs a title and a url, not {entry!r}.")
        try:
            _web_address(str(entry["url"]))
        except ValidationError:
            raise ContentError(
                f"{path}: citation url {entry['url']!r} is not a web address."
            ) from None
        wanted.append((str(entry["title"]), str(entry["url"])))
    current = list(article.citations.order_by("position", "pk").values_list("title", "url"))
    if current != wanted:
        article.citations.all().delete()
        Citation.objects.bulk_create(
            Citation(article=article, title=title, url=url, position=position)
            for position, (title, url) in enumerate(wanted, start=1)
        )


def seed_questions(therapist=None) -> None:
    """One answered question and one waiting for a therapist, under the stretches article."""
    article = Article.objects.filter(slug=QUESTIONS_ARTICLE).first()
    if article is None:
        return
    ReaderQuestion.objects.get_or_create(
        article=article,
        email="dana.reader@example.com",
        defaults={
            "name": "Dana",
            "question": (
                "I have had a knot under my right shoulder blade for months. Is it all right to "
                "do the doorway stretch every day, or can stretching that often make it worse?"
            ),
            "status": ReaderQuestion.Status.APPROVED,
            "answer": (
                "Every day is fine for most people, as long as the stretch stays gentle: a mild "
                "pull of about 3 or 4 out of 10, held for 20 to 30 seconds, two or three times. "
                "What tends to irritate a knot is stretching hard or bouncing, not stretching "
                "often. When a knot has stayed for months, strengthening the muscles between "
                "your shoulder blades matters as much as opening the chest, and a hands-on "
                "session can help find what keeps bringing it back. If you notice tingling, "
                "numbness or pain spreading down your arm, stop and see a doctor first."
            ),
            "answered_by": therapist,
            "answered_at": timezone.now(),
            "language": "en",
        },
    )
    ReaderQuestion.objects.get_or_create(
        article=article,
        email="sam.reader@example.com",
        defaults={
            "name": "Sam",
            "question": (
                "Should I use a cold pack or a warm shower after the stretches, or does it not "
                "matter?"
            ),
            "wants_email": True,
            "language": "en",
        },
    )
