"""Saving, publishing and unpublishing articles: called by the admin and the demo loader."""

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from education import changes, rendering, search
from education.models import Article


def save_article(article: Article) -> Article:
    """Render the body to sanitised HTML, save, and refresh the article's search vector."""
    article.title = search.clean_query(article.title)
    article.summary = search.clean_query(article.summary)
    rendering.render_article(article)
    with transaction.atomic():
        article.save()
        search.index_article(article.pk)
    return article


def publish(articles: QuerySet[Article], now: datetime | None = None) -> int:
    """Publish drafts; one without a publication time gets `now` (a future time is kept)."""
    count = articles.exclude(status=Article.Status.PUBLISHED).update(
        status=Article.Status.PUBLISHED,
        published_at=Coalesce("published_at", Value(now or timezone.now())),
    )
    changes.articles_changed()  # update() sends no save signal
    return count


def unpublish(articles: QuerySet[Article]) -> int:
    """Take articles back to draft: they disappear from the site, feed and sitemap."""
    count = articles.filter(status=Article.Status.PUBLISHED).update(status=Article.Status.DRAFT)
    changes.articles_changed()
    return count
