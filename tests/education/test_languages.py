"""The articles in each language: Spanish pages list and show the Spanish rows, follow a
translation when there is one, and say so when there is none."""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from education.models import ReaderQuestion
from tests.education.sitemap_parts import sitemap_urls
from tests.factories import make_article, make_topic

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def hreflangs(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">', html))


def switch_links(html: str) -> list[tuple[str, str]]:
    nav = re.search(r'<nav class="language-switch".*?</nav>', html, flags=re.S)
    return re.findall(r'<a href="([^"]+)" hreflang="(\w+)"', nav.group(0)) if nav else []


@pytest.fixture
def library(db):
    care = make_topic("Self-care", slug="self-care", name_es="Autocuidado")
    stretches = make_article("Doorway stretch", slug="doorway-stretch", topics=[care], start_here=1)
    desk = make_article("Desk breaks", slug="desk-breaks", topics=[care], start_here=2)
    pillows = make_article("Pillow heights", slug="pillow-heights", topics=[care])
    return {
        "care": care,
        "stretches": stretches,
        "estiramiento": make_article(
            "Estiramiento en la puerta",
            slug="estiramiento-en-la-puerta",
            summary="Un estiramiento suave.",
            language="es",
            translation_of=stretches,
            topics=[care],
            start_here=1,
        ),
        "desk": desk,
        "pausas": make_article(
            "Pausas en el escritorio",
            slug="pausas-en-el-escritorio",
            language="es",
            translation_of=desk,
            topics=[care],
            start_here=2,
        ),
        "pillows": pillows,  # not translated
    }


# --- the list ---------------------------------------------------------------------------------


def test_the_spanish_list_shows_spanish_articles_and_marks_the_english_ones(client, library):
    html = html_of(client.get("/es/articles/"))

    assert '<html lang="es">' in html
    assert "Estiramiento en la puerta" in html and "Pausas en el escritorio" in html
    assert 'href="/es/articles/estiramiento-en-la-puerta/"' in html
    # the originals of translated articles are not offered a second time
    assert "Doorway stretch" not in html and "Desk breaks" not in html
    # an untranslated article: offered in English, said so, and marked as English text
    card = re.search(r'<article class="card article-card".*?</article>', html, flags=re.S)
    assert card and "Pillow heights" in card.group(0)
    assert 'href="/es/articles/pillow-heights/" lang="en">Pillow heights</a>' in card.group(0)
    assert '<span class="badge language-badge">En inglés</span>' in card.group(0)
    assert '<p lang="en">A short summary' in card.group(0)
    # the topics in Spanish, linking to the Spanish list
    assert 'href="/es/articles/?topic=self-care"' in html and "Autocuidado" in html
    assert 'rel="canonical" href="http://127.0.0.1:8000/es/articles/"' in html
    assert hreflangs(html) == {
        "en": f"{SITE}/articles/",
        "x-default": f"{SITE}/articles/",
        "es": f"{SITE}/es/articles/",
    }


def test_the_english_list_shows_only_english_articles(client, library):
    html = html_of(client.get("/articles/"))
    assert "Doorway stretch" in html and "Pillow heights" in html
    assert "Estiramiento" not in html and "Pausas" not in html
    assert "language-badge" not in html
    assert ">Self-care<" in html


def test_start_here_is_in_the_readers_language(client, library):
    html = html_of(client.get("/es/articles/"))
    start = re.search(r'<section class="start-here".*?</section>', html, flags=re.S).group(0)
    assert re.findall(r'class="start-here-link" href="([^"]+)"', start) == [
        "/es/articles/estiramiento-en-la-puerta/",
        "/es/articles/pausas-en-el-escritorio/",
    ]


def test_a_long_list_offers_a_few_page_links_not_one_per_page(client, settings, monkeypatch):
    from education import views

    monkeypatch.setattr(views, "ARTICLES_PER_PAGE", 1)
    for number in range(60):
        make_article(f"Article {number}", published_days_ago=number + 1)

    html = html_of(client.get("/articles/", {"page": 30}))

    pages = re.findall(r'<a class="page-link" href="\?page=(\d+)">', html)
    assert len(pages) < 15
    assert {"1", "2", "29", "31", "59", "60"} <= set(pages)
    assert '<span class="page-link" aria-current="page">30</span>' in html
    assert html.count('<li class="page-item disabled">') == 2  # the two gaps, as "…"


# --- one article ------------------------------------------------------------------------------


def test_a_spanish_article_in_spanish(client, library):
    html = html_of(client.get("/es/articles/estiramiento-en-la-puerta/"))

    assert '<h1 id="article-title">Estiramiento en la puerta</h1>' in html
    assert "article-language-notice" not in html
    assert '<div class="article-body">' in html
    assert (
        'rel="canonical" href="http://127.0.0.1:8000/es/articles/estiramiento-en-la-puerta/"'
        in html
    )
    # the switch and the alternates name the English original, not a translated address
    assert hreflangs(html) == {
        "en": f"{SITE}/articles/doorway-stretch/",
        "x-default": f"{SITE}/articles/doorway-stretch/",
        "es": f"{SITE}/es/articles/estiramiento-en-la-puerta/",
    }
    assert switch_links(html) == [("/articles/doorway-stretch/", "en")]
    assert 'content="es_US"' in html
    jsonld = json.loads(re.search(r'ld\+json">(.*?)</script>', html, flags=re.S).group(1))
    assert jsonld["inLanguage"] == "es"
    assert jsonld["url"] == f"{SITE}/es/articles/estiramiento-en-la-puerta/"
    # related and next in Spanish
    related = re.search(r'<section class="related-articles".*?</section>', html, flags=re.S)
    assert "Pausas en el escritorio" in related.group(0) and "Pillow heights" in related.group(0)
    assert "Desk breaks" not in related.group(0) and "Doorway" not in related.group(0)
    assert '<li lang="en"><a href="/es/articles/pillow-heights/">' in related.group(0)
    assert re.search(
        r'class="start-here-next">.*?href="/es/articles/pausas-en-el-escritorio/"', html, re.S
    )
    assert 'href="/es/articles/estiramiento-en-la-puerta/ask/"' in html


def test_the_english_original_switches_to_its_translation(client, library):
    html = html_of(client.get("/articles/doorway-stretch/"))
    assert switch_links(html) == [("/es/articles/estiramiento-en-la-puerta/", "es")]
    assert hreflangs(html)["es"] == f"{SITE}/es/articles/estiramiento-en-la-puerta/"
    jsonld = json.loads(re.search(r'ld\+json">(.*?)</script>', html, flags=re.S).group(1))
    assert jsonld["inLanguage"] == "en"


def test_an_english_address_under_es_goes_to_the_translation(client, library):
    response = client.get("/es/articles/doorway-stretch/")
    assert response.status_code in (301, 302)
    assert response["Location"] == "/es/articles/estiramiento-en-la-puerta/"


def test_a_spanish_address_under_english_goes_to_the_original(client, library):
    response = client.get("/articles/estiramiento-en-la-puerta/")
    assert response.status_code in (301, 302)
    assert response["Location"] == "/articles/doorway-stretch/"


def test_an_untranslated_article_under_es_is_english_with_a_notice(client, library):
    html = html_of(client.get("/es/articles/pillow-heights/"))

    assert '<html lang="es">' in html
    notice = re.search(r'<p class="alert alert-info article-language-notice"[^>]*>(.*?)</p>', html)
    assert notice and "todavía no está en español" in notice.group(1)
    assert html.index("article-language-notice") < html.index('id="article-title"')
    assert '<h1 id="article-title" lang="en">Pillow heights</h1>' in html
    assert '<div class="article-body" lang="en">' in html
    # search engines keep the English address; no Spanish version is claimed
    assert 'rel="canonical" href="http://127.0.0.1:8000/articles/pillow-heights/"' in html
    assert "es" not in hreflangs(html)


def test_the_switch_still_reaches_an_untranslated_article_in_the_other_language(client, library):
    """hreflang claims only real versions, but a reader may still switch: the other language's
    page shows the text with its notice."""
    english = html_of(client.get("/articles/pillow-heights/"))
    assert switch_links(english) == [("/es/articles/pillow-heights/", "es")]
    assert hreflangs(english) == {}
    spanish = html_of(client.get("/es/articles/pillow-heights/"))
    assert switch_links(spanish) == [("/articles/pillow-heights/", "en")]


def test_a_spanish_article_without_an_original_is_shown_in_english_with_a_notice(client):
    make_article("Sólo en español", slug="solo-en-espanol", language="es")

    html = html_of(client.get("/articles/solo-en-espanol/"))

    assert "This article is only available in Spanish for now." in html
    assert '<h1 id="article-title" lang="es">Sólo en español</h1>' in html
    assert '<div class="article-body" lang="es">' in html
    assert hreflangs(html) == {}  # one language only: no alternates, no switch


def test_a_draft_translation_is_not_followed_by_the_public(client, library):
    lonely = make_article("Lonely", slug="lonely")
    make_article(
        "Borrador", slug="borrador", language="es", translation_of=lonely, published_days_ago=None
    )

    html = html_of(client.get("/es/articles/lonely/"))

    assert "todavía no está en español" in html
    assert client.get("/es/articles/borrador/").status_code == 404
    assert "es" not in hreflangs(html_of(client.get("/articles/lonely/")))


def test_a_question_asked_in_spanish_is_recorded_in_spanish(client, library):
    import time

    from clinic.core.form_guard import stamp

    response = client.post(
        "/es/articles/estiramiento-en-la-puerta/ask/",
        {
            "started": stamp(time.time() - 60),
            "name": "Ana",
            "email": "ana@example.com",
            "question": "¿Puedo hacerlo todos los días?",
            "website": "",
        },
    )

    assert response["Location"] == "/es/articles/estiramiento-en-la-puerta/ask/?sent=1"
    question = ReaderQuestion.objects.get()
    assert question.language == "es" and question.article == library["estiramiento"]


# --- feed and sitemap -------------------------------------------------------------------------


def test_each_language_has_its_own_feed(client, library):
    english = ET.fromstring(client.get("/articles/feed/").content).find("channel")
    spanish = ET.fromstring(client.get("/es/articles/feed/").content).find("channel")

    assert english.findtext("language") == "en" and spanish.findtext("language") == "es"
    assert {item.findtext("title") for item in english.findall("item")} == {
        "Doorway stretch",
        "Desk breaks",
        "Pillow heights",
    }
    assert {item.findtext("link") for item in spanish.findall("item")} == {
        f"{SITE}/es/articles/estiramiento-en-la-puerta/",
        f"{SITE}/es/articles/pausas-en-el-escritorio/",
    }
    assert spanish.findtext("link") == f"{SITE}/es/articles/"


def sitemap_entries(client) -> dict[str, dict[str, str]]:
    return {
        url.findtext(f"{SITEMAP}loc"): {
            link.get("hreflang"): link.get("href") for link in url.iter(f"{XHTML}link")
        }
        for url in sitemap_urls(client)
    }


def test_the_sitemap_names_each_article_in_each_of_its_languages(client, library):
    entries = sitemap_entries(client)

    pair = {
        "en": f"{SITE}/articles/doorway-stretch/",
        "es": f"{SITE}/es/articles/estiramiento-en-la-puerta/",
        "x-default": f"{SITE}/articles/doorway-stretch/",
    }
    assert entries[f"{SITE}/articles/doorway-stretch/"] == pair
    assert entries[f"{SITE}/es/articles/estiramiento-en-la-puerta/"] == pair
    # an untranslated article exists in English only
    assert entries[f"{SITE}/articles/pillow-heights/"] == {
        "en": f"{SITE}/articles/pillow-heights/",
        "x-default": f"{SITE}/articles/pillow-heights/",
    }
    assert f"{SITE}/es/articles/pillow-heights/" not in entries
    assert f"{SITE}/es/articles/doorway-stretch/" not in entries
    # the fixed pages and topics in both languages
    assert entries[f"{SITE}/es/articles/"]["en"] == f"{SITE}/articles/"
    assert f"{SITE}/es/" in entries and f"{SITE}/es/articles/?topic=self-care" in entries


def test_a_spanish_article_without_a_public_original_is_in_the_sitemap_alone(client):
    make_article("Sólo en español", slug="solo-en-espanol", language="es")
    entries = sitemap_entries(client)
    assert entries[f"{SITE}/es/articles/solo-en-espanol/"] == {
        "es": f"{SITE}/es/articles/solo-en-espanol/"
    }
    assert f"{SITE}/articles/solo-en-espanol/" not in entries


# --- bounded queries --------------------------------------------------------------------------


@pytest.fixture
def big_library(db):
    topics = [make_topic(name_es=f"Tema {number}") for number in range(4)]
    for number in range(30):
        original = make_article(
            f"Article {number}", topics=topics[number % 4 :], published_days_ago=number + 1
        )
        if number % 3:
            make_article(
                f"Artículo {number}",
                language="es",
                translation_of=original,
                topics=topics[number % 4 :],
                published_days_ago=number + 1,
            )


def warm_and_count(client, url, django_assert_max_num_queries, limit):
    assert client.get(url).status_code == 200  # warms the clinic settings cache
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200


def test_spanish_pages_do_not_grow_with_the_library(
    client, big_library, django_assert_max_num_queries, settings
):
    from education.models import Article

    settings.PAGE_CACHE_ENABLED = False  # the rendering's queries, not the cache's

    spanish = Article.objects.filter(language="es").first()
    untranslated = Article.objects.filter(language="en", translations__isnull=True).first()
    warm_and_count(client, "/es/articles/", django_assert_max_num_queries, 5)
    warm_and_count(client, "/es/articles/?page=2", django_assert_max_num_queries, 5)
    warm_and_count(client, spanish.get_absolute_url(), django_assert_max_num_queries, 7)
    warm_and_count(client, f"/es/articles/{untranslated.slug}/", django_assert_max_num_queries, 7)
    warm_and_count(client, "/es/articles/feed/", django_assert_max_num_queries, 3)


def test_the_sitemap_costs_the_same_few_queries_however_many_articles(
    client, big_library, django_assert_max_num_queries, settings
):
    settings.PAGE_CACHE_ENABLED = False
    warm_and_count(client, "/sitemap.xml", django_assert_max_num_queries, 4)
    warm_and_count(client, "/sitemap-articles.xml", django_assert_max_num_queries, 4)
    entries = sitemap_entries(client)
    assert sum("/articles/article-" in loc or "/es/articles/" in loc for loc in entries) >= 50
