"""What a request costs, in the facts a regression would change (timing itself is `make bench`'s):
the clinic's settings are read from the database once per change, not once per request or per
caller; an anonymous health check or pre-visit step touches no session row and no table."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.core import models
from clinic.core.models import ClinicSettings

pytestmark = pytest.mark.django_db


def settings_queries(captured) -> list[str]:
    return [q["sql"] for q in captured if "clinic_clinicsettings" in q["sql"]]


@pytest.fixture(autouse=True)
def _fresh_copy():
    models.forget_process_copy()
    yield
    models.forget_process_copy()


def test_a_page_reads_the_settings_once_and_the_next_page_not_at_all(client, deep60, alex):
    ClinicSettings.objects.create(pk=1)
    models.forget_process_copy()
    # /book/ reads them in the time zone middleware, the view, availability and the footer.
    with CaptureQueriesContext(connection) as first:
        assert client.get("/book/?service=deep-tissue-60&therapist=any").status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert client.get("/book/?service=deep-tissue-60&therapist=any").status_code == 200
    assert len(settings_queries(first.captured_queries)) == 1
    assert settings_queries(second.captured_queries) == []


def test_a_saved_change_shows_on_the_next_page(client):
    client.get("/")
    ClinicSettings.objects.update_or_create(pk=1, defaults={"name": "Quiet Hands Studio"})
    assert "Quiet Hands Studio" in client.get("/").content.decode()


def test_a_change_saved_by_another_process_is_read_within_a_second(clock):
    ClinicSettings.load()
    ClinicSettings.objects.filter(pk=1).update(name="Changed elsewhere")  # no save() here
    cache.set(models.VERSION.key, "another-process-saved")  # what the other process's save did
    clock[0] += models.VERSION.recheck_seconds / 2
    assert ClinicSettings.load().name != "Changed elsewhere"
    clock[0] += models.VERSION.recheck_seconds / 2
    assert ClinicSettings.load().name == "Changed elsewhere"


def test_an_emptied_cache_makes_the_row_read_again(clock):
    ClinicSettings.load()
    ClinicSettings.objects.filter(pk=1).update(name="After a flush")
    cache.clear()
    clock[0] += models.VERSION.recheck_seconds
    assert ClinicSettings.load().name == "After a flush"


def test_the_shared_cache_is_asked_at_most_once_a_second(clock, monkeypatch):
    """With Redis each question is a round trip: a process asks once every recheck_seconds."""
    asked = []
    real_get = cache.get
    monkeypatch.setattr(
        cache, "get", lambda key, *a, **k: asked.append(key) or real_get(key, *a, **k)
    )
    ClinicSettings.load()
    asked.clear()
    for _ in range(5):
        clock[0] += 0.1
        ClinicSettings.load()
    assert asked == []
    clock[0] += models.VERSION.recheck_seconds
    ClinicSettings.load()
    assert asked == [models.VERSION.key]


def test_each_caller_gets_its_own_copy():
    ClinicSettings.load().minimum_notice_hours = 999  # a caller changing its copy, unsaved
    assert ClinicSettings.load().minimum_notice_hours != 999


def test_an_anonymous_health_check_touches_no_session_or_table_and_asks_the_database_once(
    client, django_assert_num_queries, monkeypatch
):
    from django.db.backends.postgresql.base import DatabaseWrapper

    asked = []
    is_usable = DatabaseWrapper.is_usable
    monkeypatch.setattr(
        DatabaseWrapper, "is_usable", lambda self: asked.append(1) or is_usable(self)
    )
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert asked == [1]
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies


@pytest.mark.parametrize("path", ["/intake/", "/intake/?step=1", "/intake/?step=2"])
def test_an_anonymous_pre_visit_step_makes_no_query(client, path, django_assert_num_queries):
    client.get(path)  # the process's first page reads the clinic's settings
    with django_assert_num_queries(0):
        response = client.get(path)
    assert response.status_code == 200
    assert "sessionid" not in response.cookies  # nothing was stored for a first look
