"""The shared page cache cannot leak: two browsers, one cache.

The pages here are this module's own small views (see urlpatterns below), each opted in with
cache_public_page and served through the project's full middleware stack.
"""

import uuid

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse, StreamingHttpResponse
from django.middleware.csrf import get_token
from django.template import engines
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.vary import vary_on_cookie

from clinic.core import cache as shared_versions
from clinic.core import page_cache
from clinic.core.models import ClinicSettings
from clinic.core.page_cache import cache_public_page

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.test_page_cache")]

RENDERS = {"count": 0}


def _page(text: str) -> HttpResponse:
    RENDERS["count"] += 1
    # Long enough to be compressed when the browser accepts gzip.
    return HttpResponse(f"<p>{text} (render {RENDERS['count']})</p>" + "<!-- padding -->" * 30)


@cache_public_page()
def plain(request):
    return _page("the same for everyone")


@cache_public_page(query=("page",))
def listing(request):
    return _page(f"page {request.GET.get('page', '1')}")


@cache_public_page()
def sets_cookie(request):
    response = _page("with a cookie")
    response.set_cookie("seen", "yes")
    return response


@cache_public_page()
def uses_csrf(request):
    RENDERS["count"] += 1
    form = engines["django"].from_string("<form>{% csrf_token %}</form>")
    return HttpResponse(form.render({}, request))


@cache_public_page()
def reads_csrf_token(request):
    get_token(request)
    return _page("token read")


@cache_public_page()
def shows_message(request):
    messages.info(request, "Saved.")
    return _page("with a message")


@cache_public_page()
@vary_on_cookie
def varies_on_cookie(request):
    return _page("varies on cookie")


@cache_public_page()
@never_cache
def not_stored(request):
    return _page("never cache")


@cache_public_page()
def private(request):
    response = _page("private")
    response["Cache-Control"] = "private"
    return response


@cache_public_page()
def not_found(request):
    RENDERS["count"] += 1
    return HttpResponse("missing", status=404)


@cache_public_page()
def streamed(request):
    RENDERS["count"] += 1
    return StreamingHttpResponse(iter([b"one", b"two"]))


@cache_public_page()
def reads_session(request):
    RENDERS["count"] += 1
    return HttpResponse(f"hello {request.session.get('name', 'stranger')}")


@cache_public_page()
def with_nonce_policy(request):
    response = _page("nonce")
    response["Content-Security-Policy"] = "script-src 'nonce-abc123'"
    return response


@cache_public_page()
def edited_while_rendering(request):
    page_cache.invalidate()  # an editor saves an article while this page renders
    return _page("rendered while an editor saved")


def uncached(request):
    return _page("not opted in")


urlpatterns = [
    path("plain/", plain),
    path("listing/", listing),
    path("sets-cookie/", sets_cookie),
    path("uses-csrf/", uses_csrf),
    path("reads-csrf-token/", reads_csrf_token),
    path("shows-message/", shows_message),
    path("varies-on-cookie/", varies_on_cookie),
    path("never-cache/", not_stored),
    path("private/", private),
    path("not-found/", not_found),
    path("streamed/", streamed),
    path("reads-session/", reads_session),
    path("nonce/", with_nonce_policy),
    path("edited-while-rendering/", edited_while_rendering),
    path("uncached/", uncached),
]


@pytest.fixture(autouse=True)
def own_cache(settings):
    """A cache of this test's own (the real Django cache API, local memory)."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"page-cache-test-{uuid.uuid4().hex}",
        },
    }
    settings.PAGE_CACHE_ENABLED = True
    ClinicSettings.load()  # its first load creates the row, which is a change of content
    RENDERS["count"] = 0
    yield caches["default"]


def stored_pages(cache) -> int:
    return sum(1 for key in cache._cache if page_cache.KEY_PREFIX in key)


def renders_of(client, url: str, **extra) -> int:
    before = RENDERS["count"]
    client.get(url, **extra)
    return RENDERS["count"] - before


# --- served from the cache ------------------------------------------------------------------------


def test_second_anonymous_reader_gets_the_stored_page_without_the_view_or_the_database(
    client, django_assert_num_queries, own_cache
):
    first = client.get("/plain/")
    other_reader = client.__class__()
    with django_assert_num_queries(0):
        second = other_reader.get("/plain/")

    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert RENDERS["count"] == 1
    assert stored_pages(own_cache) == 1


def test_a_hit_carries_the_headers_the_page_had_but_its_own_request_id(client):
    first = client.get("/plain/", HTTP_ACCEPT_ENCODING="gzip")
    second = client.get("/plain/", HTTP_ACCEPT_ENCODING="gzip")

    assert RENDERS["count"] == 1
    assert second["Content-Encoding"] == "gzip"
    for header in (
        "Content-Type",
        "Content-Length",
        "Content-Language",
        "Content-Encoding",
        "Vary",
        "Content-Security-Policy",
        "X-Frame-Options",
        "Permissions-Policy",
        "X-Content-Type-Options",
    ):
        assert second[header] == first[header], header
    assert second["X-Request-ID"] != first["X-Request-ID"]


def test_compressed_and_plain_copies_are_kept_apart(client, own_cache):
    compressed = client.get("/plain/", HTTP_ACCEPT_ENCODING="gzip, br")
    plain_reader = client.get("/plain/")
    plain_again = client.get("/plain/")

    assert compressed["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain_reader
    assert plain_again.content.startswith(b"<p>the same for everyone")
    assert stored_pages(own_cache) == 2


def test_head_is_answered_from_the_stored_page_without_a_body(client):
    page = client.get("/plain/")
    head = client.head("/plain/")

    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Length"] == page["Content-Length"]
    assert RENDERS["count"] == 1


def test_a_head_first_fills_the_cache_for_the_next_get(client):
    client.head("/plain/")
    page = client.get("/plain/")

    assert RENDERS["count"] == 1
    assert page.content.startswith(b"<p>the same for everyone (render 1)")


def test_post_never_reaches_the_cache(client, own_cache):
    client.get("/plain/")
    assert renders_of(client, "/plain/") == 0
    before = RENDERS["count"]
    client.post("/plain/")
    assert RENDERS["count"] == before + 1


def test_pages_not_opted_in_are_never_stored(client, own_cache):
    client.get("/uncached/")
    assert renders_of(client, "/uncached/") == 1
    assert stored_pages(own_cache) == 0


def test_turned_off_nothing_is_stored(client, settings, own_cache):
    settings.PAGE_CACHE_ENABLED = False
    client.get("/plain/")
    assert renders_of(client, "/plain/") == 1
    assert stored_pages(own_cache) == 0


# --- never shared --------------------------------------------------------------------------------


def test_a_browser_with_a_session_cookie_never_gets_the_stored_copy_nor_fills_it(
    client, settings, own_cache
):
    with_session = client.__class__()
    with_session.cookies[settings.SESSION_COOKIE_NAME] = "some-session"

    with_session.get("/plain/")
    assert stored_pages(own_cache) == 0

    client.get("/plain/")
    assert stored_pages(own_cache) == 1
    assert renders_of(with_session, "/plain/") == 1
    assert renders_of(client, "/plain/") == 0


def test_a_session_the_view_reads_is_kept_out_of_the_cache(client, own_cache):
    named = client.__class__()
    session = named.session
    session["name"] = "Dana"
    session.save()

    assert named.get("/reads-session/").content == b"hello Dana"
    assert client.get("/reads-session/").content == b"hello stranger"
    assert named.get("/reads-session/").content == b"hello Dana"
    assert stored_pages(own_cache) == 0


def test_signed_in_staff_never_see_nor_store_the_public_copy(client, therapist_client, own_cache):
    therapist_client.get("/plain/")
    assert stored_pages(own_cache) == 0

    anonymous = client.__class__()
    anonymous.get("/plain/")
    assert renders_of(therapist_client, "/plain/") == 1
    assert stored_pages(own_cache) == 1


def test_a_request_with_authorization_is_not_served_from_the_cache(client):
    client.get("/plain/")
    assert renders_of(client, "/plain/", HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz") == 1


@pytest.mark.parametrize(
    "url",
    [
        "/sets-cookie/",
        "/uses-csrf/",
        "/reads-csrf-token/",
        "/shows-message/",
        "/varies-on-cookie/",
        "/never-cache/",
        "/private/",
        "/not-found/",
        "/streamed/",
        "/nonce/",
    ],
)
def test_a_response_with_anything_personal_or_unusual_is_not_stored(client, own_cache, url):
    client.get(url)
    other_reader = client.__class__()
    assert renders_of(other_reader, url) == 1
    assert stored_pages(own_cache) == 0


def test_the_csrf_token_of_one_reader_never_reaches_another(client):
    first = client.__class__().get("/uses-csrf/").content
    second = client.__class__().get("/uses-csrf/").content
    assert b"csrfmiddlewaretoken" in first
    assert first != second


def test_a_reader_with_a_message_waiting_gets_the_page_fresh(client):
    client.get("/plain/")
    waiting = client.__class__()
    waiting.cookies[CookieStorage.cookie_name] = "anything"
    assert renders_of(waiting, "/plain/") == 1


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "utm_source=mail",
        "page=abc",
        "page=0",
        "page=12345",
        "page=2&page=3",
        "page=2&x=1",
        "page=%00",
        "page=2%0A",
    ],
)
def test_a_query_string_the_page_does_not_name_is_served_fresh_and_not_stored(
    client, own_cache, query
):
    client.get(f"/listing/?{query}")
    assert renders_of(client, f"/listing/?{query}") == 1
    assert stored_pages(own_cache) == 0


def test_allowed_parameters_are_stored_per_value_and_in_any_order(client, own_cache):
    client.get("/listing/?page=2")
    assert renders_of(client, "/listing/?page=2") == 0
    assert b"page 2" in client.get("/listing/?page=2").content
    assert renders_of(client, "/listing/?page=3") == 1
    assert stored_pages(own_cache) == 2


def test_a_flood_of_made_up_query_strings_leaves_the_cache_as_it_was(client, own_cache):
    client.get("/plain/")
    for number in range(200):
        client.get(f"/plain/?q={number}")
        client.get(f"/listing/?page=1&ref={number}")
    assert stored_pages(own_cache) == 1


def test_a_huge_query_string_is_not_even_parsed(client, rf):
    many_fields = "&".join(f"f{number}=1" for number in range(1200))
    assert client.get(f"/plain/?{many_fields}").status_code == 200
    assert renders_of(client, f"/plain/?{many_fields}") == 1

    policy = cache_public_page(query=dict.fromkeys("abcd", "x+"))(uncached).page_cache_policy
    short = rf.get("/", dict.fromkeys("abcd", "x" * 10))
    long = rf.get("/", dict.fromkeys("abcd", "x" * 70))
    assert policy.canonical_query(short) == "&".join(f"{name}={'x' * 10}" for name in "abcd")
    assert policy.canonical_query(long) is None


def test_keys_hold_no_raw_input(rf):
    request = rf.get("/plain/", HTTP_HOST="testserver")
    key = page_cache.page_key(request, "en", "page=2")
    assert key.startswith(page_cache.KEY_PREFIX)
    assert len(key) == len(page_cache.KEY_PREFIX) + 64
    assert "plain" not in key and "page" not in key.removeprefix(page_cache.KEY_PREFIX)


def test_an_unknown_host_is_not_looked_up(client, own_cache):
    assert client.get("/plain/", HTTP_HOST="evil.example").status_code == 400
    assert stored_pages(own_cache) == 0


def test_a_parameter_without_a_pattern_is_refused_when_the_view_is_declared():
    with pytest.raises(ImproperlyConfigured):
        cache_public_page(query=("q",))


# --- invalidation --------------------------------------------------------------------------------


def test_invalidate_makes_every_stored_page_stale(client):
    client.get("/plain/")
    client.get("/listing/")
    page_cache.invalidate()
    assert renders_of(client, "/plain/") == 1
    assert renders_of(client, "/listing/") == 1
    assert renders_of(client, "/plain/") == 0


def test_a_page_rendered_while_content_changes_is_not_kept_as_current(client):
    client.get("/edited-while-rendering/")
    assert renders_of(client, "/edited-while-rendering/") == 1


def test_a_save_invalidates_again_when_its_transaction_commits(
    client, django_capture_on_commit_callbacks
):
    from tests.factories import make_topic

    with django_capture_on_commit_callbacks() as callbacks:
        make_topic("Posture")
        client.get("/plain/")
    assert renders_of(client, "/plain/") == 0
    for callback in callbacks:
        callback()
    assert renders_of(client, "/plain/") == 1


# --- Redis, when there is one ----------------------------------------------------------------------


def _redis_reachable() -> bool:
    try:
        import redis

        return redis.Redis("127.0.0.1", 6379, socket_connect_timeout=0.2).ping()
    except Exception:
        return False


@pytest.fixture
def redis_cache(settings):
    if not _redis_reachable():
        pytest.skip("no Redis at 127.0.0.1:6379")
    prefix = f"test-page-cache-{uuid.uuid4().hex}"
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "clinic.core.cache.SharedRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": prefix,
        },
    }
    ClinicSettings.load()
    shared = caches["default"]
    yield shared
    raw = shared._cache.get_client()
    for key in raw.scan_iter(f"{prefix}:*"):
        raw.delete(key)


def test_the_same_rules_hold_in_redis(client, redis_cache, django_assert_num_queries):
    first = client.get("/plain/").content
    with django_assert_num_queries(0):
        assert client.__class__().get("/plain/").content == first
    assert renders_of(client, "/plain/?junk=1") == 1
    page_cache.invalidate()
    assert renders_of(client, "/plain/") == 1
    keys = redis_cache._cache.get_client().keys(f"{redis_cache.key_prefix}:*")
    assert len([key for key in keys if page_cache.KEY_PREFIX.encode() in key]) == 1


def test_a_popular_page_is_served_from_the_process_without_asking_redis(
    client, redis_cache, monkeypatch
):
    client.get("/plain/")  # rendered and stored
    client.get("/plain/")  # read from Redis, kept in this process
    asked = []
    monkeypatch.setattr(
        redis_cache, "get_many", lambda keys, **kw: asked.append(keys) or {}, raising=False
    )
    assert renders_of(client, "/plain/") == 0
    assert asked == []


def test_a_change_made_by_another_process_shows_within_a_second(client, redis_cache, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(shared_versions.time, "monotonic", lambda: clock[0])
    client.get("/plain/")
    assert renders_of(client, "/plain/") == 0
    # Another web process saved an article: it put a new version in Redis, not in our memory.
    redis_cache.set(page_cache.VERSION.key, "another-process-version", None)
    clock[0] += 0.5
    assert renders_of(client, "/plain/") == 0  # within the second, this process's copy
    clock[0] += page_cache.VERSION.recheck_seconds
    assert renders_of(client, "/plain/") == 1  # then it asks, and renders the page afresh


def test_a_change_made_in_this_process_shows_at_once(client, redis_cache):
    client.get("/plain/")
    assert renders_of(client, "/plain/") == 0
    page_cache.invalidate()
    assert renders_of(client, "/plain/") == 1
