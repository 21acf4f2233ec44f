import pytest

from clinic.program import loader
from education import demo


@pytest.fixture
def lessons(db):
    """The eight real English lessons, loaded as `make run` loads them (after the articles
    they name), with their Spanish translations."""
    demo.seed()
    loader.load()
    from clinic.program.models import Lesson

    return list(Lesson.objects.originals().order_by("order"))


@pytest.fixture
def spanish_lessons(lessons):
    """The eight Spanish lessons, in the same order as `lessons`."""
    from clinic.program.models import Lesson

    return list(Lesson.objects.filter(language="es").select_related("translation_of"))
