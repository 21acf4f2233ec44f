"""A large library of articles made quickly from the real content files, for search at scale.

Each source article (education/content/*.md, and es/*.md for Spanish) is rendered once; the
library repeats them with their paragraphs rotated, so every body is different but reads like a
real one (about 800 to 1,000 words). Rows are saved with bulk_create and indexed in one UPDATE.
"""

import datetime as dt
from pathlib import Path

import frontmatter
from django.utils import timezone

from education import rendering, search
from education.models import Article

CONTENT = Path(__file__).resolve().parents[2] / "education" / "content"


def _sources(language: str) -> list[Article]:
    folder = CONTENT if language == "en" else CONTENT / language
    sources = []
    for path in sorted(folder.glob("*.md")):
        post = frontmatter.load(path)
        article = Article(title=post["title"], summary=post["summary"], body=post.content)
        rendering.render_article(article)
        sources.append(article)
    return sources


def _rotated(text: str, by: int) -> str:
    lines = text.splitlines()
    by %= max(len(lines), 1)
    return "\n".join(lines[by:] + lines[:by])


def make_library(count: int, language: str = "en", translating: list[Article] = ()) -> list[int]:
    """`count` published articles in `language`; the first ones translate `translating` (one
    each, in order). Returns their ids."""
    sources = _sources(language)
    now = timezone.now()
    rows = []
    for number in range(count):
        source = sources[number % len(sources)]
        rows.append(
            Article(
                language=language,
                translation_of=translating[number] if number < len(translating) else None,
                title=f"{source.title} ({number})",
                slug=f"library-{language}-{number}",
                summary=source.summary,
                body=source.body,
                body_html=source.body_html,
                body_text=_rotated(source.body_text, number // len(sources)),
                word_count=source.word_count,
                reading_minutes=source.reading_minutes,
                author="Clinic therapy team",
                status=Article.Status.PUBLISHED,
                published_at=now - dt.timedelta(hours=number + 1),
            )
        )
    ids = [article.pk for article in Article.objects.bulk_create(rows, batch_size=500)]
    Article.objects.filter(pk__in=ids).update(search_vector=search.search_vector())
    return ids
