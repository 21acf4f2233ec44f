"""The menu and footer every page shares are rendered once per language and menu item and kept
in each process (templates/base.html): what a reader sees must not depend on the page before."""

import re

import pytest

from clinic.core.models import ClinicSettings

pytestmark = pytest.mark.django_db


def header(html: str) -> str:
    return re.search(r'<header class="site-header">.*?</header>', html, re.S).group(0)


def current_links(html: str) -> list[str]:
    return re.findall(r'<a[^>]*href="([^"]+)"[^>]*aria-current="page"', header(html))


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/", "/"),
        ("/es/", "/es/"),
        ("/articles/", "/articles/"),
        ("/articles/?topic=sleep", "/articles/"),
        ("/es/articles/", "/es/articles/"),
        ("/intake/", "/intake/"),
        ("/es/intake/", "/es/intake/"),
        ("/services/", "/services/"),
        ("/es/therapists/", "/es/therapists/"),
        ("/visit/", "/visit/"),
        ("/book/", "/book/"),
        ("/es/book/", "/es/book/"),
        ("/program/", None),
    ],
)
def test_the_menu_marks_this_pages_item_whatever_was_shown_before(client, path, current):
    for other in ("/", "/es/", "/services/", "/es/visit/", "/articles/", "/program/"):
        client.get(other)  # other pages' menus are kept by now
    html = client.get(path).content.decode()
    assert current_links(html) == ([current] if current else [])


def test_an_english_page_after_a_spanish_one_has_the_english_menu_and_footer(client):
    client.get("/es/services/")
    html = client.get("/services/").content.decode()
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
    assert 'href="/es/' not in nav and ">Articles</a>" in nav
    footer = re.search(r"<footer.*?</footer>", html, re.S).group(0)
    assert "Opening hours" in footer and 'href="/visit/"' in footer


def test_a_change_to_the_clinics_details_shows_in_the_header_and_footer_at_once(client):
    ClinicSettings.objects.update_or_create(pk=1, defaults={"name": "Knot Works"})
    client.get("/services/")
    ClinicSettings.objects.update_or_create(
        pk=1, defaults={"name": "Upper Back Studio", "phone": "(303) 555-0142"}
    )
    html = client.get("/services/").content.decode()
    assert '<span class="brand-name">Upper Back Studio</span>' in header(html)
    footer = re.search(r"<footer.*?</footer>", html, re.S).group(0)
    assert "Upper Back Studio" in footer and "(303) 555-0142" in footer
    assert "Knot Works" not in html


def test_what_a_process_keeps_is_built_once_shared_expires_and_is_bounded(monkeypatch):
    """kept_by_process keeps the value itself (a list of rows is not unpickled again on every
    page), until its seconds run out, and only the KEPT_ENTRIES most recently used."""
    from clinic.core import cache as kept

    clock = [500.0]
    monkeypatch.setattr(kept.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(kept, "KEPT_ENTRIES", 3)
    kept.forget_kept()
    built = []

    def build(name):
        built.append(name)
        return [name]

    first = kept.kept_by_process("a", lambda: build("a"), seconds=10)
    assert kept.kept_by_process("a", lambda: build("a again"), seconds=10) is first
    clock[0] += 10
    assert kept.kept_by_process("a", lambda: build("a later"), seconds=10) == ["a later"]
    for name in ("b", "c", "d"):
        kept.kept_by_process(name, lambda name=name: build(name))
    # "a" was the least recently used of four: gone; "b" stays.
    assert kept.kept_by_process("b", lambda: build("b again")) == ["b"]
    assert kept.kept_by_process("a", lambda: build("a gone")) == ["a gone"]
    assert built == ["a", "a later", "b", "c", "d", "a gone"]
    kept.forget_kept()
