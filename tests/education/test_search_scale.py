"""Search on a library of 2,000 articles (1,000 English, 1,000 Spanish of which 700 translate
English ones): the plans Postgres uses stay on the indexes, rank a bounded set, and make no
snippet in SQL, so the time per query does not grow with the library (measured figures: see
search.py's docstring and the performance notes of the search change)."""

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Q
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


def reads_articles_through(explained: str, *indexes: str) -> bool:
    """Whether the plan reads the articles from one of `indexes` (a bitmap scan), never every
    row."""
    first_read = next(line for line in explained.splitlines() if " on education_article " in line)
    return "Bitmap Heap Scan" in first_read and any(
        f"Bitmap Index Scan on {index} " in explained for index in indexes
    )


# The full-text indexes: every article's vector, and those of the published articles of each
# language (what an English reader's search counts through).
SEARCH_INDEXES = ("article_search_vector", "article_search_published_en")


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
    assert reads_articles_through(plan(count), *SEARCH_INDEXES), plan(count)
    assert all("ts_headline" not in sql for sql in selects)  # snippets: in Python, one page
    if rare:
        assert found.matches is None
        return
    ids = plan(others[0])
    assert reads_articles_through(ids, *SEARCH_INDEXES), ids
    assert found.matches.count() > search.RANKED_MATCHES
    # Only a bounded set, found through the title and summary index, is ranked.
    assert "Bitmap Index Scan on article_search_head " in ids, ids
    assert "top-N heapsort" in ids, ids
    assert len(shown) == PER_PAGE


def test_a_search_page_makes_a_bounded_number_of_queries_at_any_size(
    library, django_assert_num_queries
):
    for language, query in (("en", "stretching"), ("es", "musculo"), ("es", "stretching")):
        # The count, the page's ids, its articles, their topics.
        with django_assert_num_queries(4):
            found = search.run(query, offered(language), language)
            assert len(found.matches[10:20]) == PER_PAGE
        # Past the ranked head, the ids of the newest other matches too.
        for start in (20, 60, found.matches.count() - PER_PAGE):
            with django_assert_num_queries(5):
                further = search.run(query, offered(language), language)
                assert len(further.matches[start : start + PER_PAGE]) == PER_PAGE


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


def plain_matches(language: str, query: str):
    """The articles a one-word query matches, newest first, found plainly (the query in each
    searched language), to compare the search's order with."""
    languages = search.searched_languages(language)
    said = Q(
        *(Q(search_vector=SearchQuery(query, config=search.CONFIGS[code])) for code in languages),
        _connector=Q.OR,
    )
    in_title = Q(
        *(Q(head=SearchQuery(query, config=search.CONFIGS[code])) for code in languages),
        _connector=Q.OR,
    )
    matches = offered(language).filter(said).alias(head=search.HEAD)
    newest = matches.order_by("-published_at", "-pk")
    return list(newest.values_list("pk", flat=True)), newest.filter(in_title)


@pytest.mark.parametrize(
    ("language", "query"),
    [
        ("en", "stretching"),  # most articles, many titles
        ("en", "drooping"),  # every article, no title: the first pages walk the newest
        ("en", "routine"),  # one article in twelve: the others are sorted, not walked
        ("es", "estiramiento"),
        ("es", "stretching"),  # the English articles not translated
    ],
)
def test_after_the_ranked_titles_every_other_match_follows_newest_first(library, language, query):
    newest, in_title = plain_matches(language, query)
    head = set(in_title.values_list("pk", flat=True)[: search.RANKED_MATCHES])
    others = [pk for pk in newest if pk not in head]
    found = search.run(query, offered(language), language)
    # A word in more than LISTED_MATCHES articles lists that many ("more than 500").
    listed = min(len(newest), search.LISTED_MATCHES)
    starts = [*range(0, 120, PER_PAGE), listed - PER_PAGE]

    assert found.matches.count() == listed > search.RANKED_MATCHES
    assert found.matches.more is (len(newest) > search.LISTED_MATCHES)
    pages = {start: [a.pk for a in found.matches[start : start + PER_PAGE]] for start in starts}
    shown = [pk for start in starts[:-1] for pk in pages[start]]
    assert set(shown[: len(head)]) == head  # ranked among themselves
    assert shown[len(head) :] == others[: len(shown) - len(head)]
    assert pages[starts[-1]] == others[listed - len(head) - PER_PAGE : listed - len(head)]


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
