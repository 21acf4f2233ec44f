"""Whole public pages kept in the shared cache for anonymous readers, and never anything personal.

Opting a view in is one line::

    from clinic.core.page_cache import cache_public_page

    @cache_public_page(query=("page", "topic"))
    @require_safe
    def article_list(request): ...

`query` names the query parameters the page may vary on: a name from QUERY_VALUES (page,
topic, slug), or a mapping of name to a regular expression its value must match in full. The
view must answer with something other than 200 (usually 404) for a value that names nothing, so
only real pages are kept.

How a request is answered (`serve_cached_page`, placed in MIDDLEWARE right after the request log
and the security headers, before compression, sessions, CSRF, authentication and messages):

- Only a GET or HEAD from a browser with no session cookie, no messages cookie and no
  Authorization header is looked up, and only when its URL resolves to an opted-in view. The
  session is never loaded to decide: a session cookie alone means "not anonymous".
- A query string with a parameter the view did not name, a name given twice, a value that does
  not match, or more than MAX_QUERY_LENGTH characters in all is served fresh and never stored,
  so a flood of made-up query strings cannot fill the cache.
- The key is a hash of the release (see release()), scheme, host, language, compression (gzip
  or not), path and the allowed parameters, sorted: no raw input is ever part of a key.
- A fresh page is stored for PAGE_CACHE_SECONDS only when it is a plain 200 that set no cookie,
  does not vary on Cookie, is not private or no-store, used no CSRF token, showed or queued no
  message, did not touch the session, and carries no CSP nonce. Its headers are stored with it
  (Content-Type, Content-Language, Content-Encoding, Vary, CSP, X-Frame-Options...); the request
  id and the security headers are added afresh by the middleware outside this one.
- A hit is answered from this process's memory when the page is among the last PROCESS_PAGES
  it served and its copy of the content version is fresh (no round trip at all), else from the
  shared cache.
- A hit is answered straight from the stored bytes (a HEAD gets the headers only), without the
  session, CSRF, authentication, messages or any template work. Compressed and plain copies are
  kept apart; a stored gzip copy replays its random BREACH padding, harmless on a page that
  holds no secret.

Invalidation: every entry carries the content version it was rendered under. `invalidate()`
replaces the version, so every page is rendered afresh on its next visit. Saving or deleting a
model listed in PAGE_CACHE_MODELS does this (connected in CoreConfig.ready() by label, so core
imports no other app), at once and again when the transaction commits, so a reader whose page
renders between the save and the commit cannot keep the old text. Bulk changes that send no
signals (queryset update(), bulk_create(), the demo and program loaders) must call
`invalidate()` themselves.

PAGE_CACHE_ENABLED=0 turns all of this off (to measure the uncached cost).
"""

import hashlib
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from functools import cache, lru_cache

from django.apps import apps
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache as shared_cache
from django.core.exceptions import DisallowedHost, ImproperlyConfigured
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import has_vary_header

from clinic.core.cache import SharedVersion
from clinic.core.locale import public_language

KEY_PREFIX = "page-cache:page:"
# Values a page may vary on, each matched in full; anything else is not cached.
QUERY_VALUES = {
    "page": r"[1-9][0-9]{0,3}",
    "topic": r"[a-z0-9]+(?:-[a-z0-9]+)*",
    "slug": r"[a-z0-9]+(?:-[a-z0-9]+)*",
}
# Longer values or query strings than these are not cached whatever the patterns say.
MAX_VALUE_LENGTH = 80
MAX_QUERY_LENGTH = 256
# A page larger than this is served but not stored.
MAX_STORED_BYTES = 512 * 1024
# Headers that belong to one response, never to be replayed to another reader.
NOT_STORED_HEADERS = frozenset({"set-cookie", "x-request-id", "date", "age"})
REFUSED_CACHE_CONTROL = frozenset({"private", "no-store", "no-cache"})
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


class Policy:
    """What an opted-in page may vary on: query parameter name -> compiled value pattern."""

    def __init__(self, query: Mapping[str, re.Pattern]):
        self.query = dict(query)

    def canonical_query(self, request: HttpRequest) -> str | None:
        """The allowed parameters as 'name=value&…' in name order, or None when the query
        string asks for something this page does not cache."""
        query_string = request.META.get("QUERY_STRING", "")
        if not query_string:
            return ""
        if not self.query or len(query_string) > MAX_QUERY_LENGTH:
            return None
        parts = []
        for name, values in request.GET.lists():
            pattern = self.query.get(name)
            if pattern is None or len(values) != 1:
                return None
            value = values[0]
            if len(value) > MAX_VALUE_LENGTH or not pattern.fullmatch(value):
                return None
            parts.append(f"{name}={value}")
        return "&".join(sorted(parts))


def cache_public_page(query: Iterable[str] | Mapping[str, str] = ()) -> Callable:
    """Mark a view whose page is the same for every anonymous reader of its URL (see above)."""
    if isinstance(query, Mapping):
        patterns = dict(query)
    else:
        unknown = [name for name in query if name not in QUERY_VALUES]
        if unknown:
            raise ImproperlyConfigured(
                f"cache_public_page: no value pattern for {unknown}; pass a mapping of name to "
                "pattern."
            )
        patterns = {name: QUERY_VALUES[name] for name in query}
    policy = Policy({name: re.compile(pattern) for name, pattern in patterns.items()})

    def decorate(view: Callable) -> Callable:
        view.page_cache_policy = policy
        return view

    return decorate


# A hit from the shared cache costs a round trip to Redis, about a third of a hit's CPU. So each
# process also keeps the pages it served last, while its copy of the content version is fresh
# (read within a second, see SharedVersion): a popular page costs no round trip. A change made in
# this process shows at once; one made in another process within the second.
VERSION = SharedVersion("page-cache:version")
PROCESS_PAGES = 256
_process_pages: OrderedDict = OrderedDict()


def _from_process(key: str) -> tuple | None:
    if not VERSION.fresh():
        return None
    entry = _process_pages.get(key)
    if entry is None or entry[0] != VERSION.value:
        return None
    _process_pages.move_to_end(key)
    return entry


def _seen(version: str, key: str, entry: tuple | None) -> None:
    """Note the shared cache's version just read, and keep a current page in this process."""
    if version != VERSION.value:
        _process_pages.clear()
        # Content changed: what this process keeps beside its pages (the clinic's settings, the
        # booking catalogue) may be older than the second it is trusted for. Read it again
        # before rendering a page to store under the new version.
        SharedVersion.forget_all(but=VERSION)
    VERSION.seen(version)
    if entry is not None and entry[0] == version:
        _process_pages[key] = entry
        _process_pages.move_to_end(key)
        while len(_process_pages) > PROCESS_PAGES:
            _process_pages.popitem(last=False)


def invalidate() -> None:
    """Make every stored page stale: the next reader of each page gets it rendered afresh.
    What a page is built from and is kept elsewhere (a SharedVersion of its own) must be
    bumped before this: see content_changed()."""
    VERSION.bump()
    _process_pages.clear()


def content_changed(*kept: SharedVersion, using: str | None = None) -> None:
    """Something pages show changed: bump the versions of what processes keep of it (`kept`),
    then the pages', so that a process seeing the new page version reads those again. At once,
    and again when the transaction commits: a process that read the rows between the first new
    version and the commit kept the old ones under it."""

    def bump() -> None:
        for version in kept:
            version.bump()
        invalidate()

    bump()
    transaction.on_commit(bump, using=using)


def _content_changed(sender, using=None, **kwargs) -> None:
    content_changed(using=using)


def connect_signals() -> None:
    """Invalidate on every save and delete of the models in PAGE_CACHE_MODELS ("app_label.Model"),
    and on changes to their many-to-many links."""
    for label in settings.PAGE_CACHE_MODELS:
        model = apps.get_model(label)
        uid = f"page-cache:{label}"
        post_save.connect(_content_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_content_changed, sender=model, dispatch_uid=uid)
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(_content_changed, sender=through, dispatch_uid=f"{uid}:{field}")


@cache
def release() -> str:
    """What tells one deployment's pages from the next: PAGE_CACHE_RELEASE, or else the static
    files' manifest (a new stylesheet gets a new name, so old pages must not outlive it)."""
    if settings.PAGE_CACHE_RELEASE:
        return settings.PAGE_CACHE_RELEASE
    try:
        manifest = (settings.STATIC_ROOT / "staticfiles.json").read_bytes()
    except (OSError, TypeError):
        return ""
    return hashlib.sha256(manifest).hexdigest()[:16]


def _is_anonymous(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in cookies
        and CookieStorage.cookie_name not in cookies
        and "HTTP_AUTHORIZATION" not in request.META
    )


@lru_cache(maxsize=1024)
def _policy_for(urlconf: str, path_info: str, language: str) -> Policy | None:
    """The opted-in view's policy for this address, or None (remembered per address: made-up
    addresses only push older ones out)."""
    with translation.override(language):
        try:
            match = resolve(path_info, urlconf)
        except Resolver404:
            return None
    return getattr(match.func, "page_cache_policy", None)


def page_key(request: HttpRequest, language: str, query: str) -> str | None:
    """The entry's key: a hash of everything the page depends on, or None for a bad host."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    gzip = "gzip" if ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) else "-"
    parts = (release(), request.scheme, host, language, gzip, request.path, query)
    return KEY_PREFIX + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _nothing_personal(request: HttpRequest, response: HttpResponse) -> bool:
    """True when the response may be shown to any other anonymous reader of the same URL."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if has_vary_header(response, "Cookie") or has_vary_header(response, "*"):
        return False
    directives = {
        directive.split("=", 1)[0].strip().lower()
        for directive in response.get("Cache-Control", "").split(",")
    }
    if directives & REFUSED_CACHE_CONTROL:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    session = getattr(request, "session", None)
    if session is not None and (session.accessed or session.modified):
        return False
    messages = getattr(request, "_messages", None)
    if messages is not None and (messages.used or messages.added_new):
        return False
    if getattr(request, "_csp_nonce", None):
        return False
    return not any(
        "nonce-" in value for name, value in response.items() if "policy" in name.lower()
    )


def _stored(response: HttpResponse, version: str) -> tuple:
    headers = [
        (name, value) for name, value in response.items() if name.lower() not in NOT_STORED_HEADERS
    ]
    return (version, response.status_code, headers, response.content)


def _replayed(entry: tuple, request: HttpRequest) -> HttpResponse:
    _version, status, headers, content = entry
    response = HttpResponse(b"" if request.method == "HEAD" else content, status=status)
    for name, value in headers:
        response.headers[name] = value
    return response


def serve_cached_page(get_response):
    def middleware(request):
        if not settings.PAGE_CACHE_ENABLED or not _is_anonymous(request):
            return get_response(request)
        language = public_language(request.path_info)
        policy = _policy_for(settings.ROOT_URLCONF, request.path_info, language)
        if policy is None:
            return get_response(request)
        query = policy.canonical_query(request)
        key = None if query is None else page_key(request, language, query)
        if key is None:
            return get_response(request)

        entry = _from_process(key)
        if entry is not None:
            return _replayed(entry, request)
        # The version and the page in one round trip.
        found = shared_cache.get_many([VERSION.key, key])
        version, entry = found.get(VERSION.key), found.get(key)
        if version is not None:
            _seen(version, key, entry)
            if entry is not None and entry[0] == version:
                return _replayed(entry, request)

        version = version or VERSION.read()
        response = get_response(request)
        if _nothing_personal(request, response) and len(response.content) <= MAX_STORED_BYTES:
            entry = _stored(response, version)
            shared_cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
            if VERSION.value == version:
                _seen(version, key, entry)
        return response

    return middleware
