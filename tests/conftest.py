import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from clinic.roles import FRONT_DESK, THERAPISTS, sync_groups


@pytest.fixture(autouse=True)
def _isolated(settings):
    """Tasks run at once in tests, and no cached value leaks from one test to the next."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def groups(db):
    return sync_groups()


@pytest.fixture
def therapist(groups):
    user = get_user_model().objects.create_user(
        "tess", email="tess@clinic.example", password="a-long-test-password", is_staff=True
    )
    user.groups.add(groups[THERAPISTS])
    return user


@pytest.fixture
def front_desk(groups):
    user = get_user_model().objects.create_user(
        "frank", email="frank@clinic.example", password="a-long-test-password", is_staff=True
    )
    user.groups.add(groups[FRONT_DESK])
    return user


@pytest.fixture
def therapist_client(client, therapist):
    client.force_login(therapist)
    return client


@pytest.fixture
def front_desk_client(client, front_desk):
    client.force_login(front_desk)
    return client


# --- booking (clinic) ----------------------------------------------------------------------------


@pytest.fixture
def deep60(db):
    from tests.clinic.booking_support import make_service

    return make_service("deep-tissue-60", minutes=60, buffer=15, name="Deep tissue 60")


@pytest.fixture
def alex(db):
    """A therapist working 9:00-17:00 every day of the week (clinic time)."""
    from tests.clinic.booking_support import make_therapist

    return make_therapist("alex", display_name="Alex Morgan")


@pytest.fixture
def sam(db):
    """A second therapist, working 12:00-20:00 every day."""
    from tests.clinic.booking_support import make_therapist

    return make_therapist("sam", hours=((12, 0, 20, 0),), display_name="Sam Rivera")
