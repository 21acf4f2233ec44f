import datetime as dt

import pytest
from django.db import IntegrityError
from django.utils import timezone

from education.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_published_excludes_drafts_and_future_publications():
    live = make_article("Live article")
    make_article("Draft article", published_days_ago=None)
    make_article("Scheduled article", published_days_ago=-2)
    make_article("Published but no longer", published_days_ago=3, status=Article.Status.DRAFT)

    assert list(Article.objects.published()) == [live]


def test_published_takes_now_so_a_scheduled_article_appears_on_time():
    scheduled = make_article("Scheduled", published_days_ago=-2)
    later = timezone.now() + dt.timedelta(days=3)

    assert list(Article.objects.published(now=later)) == [scheduled]
    assert scheduled.is_public(now=later)
    assert not scheduled.is_public()


def test_a_published_article_needs_a_publication_time():
    article = make_article(published_days_ago=None)
    with pytest.raises(IntegrityError):
        Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)


def test_saving_renders_the_body_and_counts_words():
    article = make_article(body="## Hello there\n\n" + "word " * 450)

    assert '<h2 id="section-hello-there">Hello there</h2>' in article.body_html
    assert article.toc == [{"id": "section-hello-there", "title": "Hello there", "children": []}]
    assert article.word_count == 452
    assert article.reading_minutes == 3  # 452 words at 200 a minute, rounded up
