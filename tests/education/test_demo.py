import re

import pytest
from django.core.management import call_command

from education import demo
from education.models import Article, Citation, ReaderQuestion, Topic

pytestmark = pytest.mark.django_db

TOPICS = """\
- slug: self-care
  name: Self-care at home
  description: Things to do at home.
- slug: warning-signs
  name: Warning signs
"""

STRETCHES = """\
---
title: At-home stretches for upper back knots
slug: at-home-stretches-for-upper-back-knots
summary: Three gentle stretches.
topics: [self-care]
author: Clinic therapy team
medical_reviewer: Clinic clinical lead
last_reviewed: 2026-11-06
published: 2026-10-06T09:00:00-06:00
citations:
  - title: A source
    url: https://example.org/source
---
Gentle stretching helps.

## Doorway stretch

1. Stand in a doorway.
2. Step forward.
"""

DRAFT = """\
---
title: Not finished
slug: not-finished
summary: Still a draft.
topics: [warning-signs, self-care]
author: Clinic therapy team
---
Work in progress.
"""


@pytest.fixture
def content(tmp_path):
    (tmp_path / "topics.yml").write_text(TOPICS)
    (tmp_path / "at-home-stretches-for-upper-back-knots.md").write_text(STRETCHES)
    (tmp_path / "not-finished.md").write_text(DRAFT)
    return tmp_path


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Topic, Article, Citation, ReaderQuestion)
    }


def test_loader_reads_front_matter_and_renders(content):
    demo.seed(content)

    article = Article.objects.get(slug="at-home-stretches-for-upper-back-knots")
    assert article.title == "At-home stretches for upper back knots"
    assert article.is_public()
    assert article.published_at.isoformat() == "2026-10-06T15:00:00+00:00"
    assert str(article.last_reviewed) == "2026-11-06"
    assert [t.slug for t in article.topics.all()] == ["self-care"]
    assert list(article.citations.values_list("title", "url")) == [
        ("A source", "https://example.org/source")
    ]
    assert '<h2 id="section-doorway-stretch">' in article.body_html
    assert article.search_vector
    draft = Article.objects.get(slug="not-finished")
    assert draft.status == Article.Status.DRAFT and not draft.is_public()
    assert Topic.objects.get(slug="self-care").description == "Things to do at home."


def test_loader_is_idempotent(content):
    demo.seed(content)
    once = counts()
    modified = {a.slug: a.updated_at for a in Article.objects.all()}

    demo.seed(content)

    assert counts() == once
    assert {a.slug: a.updated_at for a in Article.objects.all()} == modified


def test_loader_follows_edits_to_the_files(content):
    demo.seed(content)
    path = content / "at-home-stretches-for-upper-back-knots.md"
    path.write_text(
        STRETCHES.replace("Gentle stretching helps.", "Slow stretching helps.").replace(
            "https://example.org/source", "https://example.org/better"
        )
    )

    demo.seed(content)

    article = Article.objects.get(slug="at-home-stretches-for-upper-back-knots")
    assert "Slow stretching helps." in article.body_html
    assert list(article.citations.values_list("url", flat=True)) == ["https://example.org/better"]


def test_loader_adds_one_answered_and_one_pending_question(content):
    demo.seed(content)

    article = Article.objects.get(slug="at-home-stretches-for-upper-back-knots")
    assert article.questions.filter(status="approved").exclude(answer="").count() == 1
    assert article.questions.filter(status="pending", answer="").count() == 1


def test_loader_does_not_undo_a_therapists_work_on_the_demo_questions(content):
    demo.seed(content)
    ReaderQuestion.objects.filter(status="pending").update(status="approved", answer="Done.")
    demo.seed(content)
    assert not ReaderQuestion.objects.filter(status="pending").exists()


def test_unknown_topic_is_reported_with_the_file_name(content):
    (content / "bad.md").write_text(
        DRAFT.replace("slug: not-finished", "slug: bad").replace(
            "[warning-signs, self-care]", "[nope]"
        )
    )
    with pytest.raises(demo.ContentError, match=r"bad\.md.*nope"):
        demo.seed(content)


def test_a_citation_that_is_not_a_web_address_is_reported(content):
    path = content / "at-home-stretches-for-upper-back-knots.md"
    path.write_text(STRETCHES.replace("https://example.org/source", "javascript:alert(1)"))
    with pytest.raises(demo.ContentError, match=r"stretches-for-upper-back-knots\.md.*url"):
        demo.seed(content)


def test_missing_front_matter_is_reported(content):
    (content / "empty.md").write_text("Just text, no front matter.")
    with pytest.raises(demo.ContentError, match=r"empty\.md.*missing title, slug, summary"):
        demo.seed(content)


def test_start_here_and_figure_are_read_and_follow_edits_idempotently(content):
    path = content / "at-home-stretches-for-upper-back-knots.md"
    path.write_text(
        STRETCHES.replace(
            "author: Clinic",
            "start_here: 2\nfigure: illustrations/upper-back-knots.svg\nauthor: Clinic",
        )
    )
    demo.seed(content)
    article = Article.objects.get(slug="at-home-stretches-for-upper-back-knots")
    assert article.start_here == 2
    assert article.figure == "illustrations/upper-back-knots.svg"
    assert Article.objects.get(slug="not-finished").start_here is None

    modified = article.updated_at
    demo.seed(content)
    article.refresh_from_db()
    assert article.updated_at == modified  # nothing changed, nothing saved

    path.write_text(STRETCHES)  # both keys removed from the file
    demo.seed(content)
    article.refresh_from_db()
    assert article.start_here is None and article.figure == ""


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("start_here: first", "start_here must be a whole number"),
        ("start_here: 0", "start_here must be a whole number"),
        ("figure: https://example.com/knots.svg", "figure must be one of"),
    ],
)
def test_bad_start_here_or_figure_is_reported_with_the_file_name(content, line, message):
    path = content / "at-home-stretches-for-upper-back-knots.md"
    path.write_text(STRETCHES.replace("author: Clinic", f"{line}\nauthor: Clinic"))
    with pytest.raises(demo.ContentError, match=rf"stretches-for-upper-back-knots\.md: {message}"):
        demo.seed(content)


def test_a_missing_drawing_is_reported_with_the_file_name(content):
    path = content / "at-home-stretches-for-upper-back-knots.md"
    path.write_text(STRETCHES + "\n![A person](exercises/no-such-drawing.svg)\n")
    with pytest.raises(demo.ContentError, match=r"stretches-for-upper-back-knots\.md: .*no-such"):
        demo.seed(content)


# --- the real content, as `make run` loads it -------------------------------------------------

REQUIRED_SUBJECTS = [
    "what-are-upper-back-knots",
    "why-upper-back-knots-form",
    "muscle-balance-strengthen-back-open-front",
    "what-deep-tissue-therapy-does",
    "at-home-stretches-for-upper-back-knots",
    "desk-setup-and-movement-breaks",
    "sleep-positions-and-pillows-for-upper-back-pain",
    "stress-breathing-and-shoulder-tension",
    "when-to-seek-professional-help",
    "when-upper-back-pain-is-not-a-knot",
]


def test_real_content_loads_at_least_ten_published_articles_of_500_to_1200_words():
    demo.seed()

    articles = list(Article.objects.published().prefetch_related("topics"))
    assert len(articles) >= 10
    assert len(articles) == len(list(demo.CONTENT_DIR.glob("*.md")))
    for article in articles:
        assert 500 <= article.word_count <= 1200, (article.slug, article.word_count)
        assert article.topics.all(), article.slug
        assert article.toc, article.slug
        assert article.medical_reviewer and article.last_reviewed, article.slug
    slugs = {article.slug for article in articles}
    assert set(REQUIRED_SUBJECTS) <= slugs


def test_real_content_cites_its_sources():
    demo.seed()
    assert Citation.objects.count() >= 10
    for citation in Citation.objects.all():
        citation.full_clean()  # a valid http(s) address and a title
        assert citation.url.startswith(("https://", "http://")), citation.url


def test_real_content_is_safe_and_free_of_inline_markup():
    demo.seed()
    for article in Article.objects.all():
        assert "<script" not in article.body_html and "style=" not in article.body_html


def test_real_content_has_a_start_here_order_beginning_with_what_knots_are():
    demo.seed()
    order = list(Article.objects.published().start_here().values_list("slug", flat=True))
    assert order[0] == "what-are-upper-back-knots"
    positions = list(Article.objects.start_here().values_list("start_here", flat=True))
    assert len(positions) == len(set(positions)), "two articles share a start-here place"
    knots = Article.objects.get(slug="what-are-upper-back-knots")
    assert knots.figure == "illustrations/upper-back-knots.svg"


def test_every_drawing_in_the_real_content_is_sized_and_lazy():
    demo.seed()
    for article in Article.objects.all():
        for img in re.findall(r"<img [^>]+>", article.body_html):
            assert re.search(r'width="\d+" height="\d+" loading="lazy" decoding="async"', img), (
                article.slug,
                img,
            )
            assert re.search(r'alt="[^"]{10,}"', img), (article.slug, img)


def test_seed_demo_loads_articles_and_questions_idempotently(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    once = counts()
    call_command("seed_demo")
    assert counts() == once
    assert once["Article"] >= 10 and once["ReaderQuestion"] == 2
    stretches = Article.objects.get(slug="at-home-stretches-for-upper-back-knots")
    answered = stretches.questions.get(status="approved")
    assert answered.answered_by.username == "therapist"
