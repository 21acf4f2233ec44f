"""Drawings and callouts in articles: the project's own SVG files, sized from their viewBox,
loaded lazily, named for screen readers; nothing from another host; "Stop if" as a callout."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage

from education import figures, rendering
from education.rendering import ImageError, body_parts, for_display, render_markdown

STATIC = Path(__file__).resolve().parents[2] / "static"


@pytest.fixture
def drawings(tmp_path, settings):
    """Two drawings of our own in a second static folder (the real ones may change)."""
    folder = tmp_path / "static" / "img" / "illustrations"
    folder.mkdir(parents=True)
    (folder / "test-knot-map.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 480 400"><circle r="4"/></svg>'
    )
    (folder / "test-no-viewbox.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, tmp_path / "static"]
    rendering.image_size.cache_clear()
    yield folder
    rendering.image_size.cache_clear()


def test_an_image_alone_in_a_paragraph_becomes_a_sized_lazy_figure(drawings):
    html = render_markdown(
        "Intro.\n\n![Where knots form: between the shoulder blades](illustrations/test-knot-map.svg)\n"
    ).html

    assert (
        '<figure class="article-figure"><img src="illustrations/test-knot-map.svg" '
        'alt="Where knots form: between the shoulder blades" width="480" height="400" '
        'loading="lazy" decoding="async"></figure>'
    ) in html
    assert "<figcaption" not in html  # the alt text names it; no second, duplicate caption


def test_an_image_inside_text_stays_inline(drawings):
    html = render_markdown("See ![a knot map](illustrations/test-knot-map.svg) here.").html
    assert html.startswith("<p>See <img ")
    assert "<figure" not in html


def test_the_page_gets_the_static_files_address_hashed_in_production(drawings, monkeypatch):
    html = render_markdown("![A map of knots](illustrations/test-knot-map.svg)").html
    assert str(for_display(html)).count('src="/static/img/illustrations/test-knot-map.svg"') == 1

    monkeypatch.setattr(
        staticfiles_storage, "url", lambda name: f"/static/{name[:-4]}.0a1b2c3d.svg"
    )
    shown = str(for_display(html))
    assert 'src="/static/img/illustrations/test-knot-map.0a1b2c3d.svg"' in shown


def test_the_size_is_read_once_per_file(drawings, monkeypatch):
    calls = []
    real_find = rendering.finders.find
    monkeypatch.setattr(
        rendering.finders, "find", lambda path: calls.append(path) or real_find(path)
    )
    for _ in range(3):
        render_markdown("![A map of knots](illustrations/test-knot-map.svg)")
    assert calls == ["img/illustrations/test-knot-map.svg"]


@pytest.mark.parametrize(
    "source",
    [
        "https://images.example.com/knot.svg",
        "http://images.example.com/knot.svg",
        "//images.example.com/knot.svg",
        "/static/img/illustrations/test-knot-map.svg",
        "data:image/svg+xml,%3Csvg%3E",
        "javascript:alert(1)",
        "illustrations/../../secret.svg",
        "illustrations/photo.png",
        "other/test-knot-map.svg",
    ],
)
def test_images_from_anywhere_else_are_removed(drawings, source):
    rendered = render_markdown(f"Before ![a picture]({source}) after.\n\n![alone]({source})\n")
    assert "<img" not in rendered.html
    assert "example.com" not in rendered.html
    assert "Before" in rendered.html and "after." in rendered.html  # the text stays


def test_raw_html_images_follow_the_same_rules(drawings):
    html = render_markdown(
        '<img src="https://tracker.example/pixel.gif" onerror="x()">\n\n'
        '<img src="illustrations/test-knot-map.svg" alt="A map" onload="y()" style="width:9px">'
    ).html
    assert "tracker.example" not in html
    assert "onload" not in html and "onerror" not in html and "style" not in html
    assert (
        '<img src="illustrations/test-knot-map.svg" alt="A map" width="480" height="400" '
        'loading="lazy" decoding="async">'
    ) in html


def test_a_missing_drawing_fails_loudly(drawings):
    with pytest.raises(ImageError, match=r"illustrations/no-such-drawing\.svg"):
        render_markdown("![A drawing](illustrations/no-such-drawing.svg)")
    with pytest.raises(ImageError, match="viewBox"):
        render_markdown("![A drawing](illustrations/test-no-viewbox.svg)")


def test_every_figure_an_article_can_choose_exists_with_its_size():
    for source, figure in figures.FIGURES.items():
        assert (STATIC / "img" / source).is_file(), source
        width, height = rendering.image_size(source)
        assert width > 0 and height > 0
        assert len(str(figure.alt).split()) > 5
    assert rendering.image_size(figures.UPPER_BACK_KNOTS) == (480, 400)


def test_a_stop_if_admonition_becomes_a_highlighted_callout():
    html = render_markdown(
        'Do the stretch.\n\n!!! stop "Stop if"\n    - pain *spreads* down your arm\n'
        "    - your hand tingles\n\nThen rest.\n"
    ).html

    assert (
        '<div aria-label="Stop if" class="callout callout-stop" role="note">\n'
        '<p class="callout-title"><strong>Stop if</strong></p>\n<ul>\n'
        "<li>pain <em>spreads</em> down your arm</li>"
    ) in html
    assert html.index("Do the stretch.") < html.index("callout") < html.index("Then rest.")
    assert "admonition" not in html


def test_classes_and_roles_cannot_be_smuggled_in_through_raw_html():
    html = render_markdown(
        '<div class="modal fade" role="dialog" aria-label="x">a</div>\n\n'
        '<p class="callout-title lead">b</p>\n\n<figure class="hero">c</figure>'
    ).html
    assert 'class="modal' not in html and "fade" not in html and "dialog" not in html
    assert 'class="callout-title"' in html and "lead" not in html
    assert "hero" not in html


def test_the_body_is_cut_before_the_second_section_for_the_booking_box():
    html = render_markdown("Intro.\n\n## One\n\nFirst.\n\n## Two\n\nSecond.\n\n## Three\n").html
    parts = body_parts(html)
    assert str(parts.introduction).strip() == "<p>Intro.</p>"
    assert str(parts.first_section).startswith('<h2 id="section-one">')
    assert "First." in parts.first_section and "Two" not in parts.first_section
    assert str(parts.rest).startswith('<h2 id="section-two">') and "Three" in parts.rest
    assert parts.introduction + parts.first_section + parts.rest == html


@pytest.mark.parametrize(
    ("source", "intro", "first", "rest"),
    [
        ("Only text.", "<p>Only text.</p>", "", ""),
        ("Intro.\n\n## One\n\nText.", "<p>Intro.</p>\n", "One", ""),
        ("## One\n\nText.\n\n## Two", "", "One", "Two"),
    ],
)
def test_bodies_with_few_sections_are_cut_sensibly(source, intro, first, rest):
    parts = body_parts(render_markdown(source).html)
    assert str(parts.introduction) == intro
    assert first in parts.first_section and (first or not parts.first_section)
    assert rest in parts.rest and (rest or not parts.rest)


def test_plain_text_leaves_drawings_out_and_keeps_callout_words(drawings):
    rendered = render_markdown(
        '![A map](illustrations/test-knot-map.svg)\n\n!!! stop "Stop if"\n    you feel numb\n'
    )
    assert rendered.text == "Stop if\nyou feel numb"
    assert re.search(r"\bnumb\b", rendered.text)
