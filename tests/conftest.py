import pytest
from django.core.cache import cache
from django.core.signals import setting_changed
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.core import cache as shared_versions
from clinic.core.cache import SharedVersion
from clinic.core.models import forget_process_copy
from clinic.core.roles import FRONT_DESK, THERAPISTS, sync_groups
from tests.factories import make_service, make_staff, make_therapist
from tests.html_checks import inline_code_problems


@pytest.fixture(autouse=True)
def _isolated(settings):
    """Tasks run at once in tests, and no cached value leaks from one test to the next."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    cache.clear()
    _forget_process_copies()
    yield
    cache.clear()
    _forget_process_copies()


def _forget_process_copies(setting="CACHES", **kwargs):
    """No process copy of what the shared cache held (versions, the clinic settings row): the
    database rolls back between tests and the cache is emptied or swapped, and a copy read
    within the last second would not notice."""
    if setting == "CACHES":
        SharedVersion.forget_all()
        forget_process_copy()


# A test that swaps the cache for another (Redis, a cache of its own) starts from nothing too.
setting_changed.connect(_forget_process_copies, dispatch_uid="tests-forget-process-copies")


@pytest.fixture
def clock(monkeypatch):
    """This process's monotonic clock, moved by hand (for what is kept per process: see
    clinic.core.cache.SharedVersion)."""
    now = [1000.0]
    monkeypatch.setattr(shared_versions.time, "monotonic", lambda: now[0])
    return now


@pytest.fixture
def groups(db):
    return sync_groups()


@pytest.fixture
def therapist(groups):
    return make_staff("tess", groups=[groups[THERAPISTS]])


@pytest.fixture
def front_desk(groups):
    return make_staff("frank", groups=[groups[FRONT_DESK]])


def sign_in_with_second_factor(client, user):
    """A staff session as after a password and an authenticator code (django-otp)."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def therapist_client(client, therapist):
    return sign_in_with_second_factor(client, therapist)


@pytest.fixture
def front_desk_client(client, front_desk):
    return sign_in_with_second_factor(client, front_desk)


# --- booking (clinic) ----------------------------------------------------------------------------


@pytest.fixture
def deep60(db):
    return make_service("deep-tissue-60", minutes=60, buffer=15, name="Deep tissue 60")


@pytest.fixture
def alex(db):
    """A therapist working 9:00-17:00 every day of the week (clinic time)."""
    return make_therapist("alex", display_name="Alex Morgan")


@pytest.fixture
def sam(db):
    """A second therapist, working 12:00-20:00 every day."""
    return make_therapist("sam", hours=((12, 0, 20, 0),), display_name="Sam Rivera")


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's superuser client, signed in with both factors like every staff user."""
    return sign_in_with_second_factor(client, admin_user)


@pytest.fixture(autouse=True)
def _every_page_is_csp_clean(monkeypatch):
    """Parse every HTML response a test client receives and fail on inline script or style,
    which the Content Security Policy would block in a browser."""
    original = Client.request

    def checked_request(self, **request):
        response = original(self, **request)
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html") and not response.streaming:
            problems = inline_code_problems(response.content.decode(errors="replace"))
            assert not problems, f"{request.get('PATH_INFO')}: {problems}"
        return response

    monkeypatch.setattr(Client, "request", checked_request)
