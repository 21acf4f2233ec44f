"""Pages stay fast as the library grows: the number of queries does not depend on it.

The pages' counts are exact, so that a query added or saved shows here."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_article, make_question, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _rendered_afresh(settings):
    settings.PAGE_CACHE_ENABLED = False  # the rendering's queries, not the page cache's


@pytest.fixture
def library(db):
    topics = [make_topic() for _ in range(5)]
    articles = [
        make_article(
            f"Stretches for knots number {number}",
            topics=topics[number % 5 : number % 5 + 2],
            citations=[("Source one", "https://example.org/1"), ("Two", "https://example.org/2")],
            published_days_ago=number + 1,
            start_here=number + 1 if number in (10, 20, 30) else None,
        )
        for number in range(50)
    ]
    for article in articles[:5]:
        for number in range(4):
            make_question(article, status="approved", answer=f"Answer {number}.")
    return articles


def warm_and_count(client, url, params, assert_queries, count, status=200):
    assert client.get(url, params).status_code == status  # warms the clinic settings cache
    with assert_queries(count):
        assert client.get(url, params).status_code == status


def test_list_page(client, library, django_assert_num_queries):
    warm_and_count(client, "/articles/", {}, django_assert_num_queries, 5)
    # Past the first page, no "Start here".
    warm_and_count(client, "/articles/", {"page": 3}, django_assert_num_queries, 4)


def test_topic_page(client, library, django_assert_num_queries):
    slug = library[0].topics.first().slug
    warm_and_count(client, "/articles/", {"topic": slug}, django_assert_num_queries, 4)


def test_detail_page(client, library, django_assert_num_queries):
    url = library[0].get_absolute_url()
    warm_and_count(client, url, {}, django_assert_num_queries, 6)


def test_detail_page_of_a_start_here_article(client, library, django_assert_num_queries):
    url = library[10].get_absolute_url()
    warm_and_count(client, url, {}, django_assert_num_queries, 7)


def test_an_article_asked_for_in_the_other_language(client, library, django_assert_num_queries):
    """Its versions are read once: for the redirect to the reader's language or, when it has
    none, for the language switch of the page shown."""
    make_article("Traducción", language="es", translation_of=library[0])
    translated, untranslated = library[0].slug, library[1].slug
    warm_and_count(client, f"/es/articles/{translated}/", {}, django_assert_num_queries, 4, 302)
    warm_and_count(client, f"/es/articles/{untranslated}/", {}, django_assert_num_queries, 6)


def test_the_questions_are_read_without_emails_or_accounts(client, library):
    """The page shows a reader's name, the question, the answer and who answered: the query
    reads no reader's email and no therapist's password hash or account details."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(library[0].get_absolute_url()).status_code == 200
    (sql,) = [q["sql"] for q in captured if 'FROM "education_readerquestion"' in q["sql"]]
    selected = sql.split(" FROM ")[0]
    assert '"email"' not in selected and '"wants_email"' not in selected
    assert '"auth_user"."first_name"' in selected and '"auth_user"."last_name"' in selected
    assert '"password"' not in selected and '"auth_user"."username"' not in selected


def test_search_page(client, library, django_assert_num_queries):
    warm_and_count(client, "/articles/", {"q": "stretching"}, django_assert_num_queries, 5)


def test_search_with_synonyms(client, library, django_assert_num_queries):
    warm_and_count(client, "/articles/", {"q": "tennis ball scapula"}, django_assert_num_queries, 7)


def test_search_without_results_and_its_suggestions(client, library, django_assert_num_queries):
    warm_and_count(client, "/articles/", {"q": "xylophone"}, django_assert_num_queries, 7)


def test_search_typo_fallback(client, library, django_assert_num_queries):
    warm_and_count(client, "/articles/", {"q": "strechs"}, django_assert_num_queries, 7)


def test_feed_and_sitemap(client, library, django_assert_max_num_queries):
    warm_and_count(client, "/articles/feed/", {}, django_assert_max_num_queries, 3)
    warm_and_count(client, "/sitemap.xml", {}, django_assert_max_num_queries, 4)
    warm_and_count(client, "/sitemap-articles.xml", {}, django_assert_max_num_queries, 4)
