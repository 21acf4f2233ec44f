import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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

    assert "No article matches “xylophone”" in html
    assert "Check the spelling" in html


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


def test_drafts_and_future_articles_are_never_found(client):
    make_article("Hidden stretches draft", published_days_ago=None)
    make_article("Hidden stretches later", published_days_ago=-1)

    assert "Hidden stretches" not in results(client, "stretches")
    assert "Hidden stretches" not in results(client, "hiden stretches")


def test_the_search_vector_is_stored_and_the_query_uses_it():
    article = make_article("Pillows")
    assert Article.objects.get(pk=article.pk).search_vector
    with CaptureQueriesContext(connection) as queries:
        list(search.full_text("pillow", Article.objects.published()))
    sql = queries.captured_queries[-1]["sql"]
    assert '"search_vector" @@' in sql
    assert "to_tsvector" not in sql


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
