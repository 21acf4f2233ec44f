import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from education import publishing, search
from education.models import Article
from tests.factories import make_article, make_topic

pytestmark = pytest.mark.django_db

FILLER = "Some words about muscles and daily habits. " * 5


def results(client, query: str, **params) -> str:
    response = client.get("/articles/", {"q": query, **params})
    assert response.status_code == 200
    return response.content.decode()


def titles_in_order(html: str, *titles: str) -> list[str]:
    found = [(html.find(title), title) for title in titles if title in html]
    return [title for _position, title in sorted(found)]


def test_stemming_finds_stretches_for_stretching(client):
    make_article("Gentle moves for the neck", body=FILLER + "Three stretches you can do at home.")
    make_article("Choosing a pillow", body=FILLER)

    html = results(client, "stretching")

    assert "Gentle moves for the neck" in html
    assert "Choosing a pillow" not in html
    assert "1 article matches" in html or "One article matches" in html


def test_a_title_hit_ranks_above_body_mentions(client):
    make_article("Desk habits", body=FILLER + " ".join(["Posture matters when you sit."] * 8))
    make_article("Posture and your upper back", body=FILLER)
    make_article("Sleep", summary="Posture in bed matters too.", body=FILLER)

    html = results(client, "posture")

    assert titles_in_order(html, "Desk habits", "Posture and your upper back", "Sleep") == [
        "Posture and your upper back",
        "Sleep",
        "Desk habits",
    ]


def test_typo_falls_back_to_similar_titles(client):
    make_article("Stress, breathing and shoulder tension", body=FILLER)
    make_article("Sleep positions and pillows", body=FILLER)

    html = results(client, "sholder")

    assert "No article contains “sholder”" in html
    assert "Stress, breathing and shoulder tension" in html
    assert "Sleep positions and pillows" not in html


def test_nothing_similar_gets_a_helpful_page(client):
    make_article("Stress, breathing and shoulder tension", body=FILLER)

    html = results(client, "xylophone")

    assert "Nothing found for “xylophone”" in html
    assert "check the spelling" in html


@pytest.mark.parametrize("query", ["", "   ", "\t"])
def test_an_empty_query_shows_the_normal_list(client, query):
    make_article("Gentle moves for the neck")
    html = results(client, query)
    assert "Gentle moves for the neck" in html
    assert "match" not in html


def test_a_very_long_query_gets_a_helpful_page_not_an_error(client):
    make_article("Gentle moves for the neck")
    html = results(client, "stretch " * 100)
    assert "longer than 200 characters" in html
    assert "Try two or three words" in html


@pytest.mark.parametrize("query", ['"unclosed', "a & | ! ( ) :*", "-", "or or", "<b>", "' OR 1=1"])
def test_odd_queries_never_fail(client, query):
    make_article("Gentle moves for the neck")
    assert client.get("/articles/", {"q": query}).status_code == 200


def test_snippet_highlights_the_hit_and_escapes_article_text(client):
    make_article(
        "Tools",
        body="Use a massage ball & a wall, <b>softly</b>: &lt;img src=x onerror=alert(1)&gt; ok.",
    )
    html = results(client, "massage ball")

    snippet = html[html.index('class="search-snippet"') :]
    snippet = snippet[: snippet.index("</p>")]
    assert "<mark>massage</mark> <mark>ball</mark> &amp; a wall" in snippet
    assert "<b>" not in snippet and "<img" not in snippet


def test_highlight_escapes_everything_but_the_marks():
    marked = f"{search.MARK_START}knot{search.MARK_END} <img src=x onerror=alert(1)>"
    assert str(search.highlight(marked)) == "<mark>knot</mark> &lt;img src=x onerror=alert(1)&gt;"
    unbalanced = f"{search.MARK_START}knot <i>"
    assert str(search.highlight(unbalanced)) == "knot &lt;i&gt;"


def test_the_index_follows_edits(client):
    article = make_article("Pillows", body=FILLER)
    assert "Pillows" not in results(client, "hammock")

    article.body = FILLER + "A hammock is not a good bed for a sore back."
    publishing.save_article(article)

    assert "Pillows" in results(client, "hammock")


def test_search_respects_the_topic_filter(client):
    care = make_topic("Self-care", slug="self-care")
    make_article("Stretches in the morning", topics=[care], body=FILLER)
    make_article("Stretches at night", body=FILLER)

    html = results(client, "stretches", topic="self-care")

    assert "Stretches in the morning" in html
    assert "Stretches at night" not in html


def test_a_word_in_more_articles_than_are_listed_says_so(client, monkeypatch):
    """Counting stops past LISTED_MATCHES (500): the page says "more than", lists that many,
    and its count reads no further."""
    monkeypatch.setattr(search, "LISTED_MATCHES", 3)
    for n in range(5):
        make_article(f"Stretches, part {n}", body=FILLER)
    with CaptureQueriesContext(connection) as captured:
        html = results(client, "stretches")
    assert "More than 3 articles match “stretches”: the first 3 are listed." in html
    assert len(re.findall(r"Stretches, part \d", html)) == 3
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(*)" in q["sql"]]
    assert len(counts) == 1 and "LIMIT 4" in counts[0] and "ORDER BY" not in counts[0]
    spanish = client.get("/es/articles/", {"q": "stretches"}).content.decode()
    assert "Más de 3 artículos coinciden con “stretches”" in spanish


def test_drafts_and_future_articles_are_never_found(client):
    make_article("Hidden stretches draft", published_days_ago=None)
    make_article("Hidden stretches later", published_days_ago=-1)

    assert "Hidden stretches" not in results(client, "stretches")
    assert "Hidden stretches" not in results(client, "hiden stretches")


def test_the_search_vector_is_stored_and_the_query_uses_it():
    article = make_article("Pillows")
    assert Article.objects.get(pk=article.pk).search_vector
    with CaptureQueriesContext(connection) as queries:
        matches = search.full_text("pillow", Article.objects.published())
        assert [found.pk for found in matches[0:10]] == [article.pk]
    count, ids, page = (query["sql"] for query in queries.captured_queries)
    for sql in (count, ids):
        assert '"search_vector" @@' in sql
    for sql in (count, ids, page):
        assert "to_tsvector" not in sql
        # Snippets are made for the page shown, in Python: ts_headline reads whole articles.
        assert "ts_headline" not in sql


def test_an_article_titled_for_a_word_beats_a_body_that_pairs_the_words(client):
    make_article(
        "Muscle balance",
        body=FILLER + "For the chest, try the doorway stretch. " + FILLER,
    )
    make_article(
        "At-home stretches",
        body=FILLER + "Stand in a doorway. " + FILLER * 3 + "Hold it.",
    )

    html = results(client, "doorway stretch")

    assert titles_in_order(html, "Muscle balance", "At-home stretches") == [
        "At-home stretches",
        "Muscle balance",
    ]


def test_a_query_with_a_nul_character_is_a_normal_page(client):
    assert client.get("/articles/?q=%00").status_code == 200
    assert client.get("/articles/?q=neck%00pain").status_code == 200


# --- other words for the same thing -----------------------------------------------------------

BALL = "Lean on a massage ball against the wall to press a knot gently."
ROLLER = "Lie on a foam roller across your upper back."
BLADE = "The knot sits beside your shoulder blade."


@pytest.fixture
def tools(db):
    return {
        "ball": make_article("Pressure tools", body=FILLER + BALL),
        "roller": make_article("Rolling the upper back", body=FILLER + ROLLER),
        "blade": make_article("Where knots sit", body=FILLER + BLADE),
        "other": make_article("Choosing a pillow", body=FILLER),
    }


@pytest.mark.parametrize(
    ("query", "found", "also"),
    [
        ("tennis ball", "Pressure tools", "massage ball"),
        ("lacrosse ball", "Pressure tools", "massage ball"),
        ("Tennis balls", "Pressure tools", "massage ball"),
        ("massage ball", "Pressure tools", "tennis ball"),
        ("foam roller", "Rolling the upper back", None),
        ("roller", "Rolling the upper back", "foam roller"),
        ("scapula", "Where knots sit", "shoulder blade"),
        ("shoulder blades", "Where knots sit", "scapula"),
    ],
)
def test_other_words_for_the_same_thing_find_the_article(client, tools, query, found, also):
    html = results(client, query)

    assert found in html
    assert "Choosing a pillow" not in html
    assert "Nothing found" not in html
    if also:
        status = html[html.index('class="search-status"') :]
        status = status[: status.index("</div>")]
        assert "We also looked for:" in status and also in status


def test_a_synonym_is_highlighted_in_the_snippet(client, tools):
    html = results(client, "tennis ball")
    snippet = html[html.index('class="search-snippet"') :]
    assert "<mark>massage</mark> <mark>ball</mark>" in snippet[: snippet.index("</p>")]


def test_a_synonym_combines_with_the_other_words(client, tools):
    make_article("Balls for the feet", body=FILLER + "A massage ball under the foot.")

    html = results(client, "tennis ball wall")

    assert "Pressure tools" in html  # massage ball AND wall
    assert "Balls for the feet" not in html  # massage ball, but no wall


def test_knot_and_trigger_point_are_the_same_search(client):
    make_article("Myofascial spots", body=FILLER + "A trigger point can send pain elsewhere.")

    assert "Myofascial spots" in results(client, "knots")
    assert "Myofascial spots" in results(client, '"knot"')


@pytest.mark.parametrize("query", ['"tennis ball"', "-tennis ball", "tennis ball or or", "ball"])
def test_odd_synonym_queries_never_fail(client, tools, query):
    assert client.get("/articles/", {"q": query}).status_code == 200


def test_expand_finds_groups_longest_phrase_first():
    expanded = search.expand("Foam Roller and tennis  balls for my scapula")
    assert expanded.rest == "and for my"
    assert expanded.groups == (
        ("foam roller", "roller"),
        ("massage ball", "tennis ball", "lacrosse ball"),
        ("shoulder blade", "scapula", "scapulae"),
    )


# --- snippets ---------------------------------------------------------------------------------


def test_a_snippet_cut_from_the_middle_ends_and_starts_with_an_ellipsis(client):
    long_body = FILLER * 4 + "Warmth can soften a stubborn knot before a stretch. " + FILLER * 4
    make_article("Heat packs", summary="A summary about heat.", body=long_body)

    html = results(client, "stubborn")
    snippet = html[html.index('class="search-snippet">') + len('class="search-snippet">') :]
    snippet = snippet[: snippet.index("</p>")]

    assert "<mark>stubborn</mark>" in snippet
    assert snippet.startswith("… ")
    assert snippet.endswith("…")


def test_a_snippet_that_shows_the_whole_text_has_no_ellipsis(client):
    make_article("Short one", summary="Warm showers help.", body="Warm showers ease a knot.")

    html = results(client, "showers")
    snippet = html[html.index('class="search-snippet">') + len('class="search-snippet">') :]
    snippet = snippet[: snippet.index("</p>")]

    assert "…" not in snippet
    assert snippet.startswith("Warm <mark>showers</mark> help.")


def test_snippet_function_marks_cuts():
    marked = f"the {search.MARK_START}knot{search.MARK_END} eases"
    assert str(search.snippet(marked, summary="About knots.", text_end="more text after")) == (
        "… the <mark>knot</mark> eases…"
    )
    assert str(search.snippet(marked, summary="the knot eases", text_end="the knot eases")) == (
        "the <mark>knot</mark> eases"
    )


def marked(headline: str) -> str:
    return headline.replace(search.MARK_START, "[").replace(search.MARK_END, "]")


def test_a_headline_shows_the_words_around_the_first_hit():
    text = " ".join(f"w{number}" for number in range(100)) + " Knots ease. " + "tail " * 100

    headline = marked(search.headline_for(text, ("knot",)))

    words = headline.split()
    assert words[: search.SNIPPET_WORDS_BEFORE + 1] == [f"w{n}" for n in range(92, 100)] + [
        "[Knots]"
    ]
    assert "[Knots] ease." in headline
    assert len(words) == search.SNIPPET_WORDS


def test_a_headline_marks_every_form_of_the_stem_and_nothing_inside_words():
    text = "Stretching daily: one stretch, two stretches; the whole body; outstretched arms."

    assert marked(search.headline_for(text, ("stretch", "bodi"))) == (
        "[Stretching] daily: one [stretch], two [stretches]; the whole [body]; outstretched arms."
    )


def test_a_headline_marks_accented_words_for_plain_lexemes_and_keeps_the_accents():
    text = "El músculo trapecio y los MÚSCULOS del cuello; un musculito."

    assert marked(search.headline_for(text, ("muscul",))) == (
        "El [músculo] trapecio y los [MÚSCULOS] del cuello; un [musculito]."
    )


def test_a_headline_without_a_hit_starts_at_the_beginning_and_short_lexemes_match_whole_words():
    text = "A summary first. " + "words " * 50

    assert marked(search.headline_for(text, ("zz",))).startswith("A summary first. words")
    assert marked(search.headline_for("ab abc ab.", ("ab",))) == "[ab] abc [ab]."


# --- when nothing is found --------------------------------------------------------------------


def test_no_results_page_is_kind_and_offers_where_to_start_and_a_therapist(client):
    first = make_article("What knots are", start_here=1, body=FILLER)
    make_article("Why knots form", start_here=2, body=FILLER)
    make_article("Unrelated", body=FILLER)

    html = results(client, "xylophone")

    assert "Nothing found for “xylophone”" in html
    assert "Sorry, none of our articles uses those words." in html
    assert re.search(
        r'<img src="/static/img/illustrations/empty-search\.svg" alt="" width="\d+" height="\d+"'
        r' loading="lazy" decoding="async"',
        html,
    )
    suggestions = html[html.index('id="suggestions-title"') :]
    assert suggestions.index("What knots are") < suggestions.index("Why knots form")
    assert "Unrelated" not in suggestions
    assert "min read" in suggestions
    assert f'href="{reverse("education:ask", kwargs={"slug": first.slug})}"' in html
    assert "Ask a therapist" in html


def test_no_results_without_start_here_articles_still_offers_a_therapist(client):
    article = make_article("Only one", body=FILLER)
    html = results(client, "xylophone")
    assert 'id="suggestions-title"' not in html
    assert f'href="{reverse("education:ask", kwargs={"slug": article.slug})}"' in html


# --- the real articles, as the demo loads them ------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tennis ball", {"at-home-stretches-for-upper-back-knots"}),
        ("lacrosse ball", {"at-home-stretches-for-upper-back-knots"}),
        (
            "foam roller",
            {
                "at-home-stretches-for-upper-back-knots",
                "massage-safety-blood-thinners-bones-pregnancy",
            },
        ),
        ("shoulder blade", {"what-are-upper-back-knots"}),
        ("scapula", {"what-are-upper-back-knots"}),
        ("trigger point", {"what-are-upper-back-knots"}),
    ],
)
def test_the_demo_articles_are_found_by_the_words_readers_use(query, expected):
    from education import demo

    demo.seed()
    found = search.run(query, Article.objects.published().in_language("en"))

    assert found.matches is not None, query
    slugs = [article.slug for article in found.matches[0:50]]
    assert expected <= set(slugs), (query, slugs)


def test_the_article_that_teaches_the_massage_ball_comes_first_for_a_tennis_ball():
    from education import demo

    demo.seed()
    for query in ("tennis ball", "massage ball", "lacrosse balls"):
        found = search.run(query, Article.objects.published().in_language("en"))
        assert found.matches[0:1][0].slug == "at-home-stretches-for-upper-back-knots", query
