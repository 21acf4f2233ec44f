from html.parser import HTMLParser
from urllib.parse import urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from education.rendering import (
    ALLOWED_ATTRIBUTE_VALUES,
    ALLOWED_ATTRIBUTES,
    ALLOWED_CLASSES,
    ALLOWED_TAGS,
    IMAGE_SOURCE,
    plain_text,
    render_markdown,
    sanitise,
)


def test_sanitiser_removes_script_tags_and_their_content():
    html = render_markdown("Hello\n\n<script>alert('owned')</script>\n\nBye").html
    assert "<script" not in html
    assert "alert" not in html
    assert "Hello" in html and "Bye" in html


def test_sanitiser_removes_event_handler_attributes():
    html = render_markdown(
        'Text <a href="/ok" onclick="steal()">link</a> and <b onmouseover="x()">bold</b>\n\n'
        '<img src="x" onerror="alert(1)">\n\n<p onload="y()">para</p>'
    ).html
    assert "onclick" not in html and "onerror" not in html
    assert "onmouseover" not in html and "onload" not in html
    assert "<img" not in html  # only the project's own drawings (no third-party requests)
    assert '<a href="/ok"' in html


def test_sanitiser_removes_javascript_links_in_markdown_and_html():
    html = render_markdown(
        "[click me](javascript:alert(1))\n\n"
        '<a href="JaVaScRiPt:alert(2)">two</a> <a href="  javascript:alert(3)">three</a>\n\n'
        '<a href="data:text/html,<script>alert(4)</script>">four</a>'
    ).html
    assert "javascript" not in html.lower()
    assert "data:" not in html
    assert "click me" in html


def test_sanitiser_drops_styles_iframes_and_forms():
    html = sanitise(
        '<p style="color:red">x</p><style>p{}</style><iframe src="https://evil.example"></iframe>'
        '<form action="https://evil.example"><input name="a"></form>'
    )
    assert "style" not in html
    assert "<iframe" not in html and "<form" not in html and "<input" not in html


def test_external_links_get_noopener():
    html = render_markdown("[source](https://example.org/paper)").html
    assert 'href="https://example.org/paper"' in html
    assert 'rel="noopener noreferrer"' in html


def test_headings_get_prefixed_ids_and_form_the_table_of_contents():
    rendered = render_markdown(
        "## Why knots form\n\ntext\n\n### Posture\n\ntext\n\n## Why knots form\n\n#### Tiny\n"
    )
    assert '<h2 id="section-why-knots-form">' in rendered.html
    assert '<h3 id="section-posture">' in rendered.html
    assert rendered.toc == [
        {
            "id": "section-why-knots-form",
            "title": "Why knots form",
            "children": [{"id": "section-posture", "title": "Posture"}],
        },
        {"id": "section-why-knots-form_1", "title": "Why knots form", "children": []},
    ]


def test_raw_html_ids_are_prefixed_so_they_cannot_clash_with_the_page():
    html = render_markdown('<h2 id="main">Main</h2>').html
    assert 'id="section-main"' in html
    assert 'id="main"' not in html


def test_a_body_starting_sections_at_h1_moves_down_a_level():
    rendered = render_markdown("# First part\n\ntext\n\n## Detail\n")
    assert "<h1" not in rendered.html
    assert '<h2 id="section-first-part">' in rendered.html
    assert '<h3 id="section-detail">' in rendered.html
    assert rendered.toc[0]["title"] == "First part"


def test_toc_titles_are_plain_text_for_the_template_to_escape():
    rendered = render_markdown("## Heat & ice: <em>which</em>?\n")
    assert rendered.toc[0]["title"] == "Heat & ice: which?"


def test_plain_text_keeps_blocks_apart_for_search_and_word_counts():
    assert plain_text("<p>one</p><p>two</p><ul><li>three</li></ul>") == "one\ntwo\nthree"
    assert render_markdown("one two\n\nthree").word_count == 3


def test_reading_time_is_at_least_one_minute():
    assert render_markdown("Short.").reading_minutes == 1
    assert render_markdown("word " * 1000).reading_minutes == 5


class _Elements(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<script>alert(1)</script>",
                "<scr<script>ipt>",
                "<img src=x onerror=alert(1)>",
                '<a href="javascript:alert(1)">x</a>',
                "[x](javascript:alert(1))",
                '<svg onload="alert(1)">',
                "<iframe src=//evil>",
                '<p style="x">',
                "<!-- c -->",
                "## heading",
                "- item",
                "**bold**",
                "plain text",
                "\n\n",
                "<",
                ">",
                '"',
                "'",
                "&",
                "`code`",
                "<math><mi xlink:href=javascript:alert(1)>",
                "![x](https://evil.example/x.svg)",
                '<img src="//evil.example/y.svg">',
                '<div class="admonition stop" role="dialog">',
                '\n\n!!! stop "Stop if"\n    careful\n\n',
                '<a href="&#106;avascript:alert(1)">e</a>',
                "<a href=' java\tscript:x'>t</a>",
            ]
        )
        | st.text(max_size=20)
    )
)
def test_no_markdown_input_produces_active_content(pieces):
    """Whatever the body, the browser would only ever see the allowed tags and safe links."""
    for tag, attrs in _Elements(render_markdown("".join(pieces)).html).found:
        assert tag in ALLOWED_TAGS
        for name, value in attrs:
            assert not name.startswith("on")
            assert name in ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel", "class", "role"}
            if name == "class":
                assert set((value or "").split()) <= ALLOWED_CLASSES.get(tag, set())
            if name == "role":
                assert value in ALLOWED_ATTRIBUTE_VALUES.get(tag, {}).get("role", set())
            if name == "src":
                assert IMAGE_SOURCE.fullmatch(value or "")
            if name == "href":
                scheme = urlsplit((value or "").strip()).scheme.lower()
                assert scheme in {"", "http", "https", "mailto", "tel"}
