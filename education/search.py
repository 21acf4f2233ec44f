"""Article search: Postgres full text with English stemming, and a typo-tolerant title fallback.

The search vector is stored on each article (title weighted A, summary B, body C) and indexed
with GIN, so a query never rebuilds it; index_article() refreshes it whenever an article is
saved. When full text finds nothing, titles that look like the query (pg_trgm word similarity,
served by a GIN trigram index) are offered instead, so "sholder" still finds "shoulder".
"""

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection, transaction
from django.db.models import F, QuerySet, TextField, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from education.models import Article
from education.rendering import MARK_END, MARK_START

CONFIG = "english"
MAX_QUERY_LENGTH = 200
# pg_trgm's word similarity between the query and the closest part of a title. 0.4 lets one
# wrong or missing letter in a word through ("sholder", "stretchs") but not unrelated words.
TITLE_SIMILARITY_THRESHOLD = 0.4
MAX_SIMILAR_TITLES = 10


def search_vector() -> SearchVector:
    return (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("summary", weight="B", config=CONFIG)
        + SearchVector("body_text", weight="C", config=CONFIG)
    )


def index_article(pk: int) -> None:
    """Store the article's search vector, from the fields just saved, in one UPDATE."""
    Article.objects.filter(pk=pk).update(search_vector=search_vector())


def clean_query(text: str | None) -> str:
    text = (text or "").replace(MARK_START, "").replace(MARK_END, "").replace("\x00", "")
    return " ".join(text.split())


def _rank(query: SearchQuery, text: str) -> SearchRank | CombinedExpression:
    """Rank by the whole query, plus each word on its own.

    ts_rank on an AND query mostly rewards words that stand close together, so a body saying
    "doorway stretch" would beat an article titled "stretches" that explains the doorway
    stretch. Adding the rank of the words taken one by one (an OR query) brings the weights
    back: a title hit (A) counts far more than a summary (B) or body (C) mention.
    """
    rank = SearchRank(F("search_vector"), query)
    words = [word for word in re.findall(r"\w+", text) if word.lower() != "or"]
    if len(words) < 2:
        return rank
    each_word = SearchQuery(" or ".join(words), search_type="websearch", config=CONFIG)
    return rank + SearchRank(F("search_vector"), each_word)


def full_text(text: str, articles: QuerySet[Article]) -> QuerySet[Article]:
    """Articles matching the query, best first, each with a `headline` snippet (marked)."""
    query = SearchQuery(text, search_type="websearch", config=CONFIG)
    return (
        articles.filter(search_vector=query)
        .annotate(
            rank=_rank(query, text),
            headline=SearchHeadline(
                Concat("summary", Value("\n"), "body_text", output_field=TextField()),
                query,
                config=CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_END,
                max_words=35,
                min_words=15,
                max_fragments=1,
            ),
        )
        .order_by("-rank", "-published_at", "-pk")
    )


def similar_titles(text: str, articles: QuerySet[Article]) -> list[Article]:
    """Up to ten articles whose titles look like the query, closest first."""
    with transaction.atomic(), connection.cursor() as cursor:
        # The `%>` operator (indexed) compares with this threshold; set for this query only.
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [str(TITLE_SIMILARITY_THRESHOLD)],
        )
        return list(
            articles.filter(title__trigram_word_similar=text)
            .annotate(similarity=TrigramWordSimilarity(text, "title"))
            .order_by("-similarity", "-published_at", "-pk")[:MAX_SIMILAR_TITLES]
        )


@dataclass
class Search:
    """What the list page needs to show for ?q=."""

    query: str
    too_long: bool = False
    matches: QuerySet[Article] | None = None  # full-text hits (paginated by the view)
    similar: list[Article] = field(default_factory=list)  # title fallback when no hits


def run(text: str | None, articles: QuerySet[Article]) -> Search:
    query = clean_query(text)
    if len(query) > MAX_QUERY_LENGTH:
        return Search(query=query[:MAX_QUERY_LENGTH], too_long=True)
    matches = full_text(query, articles)
    if matches.exists():
        return Search(query=query, matches=matches)
    return Search(query=query, similar=similar_titles(query, articles))


def highlight(headline: str) -> SafeString:
    """A snippet as safe HTML: everything escaped, then the hit markers become <mark>."""
    escaped = str(escape(" ".join(headline.split())))
    if escaped.count(MARK_START) != escaped.count(MARK_END):
        return mark_safe(escaped.replace(MARK_START, "").replace(MARK_END, ""))
    return mark_safe(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))
