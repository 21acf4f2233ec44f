"""Article bodies: Markdown in, sanitised HTML, plain text and a table of contents out.

Markdown is converted with python-markdown, then everything passes through nh3 with a short
list of the tags articles need, so raw HTML in a body can never add scripts, event handlers,
styles, images from other hosts or javascript: links. Headings get ids (prefixed, so they never
clash with the page's own ids) and the h2/h3 headings form the table of contents.

Images: `![alt](illustrations/<file>.svg)` or `![alt](exercises/<file>.svg)`, the project's own
drawings under static/img/. They get their size from the drawing's viewBox and load lazily; one
alone in a paragraph becomes a <figure>. Any other source (another host, an absolute path, a
data: address) is removed. The stored HTML keeps the short source; `for_display()` turns it into
the static file's address when the page is shown, so a new hashed file name after a deploy never
leaves an old address in the database.

Callouts: `!!! stop "Stop if"` with an indented body (Python-Markdown's admonition) becomes a
highlighted note, <div class="callout callout-stop" role="note">, titled by its first line.
"""

import functools
import html
import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

import markdown
import nh3
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

if TYPE_CHECKING:
    from education.models import Article

HEADING_ID_PREFIX = "section-"
WORDS_PER_MINUTE = 200

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "a", "ul", "ol", "li",
    "blockquote", "code", "pre", "abbr", "sup", "sub", "dl", "dt", "dd",
    "table", "thead", "tbody", "tr", "th", "td", "img", "figure", "div",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "ol": {"start"},
    "th": {"scope"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "div": {"aria-label"},
}
# Class and role values the renderer writes; nothing else survives (see _allowed_attribute).
ALLOWED_CLASSES = {
    "div": {"callout", "callout-stop", "callout-note", "callout-tip"},
    "p": {"callout-title"},
    "figure": {"article-figure"},
}
ALLOWED_ATTRIBUTE_VALUES = {"div": {"role": {"note"}}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}

# An article's image: one of the project's drawings, named relative to static/img/.
IMAGE_SOURCE = re.compile(r"(?:exercises|illustrations|program)/[a-z0-9][a-z0-9_-]*\.svg")
IMAGE_STATIC_DIR = "img/"
CALLOUT_TYPES = {"stop", "note", "tip"}


class ImageError(ValueError):
    """An article names a drawing that is not in static/img/ (or has no usable viewBox)."""


def _allowed_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img":
        if attribute == "src":
            return value if IMAGE_SOURCE.fullmatch(value) else None
        if attribute == "loading":
            return "lazy"
        if attribute == "decoding":
            return "async"
        if attribute in {"width", "height"}:
            return value if value.isdigit() else None
    return value


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    allowed_classes=ALLOWED_CLASSES,
    tag_attribute_values=ALLOWED_ATTRIBUTE_VALUES,
    attribute_filter=_allowed_attribute,
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


# --- images -----------------------------------------------------------------------------------

_VIEWBOX = re.compile(rb"""<svg\b[^>]*?\bviewBox\s*=\s*["']([^"']+)["']""", re.S)


@functools.cache
def image_size(source: str) -> tuple[int, int]:
    """Width and height of a drawing under static/img/, from its viewBox (read once per file).

    Raises ImageError when the file is missing or has no viewBox: a page must never show an
    image that is not there.
    """
    name = IMAGE_STATIC_DIR + source
    path = finders.find(name)
    if not path and staticfiles_storage.exists(name):  # only the collected files are there
        path = staticfiles_storage.path(name)
    if not path:
        raise ImageError(f"There is no drawing static/{IMAGE_STATIC_DIR}{source}.")
    with open(path, "rb") as file:
        match = _VIEWBOX.search(file.read())
    try:
        numbers = match.group(1).decode("ascii").replace(",", " ").split()
        _x, _y, width, height = (float(number) for number in numbers)
    except (AttributeError, UnicodeDecodeError, ValueError):
        raise ImageError(f"static/{IMAGE_STATIC_DIR}{source} has no usable viewBox.") from None
    return round(width), round(height)


def image_url(source: str) -> str:
    """The address of a drawing under static/img/ (the hashed name in production)."""
    return staticfiles_storage.url(IMAGE_STATIC_DIR + source)


def image_tag(source: str, alt: str = "", css_class: str = "") -> SafeString:
    """<img> for one of the project's drawings: its own size, loaded lazily."""
    width, height = image_size(source)
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" loading="lazy" decoding="async"{}>',
        image_url(source),
        alt,
        width,
        height,
        format_html(' class="{}"', css_class) if css_class else "",
    )


_IMAGE_TAG = re.compile(r"<img\b([^>]*)>")
_ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')


def _finish_images(sanitised: str) -> str:
    """Every image left by the sanitiser gets its drawing's size and lazy loading; an image
    whose source was removed is dropped."""

    def finish(match: re.Match) -> str:
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        source = html.unescape(attributes.get("src", ""))
        if not IMAGE_SOURCE.fullmatch(source):
            return ""
        width, height = image_size(source)
        return (
            f'<img src="{source}" alt="{attributes.get("alt", "")}" width="{width}" '
            f'height="{height}" loading="lazy" decoding="async">'
        )

    return _IMAGE_TAG.sub(finish, sanitised)


_STORED_IMAGE = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]+)(")')


def for_display(body_html: str) -> SafeString:
    """Stored article HTML with each drawing's short source turned into its static address."""

    def address(match: re.Match) -> str:
        source = html.unescape(match.group(2))
        if not IMAGE_SOURCE.fullmatch(source):
            return match.group(0)
        return match.group(1) + html.escape(image_url(source)) + match.group(3)

    return mark_safe(_STORED_IMAGE.sub(address, body_html))  # sanitised on save


class _ArticleTree(Treeprocessor):
    """Images get their size and lazy loading, a lone image becomes a figure, and admonitions
    become callouts."""

    def run(self, root: ET.Element) -> None:
        for parent in list(root.iter()):
            for child in list(parent):
                if child.tag == "img":
                    self._image(parent, child)
                elif child.tag == "div" and "admonition" in child.get("class", "").split():
                    self._callout(child)
        for paragraph in root.iter("p"):
            children = list(paragraph)
            if (
                len(children) == 1
                and children[0].tag == "img"
                and not (paragraph.text or "").strip()
                and not (children[0].tail or "").strip()
            ):
                paragraph.tag = "figure"
                paragraph.set("class", "article-figure")

    def _image(self, parent: ET.Element, image: ET.Element) -> None:
        if IMAGE_SOURCE.fullmatch((image.get("src") or "").strip()):
            return
        # Another host, an absolute path, data: or a file type we do not draw: removed, and
        # the text after it stays where it was.
        siblings = list(parent)
        position = siblings.index(image)
        if image.tail:
            if position:
                previous = siblings[position - 1]
                previous.tail = (previous.tail or "") + image.tail
            else:
                parent.text = (parent.text or "") + image.tail
        parent.remove(image)

    def _callout(self, box: ET.Element) -> None:
        kinds = [name for name in box.get("class", "").split() if name in CALLOUT_TYPES]
        box.attrib = {"class": " ".join(["callout", *(f"callout-{kind}" for kind in kinds)])}
        box.set("role", "note")
        title = next((p for p in box if p.get("class") == "admonition-title"), None)
        if title is not None:
            label = "".join(title.itertext()).strip()
            if label:
                box.set("aria-label", label)
            strong = ET.Element("strong")
            strong.text, title.text = title.text, None
            for grandchild in list(title):
                title.remove(grandchild)
                strong.append(grandchild)
            title.append(strong)
            title.attrib = {"class": "callout-title"}


class _ArticleExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # After inline patterns (which create the <img> elements), before the toc extension.
        md.treeprocessors.register(_ArticleTree(md), "unknot_article", 15)


def _slugify(value: str, separator: str) -> str:
    return HEADING_ID_PREFIX + slugify_unicode(value, separator)


def _convert(source: str, baselevel: int) -> tuple[str, list[dict[str, Any]]]:
    md = markdown.Markdown(
        extensions=["toc", "tables", "sane_lists", "smarty", "admonition", _ArticleExtension()],
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
    BLOCKS = {
        "p", "br", "h2", "h3", "h4", "li", "blockquote", "pre", "tr", "td", "th", "dt", "dd",
        "div", "figure",
    }  # fmt: skip

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
    safe = _finish_images(sanitise(converted))
    return Rendered(html=safe, text=plain_text(safe), toc=_toc_entries(tokens))


def render_article(article: "Article") -> None:
    """Fill the article's rendered fields from its Markdown body (the caller saves), in the
    article's own language (any words the renderer adds are in the language of the text)."""
    with translation.override(article.language):
        rendered = render_markdown(article.body)
    article.body_html = rendered.html
    article.body_text = rendered.text
    article.toc = rendered.toc
    article.word_count = rendered.word_count
    article.reading_minutes = rendered.reading_minutes


@dataclass
class BodyParts:
    """An article body cut where the page adds its own blocks: the introduction (before the
    first section), the first section, and the rest. Each part is safe HTML for the page."""

    introduction: SafeString
    first_section: SafeString
    rest: SafeString


_SECTION_START = re.compile(r"<h2[\s>]")


def body_parts(body_html: str) -> BodyParts:
    """Cut the stored body at its first and second h2 (headings are only ever written by the
    sanitiser as `<h2 id=…>` or `<h2>`, so the cut never falls inside a tag or an attribute)."""
    starts = [match.start() for match in _SECTION_START.finditer(body_html)][:2]
    first = starts[0] if starts else len(body_html)
    second = starts[1] if len(starts) > 1 else len(body_html)
    return BodyParts(
        introduction=for_display(body_html[:first]),
        first_section=for_display(body_html[first:second]),
        rest=for_display(body_html[second:]),
    )
