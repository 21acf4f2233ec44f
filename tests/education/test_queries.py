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
    # Reads the clinic's settings and what is kept of the library (the topics, "Start here").
    assert client.get(url, params).status_code == status
    with assert_queries(count):
        assert client.get(url, params).status_code == status


def first_and_next(client, url, assert_queries, first: int, params=None, status=200):
    """The queries of the first reader of a page (nothing of it kept by this process yet) and
    of the next one: the page's own row or rows (education/changes.py)."""
    client.get("/visit/")  # reads the clinic's settings, renders the menu and the footer
    with assert_queries(first):
        assert client.get(url, params or {}).status_code == status
    with assert_queries(1):
        assert client.get(url, params or {}).status_code == status


def test_list_page(client, library, django_assert_num_queries):
    # Topics, the count, the page's rows, their topics, "Start here".
    first_and_next(client, "/articles/", django_assert_num_queries, 5)
    # Past the first page, no "Start here"; the topics and the count are kept.
    first_and_next(client, "/articles/", django_assert_num_queries, 2, {"page": 3})


def test_list_page_after_an_article_changed(client, library, django_assert_num_queries):
    """What is built from the whole library is read again; the list stays bounded."""
    first_and_next(client, "/articles/", django_assert_num_queries, 5)
    library[3].save()
    with django_assert_num_queries(5):
        client.get("/articles/")


def test_topic_page(client, library, django_assert_num_queries):
    slug = library[0].topics.first().slug
    # Topics, the count, the page's rows, their topics.
    first_and_next(client, "/articles/", django_assert_num_queries, 4, {"topic": slug})


def test_detail_page(client, library, django_assert_num_queries):
    # The article, its versions' addresses, topics, citations, related articles and questions.
    first_and_next(client, library[0].get_absolute_url(), django_assert_num_queries, 6)


def test_detail_page_of_a_start_here_article(client, library, django_assert_num_queries):
    # And the next article in "Start here".
    first_and_next(client, library[10].get_absolute_url(), django_assert_num_queries, 7)


def test_detail_page_after_another_article_or_a_question_changed(
    client, library, django_assert_num_queries
):
    """Only what the change may have touched is read again: after another article is edited,
    the lists of articles (addresses, next, related); after a question, the questions."""
    article = library[10]
    first_and_next(client, article.get_absolute_url(), django_assert_num_queries, 7)
    library[3].save()
    with django_assert_num_queries(4):  # the article, addresses, next and related
        client.get(article.get_absolute_url())
    make_question(article, status="approved", answer="Yes.")
    with django_assert_num_queries(2):  # the article and its questions
        client.get(article.get_absolute_url())


def test_an_article_asked_for_in_the_other_language(client, library, django_assert_num_queries):
    """Its versions are read once: for the redirect to the reader's language or, when it has
    none, for the language switch of the page shown."""
    make_article("Traducción", language="es", translation_of=library[0])
    translated, untranslated = library[0], library[1]
    first_and_next(
        client, "/es" + translated.get_absolute_url(), django_assert_num_queries, 2, status=302
    )
    first_and_next(
        client, "/es" + untranslated.get_absolute_url(), django_assert_num_queries, 6, status=200
    )


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
    warm_and_count(client, "/articles/", {"q": "stretching"}, django_assert_num_queries, 4)


def test_search_with_synonyms(client, library, django_assert_num_queries):
    warm_and_count(client, "/articles/", {"q": "tennis ball scapula"}, django_assert_num_queries, 5)


def test_search_without_results_and_its_suggestions(client, library, django_assert_num_queries):
    warm_and_count(client, "/articles/", {"q": "xylophone"}, django_assert_num_queries, 5)


def test_search_typo_fallback(client, library, django_assert_num_queries):
    warm_and_count(client, "/articles/", {"q": "strechs"}, django_assert_num_queries, 6)


def test_feed_and_sitemap(client, library, django_assert_max_num_queries):
    warm_and_count(client, "/articles/feed/", {}, django_assert_max_num_queries, 3)
    warm_and_count(client, "/sitemap.xml", {}, django_assert_max_num_queries, 4)
    warm_and_count(client, "/sitemap-articles.xml", {}, django_assert_max_num_queries, 4)
