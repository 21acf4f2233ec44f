"""Article bodies: Markdown in, sanitised HTML, plain text and a table of contents out.

Markdown is converted with python-markdown, then everything passes through nh3 with a short
list of the tags articles need, so raw HTML in a body can never add scripts, event handlers,
styles, images from other hosts or javascript: links. Headings get ids (prefixed, so they never
clash with the page's own ids) and the h2/h3 headings form the table of contents.
"""

import html
import math
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

import markdown
import nh3
from markdown.extensions.toc import slugify_unicode

if TYPE_CHECKING:
    from education.models import Article

HEADING_ID_PREFIX = "section-"
WORDS_PER_MINUTE = 200

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "a", "ul", "ol", "li",
    "blockquote", "code", "pre", "abbr", "sup", "sub", "dl", "dt", "dd",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "ol": {"start"},
    "th": {"scope"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    clean_content_tags={"script", "style"},
    url_schemes=ALLOWED_URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
    id_prefix=HEADING_ID_PREFIX,
)

# Characters search.py uses to mark hits in snippets; they must never occur in article text.
MARK_START = "\ue000"
MARK_END = "\ue001"
_FORBIDDEN_CHARACTERS = re.compile(f"[{MARK_START}{MARK_END}\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class Rendered:
    html: str
    text: str
    toc: list[dict[str, Any]] = field(default_factory=list)

    @property
    def word_count(self) -> int:
        return len(self.text.split())

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.word_count / WORDS_PER_MINUTE))


def sanitise(fragment: str) -> str:
    """Keep only the tags and attributes articles need; drop scripts and unsafe links."""
    return _cleaner.clean(fragment)


def _slugify(value: str, separator: str) -> str:
    return HEADING_ID_PREFIX + slugify_unicode(value, separator)


def _convert(source: str, baselevel: int) -> tuple[str, list[dict[str, Any]]]:
    md = markdown.Markdown(
        extensions=["toc", "tables", "sane_lists", "smarty"],
        extension_configs={"toc": {"slugify": _slugify, "baselevel": baselevel}},
        output_format="html",
    )
    converted = md.convert(source)
    return converted, md.toc_tokens


def _toc_entries(tokens: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """h2 entries with their h3 children, as plain data for the template."""
    entries = []
    for token in tokens:
        if token["level"] == 2:
            entries.append(
                {
                    "id": token["id"],
                    "title": html.unescape(token["name"]),
                    "children": [
                        {"id": child["id"], "title": html.unescape(child["name"])}
                        for child in token["children"]
                        if child["level"] == 3
                    ],
                }
            )
        elif token["level"] < 2:
            entries.extend(_toc_entries(token["children"]))
    return entries


class _TextExtractor(HTMLParser):
    BLOCKS = {"p", "br", "h2", "h3", "h4", "li", "blockquote", "pre", "tr", "td", "th", "dt", "dd"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(fragment: str) -> str:
    """The words of an HTML fragment, one block per line, for search and word counts."""
    extractor = _TextExtractor()
    extractor.feed(fragment)
    extractor.close()
    lines = (" ".join(line.split()) for line in "".join(extractor.parts).splitlines())
    return "\n".join(line for line in lines if line)


def render_markdown(source: str) -> Rendered:
    source = _FORBIDDEN_CHARACTERS.sub("", source)
    converted, tokens = _convert(source, baselevel=1)
    if any(token["level"] == 1 for token in tokens) or "<h1" in converted:
        # The page title is the only h1: a body that starts its sections at # moves down one.
        converted, tokens = _convert(source, baselevel=2)
    safe = sanitise(converted)
    return Rendered(html=safe, text=plain_text(safe), toc=_toc_entries(tokens))


def render_article(article: "Article") -> None:
    """Fill the article's rendered fields from its Markdown body (the caller saves)."""
    rendered = render_markdown(article.body)
    article.body_html = rendered.html
    article.body_text = rendered.text
    article.toc = rendered.toc
    article.word_count = rendered.word_count
    article.reading_minutes = rendered.reading_minutes
