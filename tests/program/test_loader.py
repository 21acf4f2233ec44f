import io
import shutil
from pathlib import Path

import pytest

from clinic.program import loader
from clinic.program.models import Lesson
from education import rendering

SLUGS = [
    "starting-safely",
    "understanding-your-knot",
    "settling-a-flare",
    "daily-mobility",
    "opening-the-front-and-sides",
    "building-your-back",
    "desk-phone-stress-and-sleep",
    "self-massage-and-keeping-it-going",
]


def test_the_eight_lessons_load_in_order_with_their_drawings(lessons):
    assert [lesson.slug for lesson in lessons] == SLUGS
    assert [lesson.order for lesson in lessons] == list(range(1, 9))
    assert all(1 <= lesson.week <= 6 for lesson in lessons)
    drawn = [lesson for lesson in lessons if 'src="program/' in lesson.body_html]
    assert len(drawn) >= 5  # every exercise lesson keeps its program/ drawings
    assert 'id="section-your-flare-up-plan"' in lessons[7].body_html
    assert 'class="callout callout-stop"' in lessons[0].body_html or any(
        "callout-stop" in lesson.body_html for lesson in lessons
    )
    assert "<script" not in "".join(lesson.body_html for lesson in lessons)


def test_the_spanish_lessons_load_as_translations_in_the_same_places(lessons, spanish_lessons):
    assert len(spanish_lessons) == 8
    by_original = {lesson.translation_of.slug: lesson for lesson in spanish_lessons}
    assert set(by_original) == set(SLUGS)
    for original in lessons:
        translated = by_original[original.slug]
        assert (translated.order, translated.week) == (original.order, original.week)
        assert translated.slug != original.slug
        assert translated.related_articles  # English article slugs, linked in Spanish
    first = by_original["starting-safely"]
    assert (first.slug, first.title) == ("empezar-con-seguridad", "Empezar con seguridad")
    assert "Le damos la bienvenida" in first.body_html
    assert 'src="program/' in by_original["building-your-back"].body_html


def test_loading_twice_changes_nothing(lessons):
    before = {lesson.slug: lesson.updated_at for lesson in Lesson.objects.all()}
    results = loader.load()
    counts = {code: (r.created, r.updated, r.unchanged) for code, r in results.items()}
    assert counts == {"en": (0, 0, 8), "es": (0, 0, 8)}
    assert {lesson.slug: lesson.updated_at for lesson in Lesson.objects.all()} == before
    assert Lesson.objects.count() == 16


def test_load_program_reports_both_languages(db):
    from django.core.management import call_command

    from education import demo

    demo.seed()
    out = io.StringIO()
    call_command("load_program", stdout=out)
    assert "Program lessons (en): 8 created, 0 updated, 0 unchanged." in out.getvalue()
    assert "Program lessons (es): 8 created, 0 updated, 0 unchanged." in out.getvalue()
    out = io.StringIO()
    call_command("load_program", stdout=out)
    assert "(es): 0 created, 0 updated, 8 unchanged." in out.getvalue()


def test_readme_is_not_a_lesson_and_each_folder_holds_eight():
    files = loader.lesson_files(loader.CONTENT_DIR)
    assert all(path.name != "README.md" for path in files)
    assert all(path.parent == loader.CONTENT_DIR for path in files)
    assert len(files) == 8
    assert len(loader.lesson_files(loader.CONTENT_DIR / "es")) == 8


def test_the_image_rule_accepts_program_drawings():
    assert rendering.IMAGE_SOURCE.fullmatch("program/band-row-1.svg")
    assert not rendering.IMAGE_SOURCE.fullmatch("programs/band-row-1.svg")
    html = rendering.render_markdown("![A band row](program/band-row-1.svg)\n").html
    assert '<img src="program/band-row-1.svg"' in html and 'loading="lazy"' in html


@pytest.fixture
def content(tmp_path, lessons):
    folder = tmp_path / "program"
    shutil.copytree(loader.CONTENT_DIR, folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("daily-mobility.md", "order: 4", "order: 3", "orders must be exactly 1 to 8"),
        ("daily-mobility.md", "week: 2", "week: 9", "week must be a whole number from 1 to 6"),
        ("daily-mobility.md", "minutes:", "minuets:", "unknown front matter keys"),
        ("daily-mobility.md", "slug: daily-mobility", "slug: other", "must be the file's name"),
        ("starting-safely.md", "related_articles: [", "related_articles: [no-such-article, ", "names no article"),
        ("building-your-back.md", "(program/", "(program/missing-", "There is no drawing"),
    ],
)  # fmt: skip
def test_a_broken_lesson_stops_the_load_naming_the_file(content, file, old, new, message):
    _edit(content / file, old, new)
    with pytest.raises(loader.LessonError, match=message) as error:
        loader.load(content)
    assert "program" in str(error.value)
    # Nothing was written: the rows are as before.
    assert Lesson.objects.get(slug="daily-mobility").order == 4


def test_a_reordered_lesson_set_swaps_places(content):
    _edit(content / "settling-a-flare.md", "order: 3", "order: 2")
    _edit(content / "understanding-your-knot.md", "order: 2", "order: 3")
    _edit(content / "es" / "calmar-una-recaida.md", "order: 3", "order: 2")
    _edit(content / "es" / "entender-su-nudo.md", "order: 2", "order: 3")
    loader.load(content)
    assert Lesson.objects.get(slug="settling-a-flare").order == 2
    assert Lesson.objects.get(slug="understanding-your-knot").order == 3
    assert Lesson.objects.get(slug="calmar-una-recaida").order == 2
    assert Lesson.objects.get(slug="entender-su-nudo").order == 3


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("movilidad-diaria.md", "translation_of: daily-mobility", "translation_of: no-such-lesson", "names no English lesson"),
        ("movilidad-diaria.md", "translation_of: daily-mobility\n", "", "translation_of must name"),
        ("movilidad-diaria.md", "translation_of: daily-mobility", "translation_of: settling-a-flare", "translated twice"),
        ("movilidad-diaria.md", "order: 4", "order: 5", "order is 5, but its original's is 4"),
        ("movilidad-diaria.md", "week: 2", "week: 3", "week is 3, but its original's is 2"),
        ("movilidad-diaria.md", "translated: 2026-12-01", "translated: pronto", "translated must be a date"),
        ("movilidad-diaria.md", "\n## ", "\n## Una sección de más\n\nTexto.\n\n## ", "differ from daily-mobility.md"),
        ("movilidad-diaria.md", "related_articles: [", "related_articles: [no-such-article, ", "names no article"),
    ],
)  # fmt: skip
def test_a_broken_translation_stops_the_load_naming_the_file(content, file, old, new, message):
    _edit(content / "es" / file, old, new)
    with pytest.raises(loader.LessonError, match=message) as error:
        loader.load(content)
    assert "es/" in str(error.value)
    assert Lesson.objects.get(slug="movilidad-diaria").order == 4
    assert Lesson.objects.count() == 16


def test_a_spanish_slug_cannot_be_an_english_lessons(content):
    old = content / "es" / "movilidad-diaria.md"
    _edit(old, "slug: movilidad-diaria", "slug: daily-mobility")
    old.rename(content / "es" / "daily-mobility.md")
    with pytest.raises(loader.LessonError, match="already another lesson's"):
        loader.load(content)


def test_a_missing_translation_is_removed_and_the_english_lesson_stays(content):
    (content / "es" / "movilidad-diaria.md").unlink()
    results = loader.load(content)
    assert results["es"].deleted == 1 and results["es"].unchanged == 7
    assert not Lesson.objects.filter(slug="movilidad-diaria").exists()
    spanish = Lesson.objects.in_language("es").order_by("order")
    assert [(lesson.order, lesson.language) for lesson in spanish][3] == (4, "en")
    assert spanish.count() == 8


def test_the_database_keeps_one_translation_per_language_and_none_in_english(spanish_lessons):
    from django.db import IntegrityError, transaction

    original = spanish_lessons[0].translation_of
    copy = {
        field: getattr(spanish_lessons[0], field)
        for field in ("order", "week", "title", "summary", "goal", "minutes", "body", "author")
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Lesson.objects.create(
            slug="otra", language="es", translation_of=original, **{**copy, "order": 8}
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Lesson.objects.create(slug="other", language="en", translation_of=original, **copy)
    with pytest.raises(IntegrityError), transaction.atomic():
        Lesson.objects.create(slug="sin-original", language="es", **copy)
