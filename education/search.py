"""Article search in the reader's language: Postgres full text, synonyms, a typo-tolerant fallback.

Each article's search vector (title weighted A, summary B, body C) is built with its own
language's configuration, education_english or education_spanish (migration 0006): Postgres's
stemmers with unaccent in front, so "musculo", "músculo" and "MÚSCULO" are one word while
snippets keep the accents as written. index_article() refreshes the vector whenever an article
is saved; a GIN index serves the match.

A reader searches in their language; a Spanish reader is also offered the English articles not
yet translated (Article.objects.in_language), so the query is made in both configurations: an
article matches either (the index answers that alone) and is ranked with its own language's.
"estiramiento" finds the Spanish articles, "stretching" the English ones still untranslated.

Speed, so that a search costs the same with 12 articles or 2,000 (under 2 ms of Postgres per
query, measured with EXPLAIN ANALYZE on 2,000 articles of about 900 words):
- matching reads only the GIN index (see _Match), never the articles' vectors;
- ranking reads each ranked article's vector, so it is bounded: up to RANKED_MATCHES matches are
  all ranked; past that, only the newest RANKED_MATCHES whose title or summary holds a word of
  the query (found through an index on title and summary) are ranked and come first, and the
  other matches follow, newest first: for a common word, the first pages of those walk the
  articles by date and stop when they have enough rather than sorting every match (_Order);
- the matches are counted once (those of an English reader through the index of the published
  English articles, migration 0007), up to LISTED_MATCHES (a word in more articles is said to
  be in "more than 500" and its first 500 are listed), and a page is chosen by id before its
  rows are read;
- snippets are made in Python for the page shown (headline_for): ts_headline parses the whole
  article, about 1.5 ms each.

When full text finds nothing, titles that look like the query (pg_trgm word similarity on the
unaccented title, served by a GIN trigram index) are offered instead, so "sholder" still finds
"shoulder" and "estiramento" finds "Estiramientos".

Readers use other words than the articles: "tennis ball" for a massage ball, "escápula" for the
omóplato. SYNONYMS lists such groups per language; a query naming one member of a group searches
for any of them (OR'ed, AND'ed with the rest of the query); an article matches when it holds the
words of one of the group's phrases, and saying the phrase itself ranks it higher. This is done
here, in Python, because a Postgres thesaurus needs files on the database server.
"""

import functools
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Expression,
    F,
    Func,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Greatest
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from education.models import Article
from education.rendering import MARK_END, MARK_START

# The text search configuration of each language (created by migration 0006, which also maps
# an article's language to its configuration in SQL: education_search_config()).
CONFIGS = {"en": "education_english", "es": "education_spanish"}
MAX_QUERY_LENGTH = 200
# pg_trgm's word similarity between the query and the closest part of a title. 0.4 lets one
# wrong or missing letter in a word through ("sholder", "stretchs") but not unrelated words.
TITLE_SIMILARITY_THRESHOLD = 0.4
MAX_SIMILAR_TITLES = 10
# How many matches are ranked by relevance (see the module's docstring).
RANKED_MATCHES = 20
# Past the ranked head: up to this many matches are sorted by date in well under a millisecond
# (about a microsecond each); with more, the first NEWEST_WALKED of them are found by walking
# the articles newest first, which reads each one's vector (about 8 µs) until enough match
# (see _Order).
SORTED_MATCHES = 500
NEWEST_WALKED = 30
# The most matches listed, in 50 pages: a word in more articles than that is said to be in
# "more than 500", so counting stops there (counting every match of a word in 2,000 articles
# visits each one, about 2 ms; counting to 501 about a quarter of that).
LISTED_MATCHES = SORTED_MATCHES
ELLIPSIS = "…"
TEXT_END_LENGTH = 40

# Words a reader may use for the same thing, per language, each group naming what the articles
# call it first.
SYNONYMS: dict[str, tuple[tuple[str, ...], ...]] = {
    "en": (
        ("massage ball", "tennis ball", "lacrosse ball"),
        ("foam roller", "roller"),
        ("shoulder blade", "scapula", "scapulae"),
        ("knot", "trigger point"),
    ),
    "es": (
        ("pelota de masaje", "pelota de tenis", "pelota de lacrosse"),
        ("rodillo de espuma", "rodillo"),
        ("omóplato", "escápula", "paletilla"),
        ("nudo", "punto gatillo", "contractura"),
    ),
}


def reader_language(language: str | None = None) -> str:
    """The language searched: the one given, or the active one; English when unknown."""
    code = (language or translation.get_language() or "").split("-")[0].lower()
    return code if code in CONFIGS else settings.LANGUAGE_CODE


def searched_languages(language: str) -> tuple[str, ...]:
    """The reader's language, then English (the untranslated articles a reader is offered)."""
    return tuple(dict.fromkeys((language, settings.LANGUAGE_CODE)))


def _base_letter(letter: str) -> str:
    base = unicodedata.normalize("NFKD", letter)[0]
    return base if base.isalpha() else letter


# Latin letters with accents, each to its letter without them ("é" -> "e", "Ñ" -> "N").
_UNACCENTED = {
    code: _base_letter(chr(code))
    for code in range(0xC0, 0x250)
    if _base_letter(chr(code)) != chr(code)
}


def _fold(text: str) -> str:
    """The text without accents, letter for letter (the same length), to compare words."""
    return text.translate(_UNACCENTED)


def _phrase_pattern(phrase: str) -> str:
    """A phrase as a regular expression over folded text: any spacing between words, each word
    optionally plural ("pelotas de tenis", "trigger points")."""
    words = [re.escape(word) + "(?:s|es)?" for word in _fold(phrase).split()]
    return r"\b" + r"\s+".join(words) + r"\b"


def _synonym_matcher(language: str) -> tuple[list[tuple[str, tuple[str, ...]]], re.Pattern]:
    # Longest phrases first, so "foam roller" is found before "roller".
    members = sorted(
        ((phrase, group) for group in SYNONYMS[language] for phrase in group),
        key=lambda item: -len(item[0]),
    )
    pattern = re.compile(
        "|".join(
            f"(?P<g{index}>{_phrase_pattern(phrase)})" for index, (phrase, _) in enumerate(members)
        ),
        re.IGNORECASE,
    )
    return members, pattern


_MATCHERS = {language: _synonym_matcher(language) for language in SYNONYMS}


def mentions(phrase: str, text: str) -> bool:
    """Whether the text says the phrase (any case, accents, spacing or plural)."""
    return re.search(_phrase_pattern(phrase), _fold(text), re.IGNORECASE) is not None


@dataclass(frozen=True)
class Expanded:
    """A query split into its own words and the synonym groups it names."""

    rest: str  # the words that are not part of a synonym group
    groups: tuple[tuple[str, ...], ...]  # each group named in the query

    @property
    def also_searched(self) -> list[str]:
        """The other words searched, to tell the reader (in the order the groups list them)."""
        return [phrase for group in self.groups for phrase in group]


def expand(text: str, language: str | None = None) -> Expanded:
    members, pattern = _MATCHERS[reader_language(language)]
    groups: list[tuple[str, ...]] = []
    pieces: list[str] = []
    start = 0
    # Matched on the folded text (same length), cut from the text as typed.
    for match in pattern.finditer(_fold(text)):
        _phrase, group = members[int(match.lastgroup[1:])]
        if group not in groups:
            groups.append(group)
        pieces.append(text[start : match.start()])
        start = match.end()
    pieces.append(text[start:])
    # A quoted phrase that was a synonym leaves empty quotes behind.
    rest = " ".join(re.sub(r'"\s*"', " ", " ".join(pieces)).split())
    return Expanded(rest=rest, groups=tuple(groups))


def build_query(text: str, language: str | None = None, synonyms_as: str = "phrase") -> SearchQuery:
    """The query's own words (websearch syntax), AND each named synonym group as OR'ed phrases
    (or, with synonyms_as="plain", as OR'ed sets of words, which the GIN index answers without
    reading the articles' vectors: ranking then puts the articles that say the phrase first)."""
    language = reader_language(language)
    config = CONFIGS[language]
    expanded = expand(text, language)
    parts: list[SearchQuery] = []
    if expanded.rest.strip(' "-'):
        parts.append(SearchQuery(expanded.rest, search_type="websearch", config=config))
    for group in expanded.groups:
        parts.append(_any(group, synonyms_as, config))
    if not parts:
        return SearchQuery(text, search_type="websearch", config=config)
    query = parts[0]
    for part in parts[1:]:
        query &= part
    return query


def _any(texts: Iterable[str], search_type: str, config: str) -> SearchQuery:
    """Any of the texts (OR)."""
    first, *others = texts
    query = SearchQuery(first, search_type=search_type, config=config)
    for text in others:
        query |= SearchQuery(text, search_type=search_type, config=config)
    return query


def _own_words(expanded: Expanded) -> list[str]:
    return [word for word in re.findall(r"\w+", expanded.rest) if word.lower() != "or"]


def _row_config() -> Func:
    """The article's own text search configuration, from its language (SQL, migration 0006)."""
    return Func(F("language"), function="education_search_config", output_field=TextField())


def search_vector() -> SearchVector:
    """Each article's vector, in its own language's configuration."""
    return (
        SearchVector("title", weight="A", config=_row_config())
        + SearchVector("summary", weight="B", config=_row_config())
        + SearchVector("body_text", weight="C", config=_row_config())
    )


def index_article(pk: int) -> None:
    """Store the article's search vector, from the fields just saved, in one UPDATE."""
    Article.objects.filter(pk=pk).update(search_vector=search_vector())


def clean_query(text: str | None) -> str:
    text = (text or "").replace(MARK_START, "").replace(MARK_END, "").replace("\x00", "")
    return " ".join(text.split())


def _rank(query: SearchQuery, text: str, language: str) -> Expression:
    """Rank by the whole query, plus each word on its own, plus each synonym group.

    ts_rank on an AND query mostly rewards words that stand close together, so a body saying
    "doorway stretch" would beat an article titled "stretches" that explains the doorway
    stretch. Adding the rank of the words taken one by one (an OR query) brings the weights
    back: a title hit (A) counts far more than a summary (B) or body (C) mention.

    ts_rank of phrases joined by OR ranks poorly (it scores the phrases' words apart, so
    "massage" in a title outweighs "massage ball" said three times), so a synonym group counts
    with the rank of its best phrase.
    """
    config = CONFIGS[language]
    rank = SearchRank(F("search_vector"), query)
    expanded = expand(text, language)
    words = _own_words(expanded)
    for group in expanded.groups:
        phrases = [
            SearchRank(F("search_vector"), SearchQuery(phrase, search_type="phrase", config=config))
            for phrase in group
        ]
        rank = rank + Greatest(*phrases)
    if len(words) + len(expanded.groups) < 2 or not words:
        return rank
    return rank + SearchRank(F("search_vector"), _any(words, "plain", config))


def _by_language(languages: tuple[str, ...], build: Callable[[str], Expression]) -> Expression:
    """One expression per searched language, each article taking its own language's."""
    *others, last = languages
    if not others:
        return build(last)
    return Case(*(When(language=code, then=build(code)) for code in others), default=build(last))


def _head_words(text: str, language: str) -> SearchQuery | None:
    """Any word of the query or of its synonyms (OR), to look for in titles and summaries."""
    expanded = expand(text, language)
    words = _own_words(expanded) + [
        word for group in expanded.groups for phrase in group for word in phrase.split()
    ]
    return _any(dict.fromkeys(words), "plain", CONFIGS[language]) if words else None


HEAD = Func(
    F("language"),
    F("title"),
    F("summary"),
    function="education_search_head",
    output_field=SearchVectorField(),
)


class _Match(Func):
    """`vector @@ (SELECT query)`. The query behind a scalar subquery keeps the planner from
    judging by how common the words are: with a common word it would read every row's vector
    (a sequential scan, ~10 µs a row) instead of asking the GIN index, which never reads one."""

    arg_joiner = " @@ "
    template = "%(expressions)s"
    output_field = BooleanField()

    def __init__(self, vector: Expression, query: SearchQuery):
        super().__init__(vector, Func(query, template="(SELECT %(expressions)s)"))


def _matching(vector: Expression, queries: dict[str, SearchQuery]) -> Q:
    """Articles whose vector matches the query in any of the languages searched.

    Not "the query in the article's own language": that condition cannot be answered by the
    index alone, so Postgres would read every candidate's vector to check it (~4 µs each). A
    Spanish article rarely holds an English stem or the other way round, and when it does it
    is still about those words; each article is ranked with its own language's query."""
    return Q(*(_Match(vector, query) for query in queries.values()), _connector=Q.OR)


class Matches:
    """The articles matching a search, best first, for the view's Paginator: the number of
    matches, counted once, and slices that fetch one page and make its snippets."""

    def __init__(self, page_of: Callable[[slice], list[Article]], total: int, more: bool = False):
        self._page_of = page_of
        self.total = total
        self.more = more  # more than `total` (LISTED_MATCHES) match: only those are listed

    def count(self) -> int:
        return self.total

    def __getitem__(self, index: slice) -> list[Article]:
        page = self._page_of(index)
        for article in page:
            text = f"{article.summary}\n{article.searched_text}"
            article.headline = headline_for(text, _lexemes(article.search_terms))
            article.text_end = text[-TEXT_END_LENGTH:]
        return page


def full_text(text: str, articles: QuerySet[Article], language: str | None = None) -> Matches:
    """Articles matching the query, best first; those of a page get a `headline` snippet
    (marked) and the end of their text (`text_end`, to tell whether the snippet stops before
    the end)."""
    languages = searched_languages(reader_language(language))
    queries = {code: build_query(text, code) for code in languages}
    wanted = {code: build_query(text, code, synonyms_as="plain") for code in languages}
    matching = articles.filter(_matching(F("search_vector"), wanted))
    counted = matching.order_by()[: LISTED_MATCHES + 1].count()  # any 501, unsorted
    total, more = min(counted, LISTED_MATCHES), counted > LISTED_MATCHES
    rank = _by_language(languages, lambda code: _rank(queries[code], text, code))
    if total <= RANKED_MATCHES:
        order = _Order(matching.annotate(rank=rank))
    else:
        heads = {
            code: words for code in languages if (words := _head_words(text, code)) is not None
        }
        head = (
            matching.filter(_matching(HEAD, heads))
            .order_by("-published_at", "-pk")
            .values("pk")[:RANKED_MATCHES]
            if heads
            else []
        )
        # The same matches, with the query in sight of the planner (see _Order).
        walked = (
            articles.filter(
                Q(*(Q(search_vector=query) for query in wanted.values()), _connector=Q.OR)
            )
            if counted > SORTED_MATCHES
            else None
        )
        order = _Order(articles.filter(pk__in=head).annotate(rank=rank), matching, walked)
    page_of = functools.partial(_page, articles, order, languages, queries)
    return Matches(page_of, total, more)


class _Order:
    """The ids of the matches in their order: the ranked ones best first (`ranked`: every match
    when there are at most RANKED_MATCHES, else the head of the module's docstring), then the
    others newest first.

    The others are the matches read from the GIN index (`matching`) and sorted by date, unless
    they are many (`walked` is then given): the first pages of them walk the articles newest
    first (an index by date) and stop when enough match, a few rows per match for so common a
    word. `walked` shows the query to the planner, which knows how common its words are and so
    walks only when they are; sorting every match is cheaper than a long walk, for a further
    page or a word in fewer articles."""

    def __init__(
        self,
        ranked: QuerySet[Article],
        matching: QuerySet[Article] | None = None,
        walked: QuerySet[Article] | None = None,
    ):
        self._ranked = ranked
        self._matching = matching
        self._walked = walked

    @functools.cached_property
    def ranked(self) -> list[int]:
        by_rank = self._ranked.order_by("-rank", "-published_at", "-pk")
        return list(by_rank.values_list("pk", flat=True))

    def ids(self, index: slice) -> list[int]:
        start, stop = index.start or 0, index.stop
        ids = self.ranked[start:stop]
        if self._matching is None or len(ids) == stop - start:
            return ids
        first, last = max(start - len(self.ranked), 0), stop - len(self.ranked)
        walk = self._walked is not None and last <= NEWEST_WALKED
        others = self._walked if walk else self._matching
        newest = others.exclude(pk__in=self.ranked).order_by("-published_at", "-pk")
        return ids + list(newest.values_list("pk", flat=True)[first:last])


def _page(
    articles: QuerySet[Article],
    order: _Order,
    languages: tuple[str, ...],
    queries: dict[str, SearchQuery],
    index: slice,
) -> list[Article]:
    """One page of the matches, with the text its snippet is made from. The page's ids are
    chosen first (ordering the matches then moves ids, not whole rows), then those articles
    are fetched."""
    ids = order.ids(index)
    if not ids:
        return []
    found = articles.filter(pk__in=ids).annotate(
        searched_text=F("body_text"),
        # The words searched as Postgres stemmed them (a constant, known when planning).
        search_terms=_by_language(
            languages,
            lambda code: Func(queries[code], function="querytree", output_field=TextField()),
        ),
    )
    by_id = {article.pk: article for article in found}
    return [by_id[pk] for pk in ids]


class Unaccent(Func):
    """unaccent() through the IMMUTABLE wrapper of migration 0006 (the indexed expression)."""

    function = "education_unaccent"
    output_field = TextField()


def similar_titles(text: str, articles: QuerySet[Article]) -> list[Article]:
    """Up to ten articles whose titles look like the query, closest first, accents aside."""
    query = Unaccent(Value(text))
    with transaction.atomic(), connection.cursor() as cursor:
        # The `%>` operator (indexed) compares with this threshold; set for this query only.
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [str(TITLE_SIMILARITY_THRESHOLD)],
        )
        return list(
            articles.alias(plain_title=Unaccent("title"))
            .filter(plain_title__trigram_word_similar=query)
            .annotate(similarity=TrigramWordSimilarity(query, "plain_title"))
            .order_by("-similarity", "-published_at", "-pk")[:MAX_SIMILAR_TITLES]
        )


@dataclass
class Search:
    """What the list page needs to show for ?q=."""

    query: str
    also_searched: list[str] = field(default_factory=list)  # synonyms searched as well
    too_long: bool = False
    matches: Matches | None = None  # full-text hits (paginated by the view)
    similar: list[Article] = field(default_factory=list)  # title fallback when no hits


def run(text: str | None, articles: QuerySet[Article], language: str | None = None) -> Search:
    """Search `articles` for what the reader typed, in their language (the active one unless
    given); `articles` are those the reader may see in it (Article.objects.in_language)."""
    query = clean_query(text)
    if len(query) > MAX_QUERY_LENGTH:
        return Search(query=query[:MAX_QUERY_LENGTH], too_long=True)
    language = reader_language(language)
    also = [
        phrase
        for code in searched_languages(language)
        for phrase in expand(query, code).also_searched
        if not mentions(phrase, query)
    ]
    matches = full_text(query, articles, language)
    if matches.count():
        return Search(query=query, also_searched=list(dict.fromkeys(also)), matches=matches)
    return Search(
        query=query,
        also_searched=list(dict.fromkeys(also)),
        similar=similar_titles(query, articles),
    )


_WORD = re.compile(r"\w+")
_LEXEME = re.compile(r"'((?:[^']|'')+)'")
SNIPPET_WORDS = 30
SNIPPET_WORDS_BEFORE = 8


def _lexemes(terms: str | None) -> tuple[str, ...]:
    """The words of a query as Postgres stemmed them, from its querytree() text."""
    return tuple(dict.fromkeys(found.replace("''", "'") for found in _LEXEME.findall(terms or "")))


def _hit_pattern(lexemes: tuple[str, ...]) -> re.Pattern | None:
    """Words of unaccented text that a lexeme stands for. A Snowball stem is how its words
    begin ("stretch": stretches, stretching; "estir": estiramientos), except that English
    stems end in "i" where the word ends in "y" ("bodi": body); a stem of one or two letters
    stands for itself only."""
    alternatives = [
        re.escape(lexeme) + r"\b"
        if len(lexeme) < 3
        else re.escape(lexeme[:-1]) + r"[iy]\w*"
        if lexeme.endswith("i")
        else re.escape(lexeme) + r"\w*"
        for lexeme in sorted(lexemes, key=len, reverse=True)
    ]
    return re.compile(r"\b(?:" + "|".join(alternatives) + ")", re.IGNORECASE) if lexemes else None


def headline_for(text: str, lexemes: tuple[str, ...]) -> str:
    """About thirty words of the text around its first hit (from its start when there is none),
    each hit between MARK_START and MARK_END.

    Postgres's ts_headline() does this by parsing the whole text, about 1.5 ms for an article;
    here the hits are found on the unaccented text by their lexemes (see _hit_pattern)."""
    hits = _hit_pattern(lexemes)
    folded = _fold(text)
    first = hits.search(folded) if hits else None
    at = first.start() if first else 0
    before = list(_WORD.finditer(text, max(0, at - 40 * SNIPPET_WORDS_BEFORE), at))
    if before and before[0].start() > 0 and text[before[0].start() - 1].isalnum():
        before = before[1:]  # the first word was cut by the window
    start = before[-SNIPPET_WORDS_BEFORE:][0].start() if before else at
    words = list(itertools.islice(_WORD.finditer(text, start), SNIPPET_WORDS))
    if not words:
        return text
    end = words[-1].end()
    end += len(re.match(r"[.!?:;,)\]»”\"']*", text[end:]).group())
    shown, position = [], start
    for hit in hits.finditer(folded, start, end) if hits else ():
        shown += [text[position : hit.start()], MARK_START, text[hit.start() : hit.end()], MARK_END]
        position = hit.end()
    shown.append(text[position:end])
    return "".join(shown)


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
    before the article's last words). A headline starts and ends between words, so the
    comparison is by words."""
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
