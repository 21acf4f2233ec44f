"""Finding English on a Spanish page: the words a Spanish-speaking reader would meet untranslated.

Two nets, over the text a person meets on the page (`visible_text` collects it in the browser):

1. The English catalogue. Every msgid of locale/es/LC_MESSAGES/django.po is an English string
   the site can show; on a Spanish page none should appear. The .po file is read here (a small
   reader, not the compiled .mo): the .mo holds only what is translated, and the strings that
   matter most are the ones without a translation yet, or marked fuzzy (which Django leaves out
   and so shows in English). Left out, because they cannot tell English from Spanish: strings of
   3 characters or fewer, strings the Spanish catalogue keeps as they are (msgstr == msgid:
   "Email", a proper name, "911"), strings without a letter, and strings whose text also
   occurs in some Spanish translation (a word both languages share).

   Placeholders (%(name)s, %s, %d, {name}) and HTML tags split a msgid into literal fragments.
   A fragment is matched only when it has at least 4 words: the text between placeholders is
   often a word or two ("Step ", " of "), and alone such a piece matches innocent text, while
   dropping every msgid with a placeholder would miss the long sentences that carry one (a
   booking's status line, a result's explanation), which are the likeliest to be forgotten.
   Matching is case-sensitive on the text nodes' own characters (no CSS text-transform) and at
   word boundaries, so "Once" does not match the Spanish "once" and "Book" not "Booking".

2. Common English words the catalogue may not hold (content from the database or from
   Markdown files, a string added since the catalogue was last made): " the ", " your ",
   " and ", "Read more", "minutes"... matched as whole words in any case, after the proper names
   of the clinic (ALLOWED_NAMES plus any the test passes) are taken out of the text.

Text inside an element marked lang="en" (the language switch, a part knowingly left in English
with a notice) is not scanned: it is declared English. Nor are the entries of an article's or a
lesson's list of sources (NAMED_WORKS): each names a published work by its own title, which is
a proper name in whatever language it was published. Hidden elements are not scanned either;
closed <details> are opened first, since a reader opens them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "es" / "LC_MESSAGES" / "django.po"

# Proper names that are the same in both languages (the test adds the clinic's and the
# therapists' own names).
ALLOWED_NAMES = ("Unknot", "Main Street", "Alex Morgan", "Sam Rivera", "LMT")

# Words a Spanish page should not contain: common in English, not words in Spanish.
ENGLISH_WORDS = (
    "the",
    "your",
    "you",
    "and",
    "with",
    "this",
    "that",
    "what",
    "when",
    "which",
    "will",
    "our",
    "from",
    "have",
    "please",
    "here",
    "about",
    "more",
    "read more",
    "minutes",
    "hours",
    "book",
    "session",
    "appointment",
    "therapist",
    "article",
    "back",
    "check",
    "send",
    "next",
    "step",
)

# Parts of a page that name published works by their titles (see above).
NAMED_WORKS = ".article-sources li"

_PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\{?[^{}]*\}?\}|%%|<[^<>]+>")
_WORD = re.compile(r"[^\W\d_]+")
MIN_CHARS = 4
MIN_FRAGMENT_WORDS = 4


# --- the catalogue -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    msgid: str
    msgid_plural: str
    msgstrs: tuple[str, ...]
    fuzzy: bool


def _unquote(line: str) -> str:
    text = line.strip()
    if not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"not a quoted PO string: {line!r}")
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), text[1:-1])


def read_po(text: str) -> list[Entry]:
    """The entries of a PO file (obsolete "#~" entries left out)."""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = {}
        current = None
        fuzzy = False
        for line in block.splitlines():
            if line.startswith("#,"):
                fuzzy = fuzzy or "fuzzy" in line
                continue
            if line.startswith("#") or not line.strip():
                continue
            if line.startswith('"'):
                if current is None:
                    raise ValueError(f"a continuation before any keyword: {line!r}")
                fields[current] += _unquote(line)
                continue
            keyword, _space, rest = line.partition(" ")
            current = keyword
            fields[current] = _unquote(rest)
        if "msgid" not in fields or not fields["msgid"]:
            continue  # the header, or a block of comments only
        msgstrs = tuple(value for key, value in fields.items() if key.startswith("msgstr"))
        entries.append(Entry(fields["msgid"], fields.get("msgid_plural", ""), msgstrs, fuzzy))
    return entries


def _squash(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class Needle:
    """A piece of English to look for, and the msgid it comes from."""

    text: str
    msgid: str
    pattern: re.Pattern


def _needles_of(msgid: str, spanish: str) -> list[str]:
    pieces = [_squash(piece) for piece in _PLACEHOLDER.split(msgid)]
    if len(pieces) == 1:
        candidates = pieces
    else:
        candidates = [p for p in pieces if len(_WORD.findall(p)) >= MIN_FRAGMENT_WORDS]
    kept = []
    for piece in candidates:
        piece = piece.strip(" .,;:!?¿¡()“”\"'-\u2013\u2014")
        if len(piece) < MIN_CHARS or not _WORD.search(piece):
            continue
        if re.search(rf"(?<!\w){re.escape(piece)}(?!\w)", spanish, re.IGNORECASE):
            continue  # the words are Spanish too ("Total", a name the translations keep)
        kept.append(piece)
    return kept


@cache
def catalogue_needles(path: Path = CATALOGUE) -> tuple[Needle, ...]:
    entries = read_po(path.read_text(encoding="utf-8"))
    spanish = "\n".join(_squash(s) for entry in entries for s in entry.msgstrs if s)
    needles: dict[str, Needle] = {}
    for entry in entries:
        originals = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        if any(_squash(s) == _squash(o) for s in entry.msgstrs for o in originals):
            continue  # kept as it is in Spanish
        for original in originals:
            for piece in _needles_of(original, spanish):
                words = r"\s+".join(re.escape(word) for word in piece.split())
                pattern = re.compile(rf"(?<!\w){words}(?!\w)")
                needles.setdefault(piece, Needle(piece, original, pattern))
    return tuple(needles.values())


# --- what the page shows -------------------------------------------------------------------------

# Each text node and each person-facing attribute of the page, outside [lang=en] and outside
# hidden elements, as {where, text}. <details> are opened while collecting.
COLLECT_TEXT = """(namedWorks) => {
  const closed = [...document.querySelectorAll("details:not([open])")];
  closed.forEach((d) => { d.open = true; });
  const english = (el) => {
    const marked = el.closest("[lang]");
    return !!marked && /^en\\b/i.test(marked.getAttribute("lang"));
  };
  const scanned = (el) => {
    const box = el.closest("select") || el;
    if (box.closest("[hidden], template, script, style, noscript")) return false;
    if (box.closest(namedWorks)) return false;
    return box.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true });
  };
  const where = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.className && typeof el.className === "string"
      ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  const found = [];
  if (document.title && !english(document.documentElement)) {
    found.push({ where: "title", text: document.title });
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = node.nodeValue.trim();
    if (!text || !el || english(el) || !scanned(el)) continue;
    found.push({ where: where(el), text: text });
  }
  const attributes = ["aria-label", "title", "alt", "placeholder"];
  for (const el of document.body.querySelectorAll("*")) {
    if (english(el) || !scanned(el)) continue;
    for (const name of attributes) {
      const value = (el.getAttribute(name) || "").trim();
      if (value) found.push({ where: where(el) + "@" + name, text: value });
    }
    if (el.matches("input[type=submit], input[type=button], input[type=reset]") && el.value) {
      found.push({ where: where(el) + "@value", text: el.value });
    }
  }
  closed.forEach((d) => { d.open = false; });
  return found;
}"""


@dataclass(frozen=True)
class Finding:
    """English in one piece of the page's text."""

    where: str  # the element (and attribute) the text is in
    text: str
    msgids: tuple[str, ...]  # the catalogue's msgids found, the longest first
    words: tuple[str, ...]  # common English words found outside them

    def __str__(self) -> str:
        found = [f"msgid {msgid!r}" for msgid in self.msgids]
        if self.words:
            found.append("English words: " + ", ".join(dict.fromkeys(self.words)))
        return f"{self.where}: {self.text[:200]!r}\n    " + "; ".join(found)


def visible_text(page) -> list[dict]:
    """The page's text and person-facing attributes outside [lang=en], hidden elements and
    the names of cited works."""
    return page.evaluate(COLLECT_TEXT, NAMED_WORKS)


def _without_names(text: str, names: tuple[str, ...]) -> str:
    for name in sorted(names, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", text)
    return text


def english_in(chunks: list[dict], names: tuple[str, ...] = ()) -> list[Finding]:
    """The catalogue's English and the common English words found in `chunks`
    ({where, text} as `visible_text` returns them); proper names in `names` are allowed."""
    allowed = ALLOWED_NAMES + tuple(names)
    common = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(w) for w in ENGLISH_WORDS) + r")(?!\w)", re.IGNORECASE
    )
    findings: list[Finding] = []
    for chunk in chunks:
        text = _without_names(_squash(chunk["text"]), allowed)
        hits = []
        for needle in catalogue_needles():
            if needle.text.split()[0] in text:
                hits += [(m.start(), m.end(), needle) for m in needle.pattern.finditer(text)]
        # The longest string first; a msgid found inside a longer one is not said again.
        spans: list[tuple[int, int]] = []
        msgids: list[str] = []
        for start, end, needle in sorted(hits, key=lambda hit: hit[0] - hit[1]):
            if not any(s <= start and end <= e for s, e in spans):
                spans.append((start, end))
                msgids.append(needle.msgid)
        words = [
            match.group(0)
            for match in common.finditer(text)
            if not any(s <= match.start() and match.end() <= e for s, e in spans)
        ]
        if msgids or words:
            findings.append(
                Finding(chunk["where"], chunk["text"], tuple(dict.fromkeys(msgids)), tuple(words))
            )
    return findings


def english_on(page, names: tuple[str, ...] = ()) -> list[Finding]:
    """English a Spanish reader would meet on the page as it is now."""
    return english_in(visible_text(page), names)


def assert_no_english(page, what: str, names: tuple[str, ...] = ()) -> None:
    findings = english_on(page, names)
    assert not findings, f"English on the Spanish page {what} ({page.url}):\n" + "\n".join(
        f"- {finding}" for finding in findings
    )


# Text the page marks as English (lang="en"), outside the language switch: on a page whose
# content all has its Spanish version, a reader should meet none.
COLLECT_MARKED_ENGLISH = """() => [...document.body.querySelectorAll("[lang]")]
  .filter((el) => /^en\\b/i.test(el.getAttribute("lang")))
  .filter((el) => !el.parentElement.closest("[lang^=en]") && !el.closest(".language-switch"))
  .filter((el) => el.checkVisibility() && el.innerText.trim())
  .map((el) => el.tagName.toLowerCase() + ": " + el.innerText.trim().slice(0, 160))"""


def marked_english(page) -> list[str]:
    """The parts of the page marked lang="en" (a translation missing, shown with a notice),
    the language switch left out."""
    return page.evaluate(COLLECT_MARKED_ENGLISH)
