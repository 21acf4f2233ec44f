import json

import pytest
from django.db import DatabaseError

from clinic.core.models import ClinicSettings
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_home_shows_clinic_name_and_three_ways_in(client):
    ClinicSettings.objects.update_or_create(pk=1, defaults={"name": "Quiet Hands Studio"})
    make_article("What knots are")
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in html and "Quiet Hands Studio" in html
    for href in ('href="/articles/"', 'href="/intake/"', 'href="/book/"'):
        assert html.count(href) >= 2, f"{href} missing from navigation or the ways in"


def test_base_layout_has_skip_link_landmarks_and_disclaimer(client):
    html = client.get("/").content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    for landmark in ("<header", "<nav", "<footer"):
        assert landmark in html
    assert "call 911" in html
    assert "(555) 010-0100" in html  # the demo default contact details in the footer


def test_footer_follows_clinic_settings_edited_in_admin(client):
    ClinicSettings.objects.update_or_create(pk=1, defaults={"phone": "(555) 222-3333"})
    assert "(555) 222-3333" in client.get("/").content.decode()


def test_page_costs_at_most_two_queries(client, django_assert_max_num_queries):
    # The frame (header, footer) costs nothing once the settings are cached; the home page's
    # own rows are bounded in test_front_pages.py.
    client.get("/visit/")  # warm the settings cache, as on any running site
    with django_assert_max_num_queries(2):
        client.get("/visit/")


@pytest.mark.parametrize("url", ["/", "/healthz", "/robots.txt", "/no-such-page/"])
def test_csp_header_on_every_page(client, url):
    policy = client.get(url)["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_404_page_in_site_style(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We could not find that page" in html
    assert '<a class="skip-link"' in html


def test_500_page_renders_without_database(client, monkeypatch):
    from clinic import views

    def broken(*args, **kwargs):
        raise DatabaseError("database is down")

    monkeypatch.setattr(ClinicSettings, "load", classmethod(broken))
    response = views.server_error(None)
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_503_when_database_unreachable(client, monkeypatch):
    from django.db.backends.postgresql.base import DatabaseWrapper

    def refuse(self, *args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(DatabaseWrapper, "create_cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "unavailable"


def test_robots_txt_points_to_sitemap_and_hides_private_pages(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text and "Disallow: /intake/result/" in text
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in text


def test_a_visitor_can_switch_to_spanish_without_javascript(client):
    html = client.get("/").content.decode()
    assert '<button type="submit" name="language" value="es" lang="es">Español</button>' in html
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/intake/?step=1"})
    assert response["Location"] == "/intake/?step=1"
    page = client.get("/").content.decode()
    assert '<html lang="es">' in page
    assert 'value="en" lang="en">English</button>' in page
