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
    assert len(articles) == len(list(demo.CONTENT_DIR.glob("*.md"))) + len(
        list(demo.CONTENT_DIR.glob("es/*.md"))
    )
    for article in articles:
        # Spanish takes about a fifth more words to say the same thing.
        longest = 1200 if article.language == "en" else 1450
        assert 500 <= article.word_count <= longest, (article.slug, article.word_count)
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
    order = list(
        Article.objects.published()
        .filter(language="en")
        .start_here()
        .values_list("slug", flat=True)
    )
    assert order[0] == "what-are-upper-back-knots"
    for language in ("en", "es"):
        positions = list(
            Article.objects.filter(language=language)
            .start_here()
            .values_list("start_here", flat=True)
        )
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


# --- the Spanish articles ---------------------------------------------------------------------

TOPICS_ES = """\
- slug: self-care
  name: Autocuidado en casa
  description: Cosas para hacer en casa.
"""

STRETCHES_ES = """\
---
title: Estiramientos en casa
slug: estiramientos-en-casa
translation_of: at-home-stretches-for-upper-back-knots
summary: Tres estiramientos suaves.
topics: [self-care]
author: Equipo de terapia de la clínica
published: 2026-10-06T09:00:00-06:00
---
Estirarse con suavidad ayuda.

!!! stop "Pare si"
    Siente hormigueo en el brazo.

## Estiramiento en la puerta

1. Párese en una puerta.
"""


@pytest.fixture
def spanish(content):
    (content / "es").mkdir()
    (content / "es" / "topics.yml").write_text(TOPICS_ES)
    (content / "es" / "estiramientos-en-casa.md").write_text(STRETCHES_ES)
    return content


def test_spanish_files_load_as_translations_of_their_english_articles(spanish):
    demo.seed(spanish)

    original = Article.objects.get(slug="at-home-stretches-for-upper-back-knots")
    translation = Article.objects.get(slug="estiramientos-en-casa")
    assert translation.language == "es" and original.language == "en"
    assert translation.translation_of == original
    assert translation.is_public()
    assert '<h2 id="section-estiramiento-en-la-puerta">' in translation.body_html
    assert 'aria-label="Pare si"' in translation.body_html
    assert [topic.slug for topic in translation.topics.all()] == ["self-care"]
    topic = Topic.objects.get(slug="self-care")
    assert (topic.name_en, topic.name_es) == ("Self-care at home", "Autocuidado en casa")
    assert topic.description_es == "Cosas para hacer en casa."
    warning = Topic.objects.get(slug="warning-signs")
    assert warning.name_en == "Warning signs" and not warning.name_es


def test_spanish_loading_is_idempotent_and_follows_edits(spanish):
    demo.seed(spanish)
    once = counts()
    demo.seed(spanish)
    assert counts() == once
    translation = Article.objects.get(slug="estiramientos-en-casa")
    saved_at = translation.updated_at

    demo.seed(spanish)
    translation.refresh_from_db()
    assert translation.updated_at == saved_at  # nothing changed, nothing saved

    (spanish / "es" / "estiramientos-en-casa.md").write_text(
        STRETCHES_ES.replace("Estirarse con suavidad ayuda.", "Moverse un poco ayuda.")
    )
    demo.seed(spanish)
    translation.refresh_from_db()
    assert "Moverse un poco ayuda." in translation.body_html
    assert Article.objects.filter(language="es").count() == 1


def test_a_translation_naming_no_english_article_is_reported(spanish):
    path = spanish / "es" / "estiramientos-en-casa.md"
    path.write_text(STRETCHES_ES.replace("at-home-stretches-for-upper-back-knots", "no-such"))
    with pytest.raises(demo.ContentError, match=r"estiramientos-en-casa\.md: translation_of"):
        demo.seed(spanish)

    path.write_text(
        STRETCHES_ES.replace("translation_of: at-home-stretches-for-upper-back-knots\n", "")
    )
    with pytest.raises(demo.ContentError, match="missing translation_of"):
        demo.seed(spanish)


def test_an_unknown_topic_in_the_spanish_topics_is_reported(spanish):
    (spanish / "es" / "topics.yml").write_text("- slug: nope\n  name: Nada\n")
    with pytest.raises(demo.ContentError, match=r"es/topics\.yml: unknown topic 'nope'"):
        demo.seed(spanish)


def test_every_real_spanish_article_translates_an_english_one_in_its_place():
    demo.seed()

    translations = list(Article.objects.filter(language="es").select_related("translation_of"))
    assert len(translations) == len(list(demo.CONTENT_DIR.glob("es/*.md")))
    for translation in translations:
        original = translation.translation_of
        assert original is not None and original.language == "en", translation.slug
        assert translation.slug != original.slug
        assert translation.start_here == original.start_here, translation.slug
        assert translation.figure == original.figure, translation.slug
        assert {t.slug for t in translation.topics.all()} == {
            t.slug for t in original.topics.all()
        }, translation.slug
    assert all(topic.name_es for topic in Topic.objects.all())
