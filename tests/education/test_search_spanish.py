"""Search for a Spanish reader: Spanish stemming without accents or case mattering, Spanish
synonyms and typos, and the English articles offered until they are translated."""

import pytest
from django.urls import reverse
from django.utils import translation

from education import search
from education.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db

RELLENO = "Unas palabras sobre la postura y los hábitos de cada día. " * 5
FILLER = "Some words about posture and daily habits. " * 5


def spanish_list() -> str:
    with translation.override("es"):
        return reverse("education:article_list")


def spanish_results(client, query: str) -> str:
    response = client.get(spanish_list(), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def spanish_article(title: str, body: str, **fields) -> Article:
    return make_article(title, language="es", body=body, **fields)


def found_titles(query: str, language: str = "es") -> list[str]:
    found = search.run(query, Article.objects.published().in_language(language), language)
    if found.matches is None:
        return []
    return [article.title for article in found.matches[0:50]]


@pytest.fixture
def muscles(db):
    return {
        "trapecio": spanish_article(
            "El trapecio y sus nudos", RELLENO + "Un músculo tenso tira del cuello."
        ),
        "almohada": spanish_article("Elegir una almohada", RELLENO),
    }


@pytest.mark.parametrize("query", ["musculo", "músculo", "MÚSCULO", "Músculo", "MUSCULOS"])
def test_accents_and_case_do_not_change_what_a_spanish_search_finds(client, muscles, query):
    html = spanish_results(client, query)

    assert "El trapecio y sus nudos" in html
    assert "Elegir una almohada" not in html


def test_accented_and_plain_queries_give_the_same_articles_in_the_same_order(muscles):
    spanish_article("Músculos de la espalda", RELLENO + "Cada músculo trabaja con otro.")
    expected = found_titles("músculo")

    assert len(expected) == 2
    for query in ("musculo", "MÚSCULO", "Músculo", "MuScUlO"):
        assert found_titles(query) == expected, query


def test_a_plain_query_marks_the_accented_word_in_the_snippet(client, muscles):
    html = spanish_results(client, "musculo")

    snippet = html[html.index('class="search-snippet"') :]
    assert "<mark>músculo</mark>" in snippet[: snippet.index("</p>")]


def test_spanish_words_are_stemmed(client):
    spanish_article("Estiramientos suaves para el cuello", RELLENO + "Estire despacio.")
    spanish_article("Dormir mejor", RELLENO)

    for query in ("estiramiento", "estiramientos", "ESTIRAMIENTO"):
        html = spanish_results(client, query)
        assert "Estiramientos suaves para el cuello" in html, query
        assert "Dormir mejor" not in html, query


def test_a_spanish_reader_gets_the_translation_not_its_english_original(client):
    original = make_article("Gentle stretches for the neck", body=FILLER + "Stretch slowly.")
    spanish_article(
        "Estiramientos suaves para el cuello",
        RELLENO + "Estire despacio.",
        translation_of=original,
    )

    assert found_titles("estiramientos") == ["Estiramientos suaves para el cuello"]
    # The English words of a translated article do not bring back its original.
    assert "Gentle stretches for the neck" not in spanish_results(client, "stretches")
    assert found_titles("stretches") == []
    # And an English reader never gets the Spanish version.
    assert found_titles("estiramientos", "en") == []
    assert found_titles("stretches", "en") == ["Gentle stretches for the neck"]


def test_an_untranslated_english_article_is_found_by_its_english_words(client):
    make_article("Foam rolling the upper back", body=FILLER + "Stretching after rolling helps.")
    spanish_article("Estiramientos suaves para el cuello", RELLENO + "Estire despacio.")

    html = spanish_results(client, "stretching")  # English stemming for the English article

    assert "Foam rolling the upper back" in html
    assert "Estiramientos suaves para el cuello" not in html
    assert found_titles("estiramiento") == ["Estiramientos suaves para el cuello"]


@pytest.mark.parametrize("query", ["estiramento", "ESTIRAMENTO", "estiramientso", "Estíramentos"])
def test_a_spanish_typo_falls_back_to_similar_titles_accents_aside(client, query):
    spanish_article("Estiramientos en casa para la espalda", RELLENO)
    spanish_article("Posiciones para dormir", RELLENO)

    found = search.run(query, Article.objects.published().in_language("es"), "es")

    assert found.matches is None
    assert [article.title for article in found.similar] == ["Estiramientos en casa para la espalda"]


def test_a_typo_without_the_accent_finds_the_accented_title(client):
    spanish_article("Cómo se forma un nudo en el músculo", RELLENO)

    found = search.run("musculp", Article.objects.published().in_language("es"), "es")

    assert [article.title for article in found.similar] == ["Cómo se forma un nudo en el músculo"]
    assert "Cómo se forma un nudo en el músculo" in spanish_results(client, "musculp")


@pytest.fixture
def herramientas(db):
    return {
        "pelota": spanish_article(
            "Herramientas de presión",
            RELLENO + "Apóyese en una pelota de masaje contra la pared.",
        ),
        "rodillo": spanish_article(
            "Rodar la espalda", RELLENO + "Túmbese sobre un rodillo de espuma."
        ),
        "omoplato": spanish_article(
            "Dónde salen los nudos", RELLENO + "El nudo está junto al omóplato."
        ),
        "otro": spanish_article("Elegir una almohada", RELLENO),
    }


@pytest.mark.parametrize(
    ("query", "found", "also"),
    [
        ("pelota de tenis", "Herramientas de presión", "pelota de masaje"),
        ("Pelotas de lacrosse", "Herramientas de presión", "pelota de masaje"),
        ("rodillo", "Rodar la espalda", "rodillo de espuma"),
        ("escápula", "Dónde salen los nudos", "omóplato"),
        ("escapula", "Dónde salen los nudos", "omóplato"),
        ("paletillas", "Dónde salen los nudos", "omóplato"),
        ("contractura", "Dónde salen los nudos", "nudo"),
        ("punto gatillo", "Dónde salen los nudos", "nudo"),
    ],
)
def test_spanish_synonyms_find_the_article(client, herramientas, query, found, also):
    result = search.run(query, Article.objects.published().in_language("es"), "es")

    titles = [article.title for article in result.matches[0:10]]
    assert found in titles
    assert "Elegir una almohada" not in titles
    assert also in result.also_searched
    assert found in spanish_results(client, query)


def test_synonyms_follow_the_language_searched(herramientas):
    make_article("Pressure tools", body=FILLER + "Lean on a massage ball against the wall.")

    spanish = search.run("pelota de tenis", Article.objects.published().in_language("es"), "es")
    english = search.run("tennis ball", Article.objects.published().in_language("en"), "en")

    assert [article.title for article in spanish.matches[0:10]] == ["Herramientas de presión"]
    assert "pelota de masaje" in spanish.also_searched
    assert "massage ball" not in spanish.also_searched
    assert [article.title for article in english.matches[0:10]] == ["Pressure tools"]
    assert english.also_searched == ["massage ball", "lacrosse ball"]


def test_a_spanish_synonym_is_marked_in_the_snippet(client, herramientas):
    html = spanish_results(client, "pelota de tenis")

    snippet = html[html.index('class="search-snippet"') :]
    assert "<mark>pelota</mark> de <mark>masaje</mark>" in snippet[: snippet.index("</p>")]


def test_expand_reads_spanish_groups_whatever_the_accents_and_plurals():
    expanded = search.expand("Pelotas de Tenis y ESCAPULAS, rodillos de espuma", "es")

    assert expanded.rest == "y ,"
    assert expanded.groups == (
        ("pelota de masaje", "pelota de tenis", "pelota de lacrosse"),
        ("omóplato", "escápula", "paletilla"),
        ("rodillo de espuma", "rodillo"),
    )


def test_the_language_comes_from_the_page_unless_given():
    assert search.reader_language("es") == "es"
    assert search.reader_language("es-mx") == "es"
    assert search.reader_language("fr") == "en"
    with translation.override("es"):
        assert search.reader_language() == "es"
    with translation.override("en"):
        assert search.reader_language() == "en"


def test_spanish_article_text_is_escaped_in_the_snippet(client):
    spanish_article(
        "Herramientas",
        "Use una pelota de masaje & una pared, <b>suave</b>: <img src=x onerror=alert(1)> bien.",
    )

    html = spanish_results(client, "pelota de masaje")

    snippet = html[html.index('class="search-snippet"') :]
    snippet = snippet[: snippet.index("</p>")]
    assert "<mark>pelota</mark> de <mark>masaje</mark> &amp; una pared" in snippet
    assert "<b>" not in snippet and "<img" not in snippet


@pytest.mark.parametrize("query", ['"sin cerrar', "año & | ! ( ) :*", "-", "ñ", "<b>", "á" * 300])
def test_odd_spanish_queries_never_fail(client, muscles, query):
    assert client.get(spanish_list(), {"q": query}).status_code == 200


def test_a_very_long_spanish_query_is_cut_and_explained():
    found = search.run("músculo " * 40, Article.objects.published().in_language("es"), "es")

    assert found.too_long
    assert len(found.query) == search.MAX_QUERY_LENGTH
    assert found.matches is None


def test_a_spanish_search_page_has_a_bounded_number_of_queries(
    client, herramientas, django_assert_max_num_queries
):
    for number in range(30):
        spanish_article(f"Pelota de masaje, sesión {number}", RELLENO)
    spanish_results(client, "pelota de tenis")  # warms the clinic's settings

    for query in ("pelota de tenis", "pelota", "masaje"):
        with django_assert_max_num_queries(8):
            page = spanish_results(client, query)
        assert page.count('class="search-snippet"') == 10, query  # a full page of results


# --- the real articles, as the demo loads them ------------------------------------------------

STRETCHES_ES = "estiramientos-en-casa-para-los-nudos-de-la-espalda"
KNOTS_ES = "que-son-los-nudos-en-la-parte-alta-de-la-espalda"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("pelota de tenis", STRETCHES_ES),
        ("pelotas de lacrosse", STRETCHES_ES),
        ("rodillo", STRETCHES_ES),
        ("escapula", KNOTS_ES),
        ("PUNTO GATILLO", KNOTS_ES),
        ("estiramiento", STRETCHES_ES),
    ],
)
def test_the_spanish_demo_articles_are_found_by_the_words_readers_use(query, expected):
    from education import demo

    demo.seed()
    found = search.run(query, Article.objects.published().in_language("es"), "es")

    assert found.matches is not None, query
    results = found.matches[0:50]
    assert expected in [article.slug for article in results], (query, results)
    # Every English demo article has a Spanish version: none of them is offered instead.
    assert {article.language for article in results} == {"es"}
