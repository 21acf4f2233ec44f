import pytest

from clinic.program import loader
from education import demo


@pytest.fixture
def lessons(db):
    """The eight real lessons, loaded as `make run` loads them (after the articles they name)."""
    demo.seed()
    loader.load()
    from clinic.program.models import Lesson

    return list(Lesson.objects.order_by("order"))
