"""Pages stay fast as the library grows: the number of queries does not depend on it."""

import pytest

from tests.factories import make_article, make_question, make_topic

pytestmark = pytest.mark.django_db


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


def warm_and_count(client, url, params, django_assert_max_num_queries, limit):
    assert client.get(url, params).status_code == 200  # warms the clinic settings cache
    with django_assert_max_num_queries(limit):
        assert client.get(url, params).status_code == 200


def test_list_page(client, library, django_assert_max_num_queries):
    warm_and_count(client, "/articles/", {}, django_assert_max_num_queries, 5)
    warm_and_count(client, "/articles/", {"page": 3}, django_assert_max_num_queries, 5)


def test_topic_page(client, library, django_assert_max_num_queries):
    slug = library[0].topics.first().slug
    warm_and_count(client, "/articles/", {"topic": slug}, django_assert_max_num_queries, 5)


def test_detail_page(client, library, django_assert_max_num_queries):
    url = library[0].get_absolute_url()
    warm_and_count(client, url, {}, django_assert_max_num_queries, 6)


def test_detail_page_of_a_start_here_article(client, library, django_assert_max_num_queries):
    url = library[10].get_absolute_url()
    warm_and_count(client, url, {}, django_assert_max_num_queries, 7)


def test_search_page(client, library, django_assert_max_num_queries):
    warm_and_count(client, "/articles/", {"q": "stretching"}, django_assert_max_num_queries, 6)


def test_search_with_synonyms(client, library, django_assert_max_num_queries):
    warm_and_count(
        client, "/articles/", {"q": "tennis ball scapula"}, django_assert_max_num_queries, 8
    )


def test_search_without_results_and_its_suggestions(client, library, django_assert_max_num_queries):
    warm_and_count(client, "/articles/", {"q": "xylophone"}, django_assert_max_num_queries, 8)


def test_search_typo_fallback(client, library, django_assert_max_num_queries):
    warm_and_count(client, "/articles/", {"q": "strechs"}, django_assert_max_num_queries, 8)


def test_feed_and_sitemap(client, library, django_assert_max_num_queries):
    warm_and_count(client, "/articles/feed/", {}, django_assert_max_num_queries, 3)
    warm_and_count(client, "/sitemap.xml", {}, django_assert_max_num_queries, 4)
