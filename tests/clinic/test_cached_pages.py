"""The clinic's front pages from the shared cache: one copy per language, fresh after an edit,
and never the copy a signed-in or mid-journey visitor sees."""

import uuid

import pytest
from django.apps import apps
from django.core.cache import caches
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.test import Client
from django.test.utils import CaptureQueriesContext

from clinic.booking import catalogue
from clinic.booking.models import Service, Therapist
from clinic.core import page_cache
from clinic.core.models import ClinicSettings
from education.models import Article
from tests.factories import make_article, make_question, make_service, make_therapist, make_topic

pytestmark = pytest.mark.django_db

CACHED_PAGES = ["/", "/services/", "/therapists/", "/visit/", "/robots.txt", "/es/", "/es/visit/"]


@pytest.fixture(autouse=True)
def own_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"front-pages-{uuid.uuid4().hex}",
        },
    }
    settings.PAGE_CACHE_ENABLED = True
    ClinicSettings.load()
    return caches["default"]


@pytest.fixture
def front(db):
    make_service("deep-tissue-60", name="Deep tissue 60", name_es="Tejido profundo 60")
    make_therapist("alex", display_name="Alex Morgan")
    return make_article("Why knots come back")


def stored_pages(cache) -> int:
    return sum(1 for key in cache._cache if page_cache.KEY_PREFIX in key)


@pytest.mark.parametrize("url", CACHED_PAGES)
def test_the_second_reader_of_a_front_page_costs_no_query(
    front, url, django_assert_num_queries, own_cache
):
    first = Client().get(url)
    with django_assert_num_queries(0):
        second = Client().get(url)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert stored_pages(own_cache) == 1


def test_each_language_has_its_own_copy(front, own_cache):
    english = Client().get("/services/")
    spanish = Client().get("/es/services/")
    english_again = Client().get("/services/")

    assert english["Content-Language"] == english_again["Content-Language"] == "en"
    assert spanish["Content-Language"] == "es"
    assert b"Deep tissue 60" in english_again.content
    assert b"Tejido profundo 60" in spanish.content
    assert stored_pages(own_cache) == 2


def test_head_of_a_front_page_answers_like_its_get(front):
    page = Client().get("/")
    head = Client().head("/")
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Length"] == page["Content-Length"]


def test_a_signed_in_therapist_sees_the_page_as_it_is_now_and_stores_nothing(
    front, therapist_client, own_cache
):
    therapist_client.get("/")
    assert stored_pages(own_cache) == 0

    Client().get("/")
    # The home page's newest articles are read afresh for each page it renders.
    Article.objects.update(title="Renamed without a signal")
    assert b"Renamed without a signal" in therapist_client.get("/").content
    assert b"Renamed without a signal" not in Client().get("/").content
    assert stored_pages(own_cache) == 1


def test_the_finish_message_reaches_only_the_visitor_who_finished(front, own_cache):
    reader = Client()
    reader.get("/")
    finished = Client()
    session = finished.session
    session["anything"] = "a journey in progress"
    session.save()

    after = finished.post("/finish/", follow=True)
    assert b"Nothing of your visit is left on this device" in after.content
    assert b"Nothing of your visit is left on this device" not in reader.get("/").content
    assert b"Nothing of your visit is left on this device" not in Client().get("/").content


@pytest.mark.parametrize(
    ("url", "change", "now_shown"),
    [
        ("/", "article", b"Knots, again"),
        ("/services/", "service", b"Deep tissue 75"),
        ("/es/services/", "service_es", b"Sesi\xc3\xb3n larga"),
        ("/therapists/", "therapist", b"Alexandra Morgan"),
        ("/visit/", "clinic", b"Knot Clinic Downtown"),
    ],
)
def test_an_edit_is_what_the_next_reader_sees(front, url, change, now_shown):
    Client().get(url)
    if change == "article":
        front.title = "Knots, again"
        front.save()
    elif change == "service":
        service = Service.objects.get()
        service.name = "Deep tissue 75"
        service.save()
    elif change == "service_es":
        service = Service.objects.get()
        service.name_es = "Sesión larga"
        service.save()
    elif change == "therapist":
        therapist = Therapist.objects.get()
        therapist.display_name = "Alexandra Morgan"
        therapist.save()
    else:
        clinic = ClinicSettings.load()
        clinic.name = "Knot Clinic Downtown"
        clinic.save()
    assert now_shown in Client().get(url).content


def test_a_deleted_article_leaves_the_home_page(front):
    assert b"Why knots come back" in Client().get("/").content
    front.delete()
    assert b"Why knots come back" not in Client().get("/").content


def queries_for(url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("change", [make_topic, lambda: make_question(Article.objects.get())])
def test_a_new_topic_or_reader_question_renders_the_pages_afresh(front, change):
    queries_for("/")
    assert queries_for("/") == 0
    change()
    assert queries_for("/") > 0
    assert queries_for("/") == 0


def test_every_content_model_is_watched(settings):
    """By the page cache's own receivers (other apps listen to some of these models too)."""
    for signal in (post_save, post_delete):
        connected = {receiver[0][0] for receiver in signal.receivers}
        for label in settings.PAGE_CACHE_MODELS:
            apps.get_model(label)  # a label that names no model fails here
            assert f"page-cache:{label}" in connected, (signal, label)


def test_the_public_copy_is_dropped_by_invalidate_after_a_bulk_change(front):
    Client().get("/")
    Article.objects.update(title="Bulk renamed")
    assert b"Bulk renamed" not in Client().get("/").content
    page_cache.invalidate()
    assert b"Bulk renamed" in Client().get("/").content


def test_a_process_that_sees_new_content_reads_its_kept_lists_again(front, own_cache, clock):
    """Another process saved a therapist: it bumped the booking catalogue's version, then the
    pages'. This process trusts its lists for a second, but a page it renders under the new page
    version must not be built from (and stored with) the old lists."""
    Client().get("/")  # this process now keeps the services and therapists lists
    Therapist.objects.filter(slug="alex").update(display_name="Alex Renamed-Elsewhere")
    own_cache.set(catalogue.VERSION.key, "another-process-catalogue", None)
    own_cache.set(page_cache.VERSION.key, "another-process-pages", None)
    clock[0] += 0.1  # well inside the second the kept lists are trusted for
    assert "Alex Renamed-Elsewhere" in Client().get("/therapists/").content.decode()


def test_a_saved_session_bumps_the_catalogue_before_the_pages(front, own_cache):
    order = []
    versions = (catalogue.VERSION, page_cache.VERSION)
    for version in versions:
        version.bump = (lambda original, name: lambda: order.append(name) or original())(
            version.bump, version.key
        )
    try:
        Service.objects.filter(slug="deep-tissue-60").get().save()
    finally:
        for version in versions:
            del version.bump
    assert order[-2:] == [catalogue.VERSION.key, page_cache.VERSION.key]
