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


def test_loading_twice_changes_nothing(lessons):
    before = {lesson.slug: lesson.updated_at for lesson in Lesson.objects.all()}
    result = loader.load()
    assert (result.created, result.updated, result.unchanged) == (0, 0, 8)
    assert {lesson.slug: lesson.updated_at for lesson in Lesson.objects.all()} == before


def test_readme_and_the_spanish_folder_are_not_lessons():
    files = loader.lesson_files(loader.CONTENT_DIR)
    assert all(path.name != "README.md" for path in files)
    assert all(path.parent == loader.CONTENT_DIR for path in files)
    assert len(files) == 8


def test_the_image_rule_accepts_program_drawings():
    assert rendering.IMAGE_SOURCE.fullmatch("program/band-row-1.svg")
    assert not rendering.IMAGE_SOURCE.fullmatch("programs/band-row-1.svg")
    html = rendering.render_markdown("![A band row](program/band-row-1.svg)\n").html
    assert '<img src="program/band-row-1.svg"' in html and 'loading="lazy"' in html


@pytest.fixture
def content(tmp_path, lessons):
    folder = tmp_path / "program"
    shutil.copytree(loader.CONTENT_DIR, folder, ignore=shutil.ignore_patterns("es"))
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
    loader.load(content)
    assert Lesson.objects.get(slug="settling-a-flare").order == 2
    assert Lesson.objects.get(slug="understanding-your-knot").order == 3
