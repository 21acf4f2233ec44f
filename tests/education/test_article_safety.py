"""The articles in education/content/ keep to the triage rules (shared/specs/triage.md).

Pure file reading, no database: the Markdown files are parsed here, and intake.articles.slugs_for
is a plain function. An "exercise article" is one that prescribes stretches, exercises,
self-massage or tools; it opens with the doctor-first line, and a MEDICAL result, which tells the
client not to stretch, exercise or self-massage until a doctor says so, never links one.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import frontmatter
import pytest

from intake import articles
from intake.triage import CAUTIONS_BY_ID, RULES_BY_ID

CONTENT_DIR = Path(__file__).resolve().parents[2] / "education" / "content"
DOCTOR_FIRST = (
    "If your pre-visit check said see a doctor first, wait for their OK before trying these."
)
# Pages outside /articles/ that an article may link to.
SITE_PAGES = {"/", "/intake/", "/book/"}
ARTICLE_PATH = re.compile(r"^/articles/(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)/$")
# Wording that prescribes a routine ("hold for 20 seconds", "do this 8 to 10 times"): a safety
# net, so an exercise article that lost its doctor-first line is still recognised as one.
PRESCRIBES_EXERCISE = re.compile(
    r"\b(?:hold|stay)(?: it| this| there| the stretch)? for \d"
    r"|\brepeat (?:for )?\d"
    r"|\bdo (?:this|it) \d"
    r"|\bdo \d+ (?:turns|rounds|circles)"
    r"|\b\d+(?: to \d+)? (?:times|circles|rounds|breaths|repeats)\b"
    r"|\bshoulder (?:rolls|circles)\b",
    re.IGNORECASE,
)
# Articles that teach a routine today; the detection above must keep finding them.
KNOWN_EXERCISE_ARTICLES = {
    "at-home-stretches-for-upper-back-knots",
    "desk-setup-and-movement-breaks",
    "muscle-balance-strengthen-back-open-front",
    "stress-breathing-and-shoulder-tension",
    "why-upper-back-knots-form",
}
# US readers: no UK emergency numbers or services.
UK_WORDING = re.compile(r"\b999\b|\b111\b|\bGP\b|\bGPs\b|A&E|A&amp;E")
# Health bodies whose pages a citation may point to (NHS only as background).
CITATION_HOSTS = (
    "medlineplus.gov",
    "nih.gov",
    "cdc.gov",
    "mayoclinic.org",
    "clevelandclinic.org",
    "heart.org",
    "stroke.org",
    "osha.gov",
    "nysed.gov",
    "who.int",
    "nhs.uk",
)
# An image: ![what it shows](illustrations/name.svg); its source is not a link to check below.
MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
MARKDOWN_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
REFERENCE_LINK = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?", re.MULTILINE)
HTML_LINK = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
AUTOLINK = re.compile(r"<((?:https?|mailto|tel):[^>\s]+)>", re.IGNORECASE)


@dataclass(frozen=True)
class Page:
    path: Path
    text: str
    meta: dict
    body: str

    @property
    def slug(self) -> str:
        return str(self.meta.get("slug") or "")

    @property
    def links(self) -> list[str]:
        found = []
        text = MARKDOWN_IMAGE.sub("", self.body)
        for pattern in (MARKDOWN_LINK, REFERENCE_LINK, HTML_LINK, AUTOLINK):
            found += pattern.findall(text)
        return found

    @property
    def images(self) -> list[tuple[str, str]]:
        """(alt, source) of each image in the body."""
        return MARKDOWN_IMAGE.findall(self.body)

    @property
    def article_links(self) -> set[str]:
        matches = (ARTICLE_PATH.match(link) for link in self.links)
        return {match["slug"] for match in matches if match}

    @property
    def opening_paragraph(self) -> str:
        return self.body.lstrip("\n").split("\n\n", 1)[0].strip()

    @property
    def is_exercise(self) -> bool:
        return DOCTOR_FIRST in self.body or bool(PRESCRIBES_EXERCISE.search(self.body))


def load_pages(content_dir: Path = CONTENT_DIR) -> list[Page]:
    pages = []
    for path in sorted(content_dir.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        post = frontmatter.loads(text)
        pages.append(Page(path=path, text=text, meta=dict(post.metadata), body=post.content))
    return pages


PAGES = load_pages()
BY_SLUG = {page.slug: page for page in PAGES}
EXERCISE = {page.slug for page in PAGES if page.is_exercise}
NO_EXERCISE = set(BY_SLUG) - EXERCISE
page_ids = [page.path.stem for page in PAGES]


def medical_results() -> list[tuple[str, list[str]]]:
    """slugs_for("MEDICAL", ...) for every rule alone and all together, with and without cautions."""
    caution_sets = [frozenset(), frozenset(CAUTIONS_BY_ID)]
    rule_sets = [frozenset({rule_id}) for rule_id in sorted(RULES_BY_ID)]
    rule_sets += [frozenset(), frozenset(RULES_BY_ID)]
    results = []
    for fired in rule_sets:
        for cautions in caution_sets:
            label = f"{'+'.join(sorted(fired)) or 'none'} cautions={len(cautions)}"
            results.append((label, articles.slugs_for("MEDICAL", fired, cautions)))
    return results


def test_the_content_is_there_and_each_slug_names_its_file():
    assert len(PAGES) >= 10
    for page in PAGES:
        assert page.slug == page.path.stem, page.path.name


def test_the_known_exercise_articles_are_recognised():
    assert KNOWN_EXERCISE_ARTICLES <= EXERCISE
    assert {
        "when-upper-back-pain-is-not-a-knot",
        "when-to-seek-professional-help",
        "massage-safety-blood-thinners-bones-pregnancy",
    } <= NO_EXERCISE


@pytest.mark.parametrize("page", PAGES, ids=page_ids)
def test_internal_links_lead_to_pages_that_exist(page):
    for link in page.links:
        if link.startswith(("https://", "mailto:", "tel:")):
            continue
        match = ARTICLE_PATH.match(link)
        assert link in SITE_PAGES or (match and match["slug"] in BY_SLUG), (
            f"{page.path.name} links {link!r}, which is not an article or a known page "
            f"(or is not https)"
        )


@pytest.mark.parametrize("page", PAGES, ids=page_ids)
def test_images_are_the_projects_own_drawings_and_say_what_they_show(page):
    static_img = Path(__file__).resolve().parents[2] / "static" / "img"
    for alt, source in page.images:
        assert re.fullmatch(r"(?:exercises|illustrations)/[a-z0-9][a-z0-9_-]*\.svg", source), (
            f"{page.path.name}: {source!r} is not one of the drawings in static/img/"
        )
        assert (static_img / source).is_file(), f"{page.path.name}: static/img/{source} is missing"
        assert len(alt.split()) >= 3, (
            f"{page.path.name}: {source} needs alt text saying what it shows"
        )


@pytest.mark.parametrize("page", PAGES, ids=page_ids)
def test_every_exercise_article_opens_with_the_doctor_first_line(page):
    if page.slug in EXERCISE:
        assert page.opening_paragraph == DOCTOR_FIRST, page.path.name


@pytest.mark.parametrize("page", PAGES, ids=page_ids)
def test_no_uk_numbers_or_services(page):
    found = UK_WORDING.findall(page.text)
    assert not found, f"{page.path.name} mentions {found}; use 911, ER, urgent care, your doctor"


@pytest.mark.parametrize("page", PAGES, ids=page_ids)
def test_citations_are_https_pages_of_health_bodies(page):
    citations = page.meta.get("citations") or []
    assert citations, page.path.name
    for citation in citations:
        url = str(citation.get("url") or "")
        assert citation.get("title") and url.startswith("https://"), (page.path.name, citation)
        host = urlsplit(url).hostname or ""
        assert any(host == h or host.endswith("." + h) for h in CITATION_HOSTS), (
            page.path.name,
            url,
        )


@pytest.mark.parametrize("page", PAGES, ids=page_ids)
def test_the_reviewer_is_a_role_not_a_physician(page):
    reviewer = str(page.meta.get("medical_reviewer") or "")
    assert reviewer and len(reviewer) <= 60, page.path.name
    assert not re.search(r"\bDr\b|\bM\.?D\b|physician|doctor", reviewer, re.I), reviewer


MEDICAL_RESULTS = medical_results()


@pytest.mark.parametrize(("label", "slugs"), MEDICAL_RESULTS, ids=[r[0] for r in MEDICAL_RESULTS])
def test_medical_results_link_no_exercise_article(label, slugs):
    assert set(slugs) <= NO_EXERCISE, (label, sorted(set(slugs) & EXERCISE))
    assert {
        "when-upper-back-pain-is-not-a-knot",
        "when-to-seek-professional-help",
        "massage-safety-blood-thinners-bones-pregnancy",
    } <= set(slugs), label


def test_articles_a_medical_result_links_do_not_point_straight_to_an_exercise_article():
    linked = {slug for _label, slugs in MEDICAL_RESULTS for slug in slugs}
    for slug in sorted(linked):
        assert not BY_SLUG[slug].article_links & EXERCISE, (slug, BY_SLUG[slug].article_links)


@pytest.mark.parametrize("level", ["MEDICAL", "PROFESSIONAL", "SELF_CARE"])
def test_every_slug_a_result_can_link_is_an_article_file(level):
    for rule_id in [*sorted(RULES_BY_ID), None]:
        fired = {rule_id} if rule_id else set()
        for cautions in (set(), set(CAUTIONS_BY_ID)):
            slugs = articles.slugs_for(level, fired, cautions)
            assert slugs and set(slugs) <= set(BY_SLUG), (level, rule_id, slugs)


def test_an_emergency_links_nothing():
    assert articles.slugs_for("EMERGENCY", set(RULES_BY_ID), set(CAUTIONS_BY_ID)) == []


# --- wording that must agree with the rules (spec revision 2) ---------------------------------

RULE_WORDING = {
    "when-upper-back-pain-is-not-a-knot": [
        "chin to your chest",  # E10
        "eyes that hurt in bright light",  # E10
        "does not fade",  # E10
        "very sleepy or confused",  # E10
        "stops within minutes when you rest**: see a doctor today",  # M01
        "Chest pain in the last two weeks that has gone now",  # M35
        "within 2 days, or today if you feel very unwell",  # M12
        "urgent care clinic within 3 days",  # M28
    ],
    "sleep-positions-and-pillows-for-upper-back-pain": [
        "within 2 days, or today if you feel very unwell",  # M12
    ],
    "massage-safety-blood-thinners-bones-pregnancy": [
        "within 2 days, or today if you feel very unwell",  # M12
        "Rest for 5 minutes and measure again",  # M31
        "call your doctor today",  # M31
        "trouble seeing or speaking",  # M31
    ],
}


@pytest.mark.parametrize("slug", sorted(RULE_WORDING))
def test_warning_sign_wording_follows_the_rules(slug):
    body = " ".join(BY_SLUG[slug].body.split())
    missing = [phrase for phrase in RULE_WORDING[slug] if phrase not in body]
    assert not missing, (slug, missing)


@pytest.mark.parametrize("page", PAGES, ids=page_ids)
def test_shingles_goes_to_a_doctor_not_a_pharmacist(page):
    assert "pharmacist" not in page.body.lower(), page.path.name
