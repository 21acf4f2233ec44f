import datetime as dt
import itertools

import pytest
from django.test import Client
from django.utils import timezone

from education import publishing
from education.models import Article, Citation, ReaderQuestion, Topic

_numbers = itertools.count(1)

BODY = """Knots are tight bands of muscle that feel like small lumps under the skin.

## Why they form

Long hours at a desk and stress both play a part.

### A closer look

Muscles that stay short get tired and sore.

## What helps

- Gentle movement
- Short breaks
"""


@pytest.fixture
def make_topic(db):
    def make(name: str | None = None, **fields) -> Topic:
        number = next(_numbers)
        name = name or f"Topic {number}"
        slug = fields.pop("slug", None) or f"topic-{number}"
        return Topic.objects.create(name=name, slug=slug, **fields)

    return make


@pytest.fixture
def make_article(db):
    """An article saved the way the admin saves one (rendered and indexed)."""

    def make(
        title: str | None = None,
        *,
        topics: list[Topic] = (),
        citations: list[tuple[str, str]] = (),
        published_days_ago: float | None = 1,
        **fields,
    ) -> Article:
        number = next(_numbers)
        values = {
            "title": title or f"Article number {number}",
            "slug": f"article-{number}",
            "summary": f"A short summary of article {number}.",
            "body": BODY,
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
            Citation.objects.create(
                article=article, title=citation_title, url=url, position=position
            )
        return article

    return make


@pytest.fixture
def make_question(db):
    def make(article: Article, **fields) -> ReaderQuestion:
        values = {
            "name": "Robin",
            "email": "robin@example.com",
            "question": "Can I stretch every day?",
            "status": ReaderQuestion.Status.PENDING,
        }
        values.update(fields)
        return ReaderQuestion.objects.create(article=article, **values)

    return make


@pytest.fixture
def anonymous(db):
    """A second browser, never logged in (the `client` fixture is the staff one in some tests)."""
    return Client()
