import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.education.sitemap_parts import part_addresses, sitemap_locations
from tests.factories import make_article, make_topic

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def articles(db):
    shown = make_topic("Self-care", slug="self-care")
    hidden = make_topic("Hidden topic", slug="hidden-topic")
    return {
        "live": make_article("Live article", topics=[shown], published_days_ago=2),
        "newer": make_article("Newer <article> & more", published_days_ago=1),
        "draft": make_article("Draft article", topics=[hidden], published_days_ago=None),
        "later": make_article("Scheduled article", topics=[hidden], published_days_ago=-1),
    }


def test_feed_is_rss_of_published_articles_newest_first(client, articles):
    response = client.get("/articles/feed/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [
        "Newer <article> & more",
        "Live article",
    ]
    live = items[1]
    assert live.findtext("link") == f"http://127.0.0.1:8000/articles/{articles['live'].slug}/"
    assert live.findtext("description") == articles["live"].summary
    assert live.findtext("category") == "Self-care"
    assert channel.findtext("link") == "http://127.0.0.1:8000/articles/"


def test_each_item_names_its_topics_in_the_feeds_language_in_order(client):
    care = make_topic("Self-care", slug="self-care", name_es="Autocuidado")
    basics = make_topic("Basics", slug="basics", name_es="Lo básico")
    make_article("Knots, explained", topics=[care, basics])
    make_article("Estiramientos", topics=[care], language="es")
    make_article("Without a topic")
    english = ET.fromstring(client.get("/articles/feed/").content).find("channel")
    by_title = {i.findtext("title"): i for i in english.findall("item")}
    assert [c.text for c in by_title["Knots, explained"].findall("category")] == [
        "Basics",
        "Self-care",
    ]
    assert by_title["Without a topic"].findall("category") == []
    spanish = ET.fromstring(client.get("/es/articles/feed/").content).find("channel")
    (item,) = spanish.findall("item")
    assert [c.text for c in item.findall("category")] == ["Autocuidado"]


def test_the_feed_reads_no_article_text(client, articles):
    """An item shows a summary: the article's text and page (many times larger, and at a
    library's size most of what the feed's query would carry) are not read."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/articles/feed/")
    assert response.status_code == 200
    read = " ".join(q["sql"] for q in captured.captured_queries if "education_article" in q["sql"])
    assert '"education_article"."summary"' in read
    for column in ("body", "body_html", "body_text", "toc", "search_vector"):
        assert f'"education_article"."{column}"' not in read


def test_sitemap_lists_static_pages_published_articles_and_topics(client, articles):
    locations = sitemap_locations(client)
    site = "http://127.0.0.1:8000"
    for path in ["/", "/articles/", "/intake/", "/book/"]:
        assert site + path in locations
    assert f"{site}/articles/{articles['live'].slug}/" in locations
    assert f"{site}/articles/{articles['newer'].slug}/" in locations
    assert f"{site}/articles/?topic=self-care" in locations
    assert not any("draft" in loc or "hidden-topic" in loc for loc in locations)
    assert f"{site}/articles/{articles['later'].slug}/" not in locations
    assert f"{site}/articles/{articles['draft'].slug}/" not in locations


def test_sitemap_and_feed_use_site_url_not_the_request_host(client, articles, settings):
    settings.SITE_URL = "https://clinic.example"
    settings.ALLOWED_HOSTS = ["evil.example", "testserver"]

    index = part_addresses(client, HTTP_HOST="evil.example")
    sitemap = client.get("/sitemap-articles.xml", HTTP_HOST="evil.example").content.decode()
    feed = client.get("/articles/feed/", HTTP_HOST="evil.example").content.decode()

    assert index and all(address.startswith("https://clinic.example/sitemap-") for address in index)
    assert "https://clinic.example/articles/" in sitemap and "evil.example" not in sitemap
    assert "https://clinic.example/articles/" in feed
    assert "evil.example/articles/" not in feed


def test_robots_txt_points_at_the_sitemap(client):
    assert (
        "Sitemap: http://127.0.0.1:8000/sitemap.xml" in client.get("/robots.txt").content.decode()
    )


def test_sitemap_lists_the_clinic_pages_and_leaves_out_pages_not_served(
    client, articles, monkeypatch
):
    from education.sitemaps import StaticPageSitemap

    monkeypatch.setattr(StaticPageSitemap, "PAGES", [*StaticPageSitemap.PAGES, "no-such-page"])
    locations = sitemap_locations(client)
    site = "http://127.0.0.1:8000"
    for path in ["/services/", "/therapists/", "/visit/", "/es/services/", "/es/visit/"]:
        assert site + path in locations
    assert not [loc for loc in locations if "no-such-page" in loc]
    assert len(StaticPageSitemap().items()) == len(StaticPageSitemap.PAGES) - 1


def test_the_sitemap_is_an_index_of_parts_small_enough_to_keep(client, articles, monkeypatch):
    from education.sitemaps import ArticleSitemap

    make_article("Third public article", published_days_ago=3)
    monkeypatch.setattr(ArticleSitemap, "limit", 2)  # three articles: two parts
    site = "http://127.0.0.1:8000"
    assert part_addresses(client) == [
        f"{site}/sitemap-pages.xml",
        f"{site}/sitemap-articles.xml",
        f"{site}/sitemap-articles.xml?p=2",
        f"{site}/sitemap-topics.xml",
    ]
    articles_listed = [loc for loc in sitemap_locations(client) if "/articles/" in loc]
    articles_listed = [
        loc for loc in articles_listed if "?topic=" not in loc and not loc.endswith("/articles/")
    ]
    assert len(articles_listed) == len(set(articles_listed)) == 3


@pytest.mark.parametrize("path", ["/sitemap-nothing.xml", "/sitemap-articles.xml?p=9"])
def test_a_sitemap_part_that_does_not_exist_is_not_found(client, articles, path):
    assert client.get(path).status_code == 404


def test_the_sitemap_index_is_not_itself_indexed(client, articles):
    assert "noindex" in client.get("/sitemap.xml")["X-Robots-Tag"]
