"""Article search: Postgres full text with English stemming, and a typo-tolerant title fallback.

The search vector is stored on each article (title weighted A, summary B, body C) and indexed
with GIN, so a query never rebuilds it; index_article() refreshes it whenever an article is
saved. When full text finds nothing, titles that look like the query (pg_trgm word similarity,
served by a GIN trigram index) are offered instead, so "sholder" still finds "shoulder".

Readers use other words than the articles: "tennis ball" for a massage ball, "scapula" for a
shoulder blade. SYNONYMS lists such groups; a query naming one member of a group searches for
any of them (each as a phrase, OR'ed, AND'ed with the rest of the query). This is done here, in
Python, because a Postgres thesaurus needs files on the database server.
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
from django.db.models.functions import Concat, Greatest, Right
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
ELLIPSIS = "…"
TEXT_END_LENGTH = 40

# Words a reader may use for the same thing, each group naming what the articles call it first.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("massage ball", "tennis ball", "lacrosse ball"),
    ("foam roller", "roller"),
    ("shoulder blade", "scapula", "scapulae"),
    ("knot", "trigger point"),
)


def _phrase_pattern(phrase: str) -> str:
    """A phrase as a regular expression: any spacing between words, an optional plural."""
    words = [re.escape(word) for word in phrase.split()]
    return r"\b" + r"\s+".join(words) + r"(?:s|es)?\b"


# Longest phrases first, so "foam roller" is found before "roller".
_MEMBERS = sorted(
    ((phrase, group) for group in SYNONYMS for phrase in group),
    key=lambda item: -len(item[0]),
)
_SYNONYM = re.compile(
    "|".join(
        f"(?P<g{index}>{_phrase_pattern(phrase)})" for index, (phrase, _) in enumerate(_MEMBERS)
    ),
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Expanded:
    """A query split into its own words and the synonym groups it names."""

    rest: str  # the words that are not part of a synonym group
    groups: tuple[tuple[str, ...], ...]  # each group named in the query

    @property
    def also_searched(self) -> list[str]:
        """The other words searched, to tell the reader (in the order the groups list them)."""
        return [phrase for group in self.groups for phrase in group]


def expand(text: str) -> Expanded:
    groups: list[tuple[str, ...]] = []

    def take(match: re.Match) -> str:
        _phrase, group = _MEMBERS[int(match.lastgroup[1:])]
        if group not in groups:
            groups.append(group)
        return " "

    rest = _SYNONYM.sub(take, text)
    # A quoted phrase that was a synonym leaves empty quotes behind.
    rest = " ".join(re.sub(r'"\s*"', " ", rest).split())
    return Expanded(rest=rest, groups=tuple(groups))


def build_query(text: str) -> SearchQuery:
    """The query's own words (websearch syntax), AND each named synonym group as OR'ed phrases."""
    expanded = expand(text)
    parts: list[SearchQuery] = []
    if expanded.rest.strip(' "-'):
        parts.append(SearchQuery(expanded.rest, search_type="websearch", config=CONFIG))
    for group in expanded.groups:
        either = SearchQuery(group[0], search_type="phrase", config=CONFIG)
        for phrase in group[1:]:
            either |= SearchQuery(phrase, search_type="phrase", config=CONFIG)
        parts.append(either)
    if not parts:
        return SearchQuery(text, search_type="websearch", config=CONFIG)
    query = parts[0]
    for part in parts[1:]:
        query &= part
    return query


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
    """Rank by the whole query, plus each word on its own, plus each synonym group.

    ts_rank on an AND query mostly rewards words that stand close together, so a body saying
    "doorway stretch" would beat an article titled "stretches" that explains the doorway
    stretch. Adding the rank of the words taken one by one (an OR query) brings the weights
    back: a title hit (A) counts far more than a summary (B) or body (C) mention.

    ts_rank of phrases joined by OR ranks poorly (it scores the phrases' words apart, so
    "massage" in a title outweighs "massage ball" said three times), so a synonym group counts
    with the rank of its best phrase.
    """
    rank = SearchRank(F("search_vector"), query)
    expanded = expand(text)
    words = [word for word in re.findall(r"\w+", expanded.rest) if word.lower() != "or"]
    for group in expanded.groups:
        phrases = [
            SearchRank(F("search_vector"), SearchQuery(phrase, search_type="phrase", config=CONFIG))
            for phrase in group
        ]
        rank = rank + Greatest(*phrases)
    if len(words) + len(expanded.groups) < 2 or not words:
        return rank
    each_word = SearchQuery(words[0], search_type="plain", config=CONFIG)
    for word in words[1:]:
        each_word |= SearchQuery(word, search_type="plain", config=CONFIG)
    return rank + SearchRank(F("search_vector"), each_word)


def full_text(text: str, articles: QuerySet[Article]) -> QuerySet[Article]:
    """Articles matching the query, best first, each with a `headline` snippet (marked) and
    the end of its text (`text_end`, to tell whether the snippet stops before the end)."""
    query = build_query(text)
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
            text_end=Right("body_text", TEXT_END_LENGTH),
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
    also_searched: list[str] = field(default_factory=list)  # synonyms searched as well
    too_long: bool = False
    matches: QuerySet[Article] | None = None  # full-text hits (paginated by the view)
    similar: list[Article] = field(default_factory=list)  # title fallback when no hits


def run(text: str | None, articles: QuerySet[Article]) -> Search:
    query = clean_query(text)
    if len(query) > MAX_QUERY_LENGTH:
        return Search(query=query[:MAX_QUERY_LENGTH], too_long=True)
    also = [
        phrase
        for phrase in expand(query).also_searched
        if not re.search(_phrase_pattern(phrase), query, re.IGNORECASE)
    ]
    matches = full_text(query, articles)
    if matches.exists():
        return Search(query=query, also_searched=also, matches=matches)
    return Search(query=query, also_searched=also, similar=similar_titles(query, articles))


def highlight(headline: str) -> SafeString:
    """A snippet as safe HTML: everything escaped, then the hit markers become <mark>."""
    escaped = str(escape(" ".join(headline.split())))
    if escaped.count(MARK_START) != escaped.count(MARK_END):
        return mark_safe(escaped.replace(MARK_START, "").replace(MARK_END, ""))
    return mark_safe(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def _plain(text: str) -> str:
    return " ".join(text.replace(MARK_START, "").replace(MARK_END, "").split())


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", _plain(text).lower())


def snippet(headline: str, summary: str = "", text_end: str = "") -> SafeString:
    """A search snippet as safe HTML: hits marked, and an ellipsis where the text was cut (at
    the start when it does not begin with the summary's first words, at the end when it stops
    before the article's last words). ts_headline cuts between words and may leave out
    punctuation, so the comparison is by words."""
    shown = _words(headline)
    if not shown:
        return highlight(headline)
    cut_start = bool(summary) and shown[:3] != _words(summary)[:3]
    cut_end = bool(text_end) and shown[-3:] != _words(text_end)[-3:]
    marked = highlight(headline)
    before = ELLIPSIS + " " if cut_start else ""
    after = ""
    if cut_end:
        after = (" " if str(marked)[-1:] in ".!?:;" else "") + ELLIPSIS
    return mark_safe(f"{before}{marked}{after}")  # highlight() escaped the text
