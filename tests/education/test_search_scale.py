"""Search on a library of 2,000 articles (1,000 English, 1,000 Spanish of which 700 translate
English ones): the plans Postgres uses stay on the indexes, rank a bounded set, and make no
snippet in SQL, so the time per query does not grow with the library (measured figures: see
search.py's docstring and the performance notes of the search change)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from education import search
from education.models import Article
from tests.education.library import make_library

pytestmark = pytest.mark.django_db

PER_PAGE = 10


@pytest.fixture(scope="module")
def library(django_db_setup, django_db_blocker):
    """Built once for this module (it takes a few seconds) and removed after it."""
    with django_db_blocker.unblock():
        english = make_library(1000, "en")
        originals = list(Article.objects.filter(pk__in=english[:700]).order_by("pk"))
        spanish = make_library(1000, "es", translating=originals)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE education_article")
        yield
        Article.objects.filter(pk__in=english + spanish).delete()


def offered(language: str):
    return Article.objects.published().in_language(language).prefetch_related("topics")


def search_page(language: str, query: str, page: int = 1):
    """The queries one search page makes: what the list view does with search.run()."""
    with CaptureQueriesContext(connection) as captured:
        found = search.run(query, offered(language), language)
        start = (page - 1) * PER_PAGE
        shown = found.matches[start : start + PER_PAGE] if found.matches is not None else []
    selects = [
        query["sql"] for query in captured.captured_queries if query["sql"].startswith("SELECT")
    ]
    return found, shown, selects


def plan(sql: str, params: tuple = ()) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + sql, params or None)
        return "\n".join(row[0] for row in cursor.fetchall())


def reads_articles_through(explained: str, index: str) -> bool:
    """Whether the plan reads the articles from `index` (a bitmap scan), never every row."""
    first_read = next(line for line in explained.splitlines() if " on education_article " in line)
    return "Bitmap Heap Scan" in first_read and f"Bitmap Index Scan on {index} " in explained


@pytest.mark.parametrize(
    ("language", "query", "rare"),
    [
        ("en", "stretching", False),  # in most English articles
        ("es", "estiramiento", False),  # in most Spanish ones
        ("es", "MÚSCULO", False),
        ("es", "pelota de tenis", False),  # a synonym group
        ("es", "stretching", False),  # the English articles not yet translated
        ("en", "hammock", True),  # in none
        ("es", "hamaca", True),
    ],
)
def test_search_queries_stay_on_the_indexes(library, language, query, rare):
    found, shown, selects = search_page(language, query)

    count, *others = selects
    assert "COUNT(*)" in count
    assert reads_articles_through(plan(count), "article_search_vector"), plan(count)
    assert all("ts_headline" not in sql for sql in selects)  # snippets: in Python, one page
    if rare:
        assert found.matches is None
        return
    ids = plan(others[0])
    assert reads_articles_through(ids, "article_search_vector"), ids
    assert found.matches.count() > search.RANKED_MATCHES
    # Only a bounded set, found through the title and summary index, is ranked.
    assert "Bitmap Index Scan on article_search_head " in ids, ids
    assert "hashed SubPlan" in ids and "top-N heapsort" in ids, ids
    assert len(shown) == PER_PAGE


def test_a_search_page_makes_four_queries_at_any_size(library, django_assert_num_queries):
    for language, query in (("en", "stretching"), ("es", "musculo"), ("es", "stretching")):
        # The count, the page's ids, its articles, their topics.
        with django_assert_num_queries(4):
            found = search.run(query, offered(language), language)
            assert len(found.matches[10:20]) == PER_PAGE


def test_the_typo_fallback_uses_the_unaccented_title_index(library):
    found, _shown, selects = search_page("es", "estiramento")

    assert found.matches is None
    assert found.similar and all("Estiramientos" in article.title for article in found.similar), (
        found.similar
    )
    similar = next(sql for sql in selects if "%>" in sql)
    explained = plan(similar)
    assert reads_articles_through(explained, "article_title_unaccent_trgm"), explained


def test_at_scale_the_first_page_names_the_words_in_its_titles_and_pages_go_on(library):
    found, first, _selects = search_page("es", "estiramiento")
    _found, second, _selects = search_page("es", "estiramiento", page=2)
    _found, last, _selects = search_page("es", "estiramiento", page=found.matches.count() // 10)

    assert found.matches.count() > search.RANKED_MATCHES
    for article in first + second:
        assert "estir" in search._fold(f"{article.title} {article.summary}").lower(), article.title
    seen = [article.pk for article in first + second + last]
    assert len(seen) == len(set(seen)) == 3 * PER_PAGE
    assert all(article.language == "es" for article in first)
    assert all("<mark>" in str(search.highlight(article.headline)) for article in first + last)


def test_the_admin_article_search_uses_the_title_and_summary_indexes(library, rf):
    from django.contrib import admin

    articles_admin = admin.site._registry[Article]
    request = rf.get("/", {"q": "trapecio"})
    found, _duplicates = articles_admin.get_search_results(
        request, Article.objects.all(), "trapecio"
    )

    explained = plan(*found.order_by("-published_at")[:100].query.sql_with_params())
    assert "Bitmap Index Scan on article_title_upper_trgm " in explained, explained
    assert "Bitmap Index Scan on article_summary_upper_trgm " in explained, explained
    assert "Seq Scan on education_article" not in explained, explained
