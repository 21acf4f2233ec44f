import json

import pytest
from django.db import DatabaseError, OperationalError
from django.test import override_settings

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


@pytest.mark.parametrize("url", ["/", "/robots.txt", "/no-such-page/"])
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
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"


@override_settings(ALLOWED_HOSTS=["clinic.example"], SECURE_SSL_REDIRECT=True)
def test_healthz_answers_a_probe_at_the_containers_own_address_over_plain_http(client):
    """Compose and load balancers ask the container directly: by IP, without TLS."""
    response = client.get("/healthz", HTTP_HOST="172.18.0.5:8000")
    assert response.status_code == 200
    assert json.loads(response.content)["status"] == "ok"
    # Every other address still refuses that host.
    assert client.get("/", HTTP_HOST="172.18.0.5:8000").status_code == 400


def test_healthz_takes_no_other_method(client):
    assert client.post("/healthz").status_code != 200


def test_healthz_503_when_database_unreachable(client, monkeypatch, caplog):
    from django.db.backends.postgresql.base import DatabaseWrapper

    monkeypatch.setattr(DatabaseWrapper, "is_usable", lambda self: False)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "unavailable"
    assert "the database did not answer" in caplog.text


def test_healthz_replaces_a_kept_connection_the_server_dropped(client, monkeypatch):
    from django.db.backends.postgresql.base import DatabaseWrapper

    answers = iter([False, True])  # the kept connection is dead; a new one answers
    monkeypatch.setattr(DatabaseWrapper, "is_usable", lambda self: next(answers))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert next(answers, "asked twice") == "asked twice"


def test_healthz_503_when_no_connection_can_be_opened(client, monkeypatch, caplog):
    from django.db import connection
    from django.db.backends.postgresql.base import DatabaseWrapper

    def refuse(self, *args, **kwargs):
        raise OperationalError("connection refused")

    connection.close()
    monkeypatch.setattr(DatabaseWrapper, "get_new_connection", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["status"] == "error"
    assert "health check:" in caplog.text


def test_robots_txt_points_to_sitemap_and_hides_private_pages(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text and "Disallow: /intake/result/" in text
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in text


def test_a_visitor_switches_language_with_a_link_to_the_same_page(client):
    html = client.get("/intake/?step=1").content.decode()
    assert '<a href="/es/intake/?step=1" hreflang="es" lang="es">Español</a>' in html
    page = client.get("/es/intake/?step=1").content.decode()
    assert '<html lang="es">' in page
    assert '<a href="/intake/?step=1" hreflang="en" lang="en">English</a>' in page
    assert "Español</a>" not in page


def test_the_language_comes_from_the_address_alone(client):
    """Neither a cookie nor the browser's languages change a public page: its address does."""
    client.cookies["django_language"] = "es"
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="es")
    assert '<html lang="en">' in english.content.decode()
    assert english["Content-Language"] == "en"
    assert "Accept-Language" not in english.get("Vary", "")
    assert client.get("/es/")["Content-Language"] == "es"


def test_each_page_names_its_versions_in_both_languages(client):
    html = client.get("/es/services/").content.decode()
    assert '<link rel="alternate" hreflang="en" href="http://127.0.0.1:8000/services/">' in html
    assert '<link rel="alternate" hreflang="es" href="http://127.0.0.1:8000/es/services/">' in html
    assert (
        '<link rel="alternate" hreflang="x-default" href="http://127.0.0.1:8000/services/">' in html
    )


def test_no_public_page_sets_a_cookie_for_the_language_switch(client):
    for path in ("/", "/es/", "/services/", "/es/visit/"):
        response = client.get(path)
        assert not response.cookies, path
        assert "csrfmiddlewaretoken" not in response.content.decode(), path


def test_the_back_office_follows_the_browser_language(client):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="es")
    assert '<html lang="es"' in response.content.decode()
    assert "Accept-Language" in response["Vary"]
