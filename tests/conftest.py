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
