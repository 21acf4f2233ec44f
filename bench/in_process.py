"""Queries and time per page, in-process with Django's test client, and the search's Postgres time.

    python bench/in_process.py [--rounds N] [--hits | --admin]   (bench/run.py runs it with
                                                          the bench site's environment)

For each public page (anonymous: no cookie is carried from one request to the next) and
for the admin's intake and booking lists with and without a search (a superuser signed in with
both factors, as tests/conftest.py signs staff in; --admin: only these): the status, the
number of queries of the last of N requests and the median and fastest time of N, after one
request to warm up, the N taken round by round across the pages (on a shared machine the
fastest is the least disturbed by other work). With --hits each
public page is asked for twice and only the queries of the second answer are kept: what a
reader costs once the page cache holds the page. With the page cache off, the home page, the
article list and an article are also timed after a change (after_change()).

The search is measured in Postgres itself: the queries that /articles/?q=stretching runs are
captured from the real view and each is run under EXPLAIN (ANALYZE) five times; planning plus
execution time, median, per query (pg_stat_statements is not loaded on this server).

Prints one JSON object on its last line. BENCH_PAGE_CACHE=0 in the environment (set by
run.py for the cost of a first reader) switches the page cache off, see bench_settings.py.
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    override_settings,
    setup_test_environment,
)
from django.urls import reverse  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

ARTICLE = "/articles/at-home-stretches-for-upper-back-knots/"
SEARCH = "/articles/?q=stretching"
PUBLIC = [
    "/healthz", "/", "/es/", "/services/", "/therapists/", "/visit/", "/articles/",
    "/articles/?topic=self-care", SEARCH, ARTICLE, "/articles/feed/", "/sitemap.xml",
    "/sitemap-articles.xml", "/intake/", "/book/", "/book/?service=deep-tissue-60&therapist=any",
    "/program/building-your-back/",
]  # fmt: skip
# Issue 18 lets the sitemap be "split or cached": it is both (an index of parts of at most 500
# addresses, each small enough to keep), so at scale it is judged as it is served (a page cache
# hit), its uncached cost shown beside it.
SERVED_FROM_CACHE = ["/sitemap.xml", "/sitemap-articles.xml"]
ADMIN_SEARCH = "ann"  # a fragment of a name, as a receptionist would type
SPANISH_LINK = re.compile(r"<link[^>]*hreflang=\"es\"[^>]*>")
HREF = re.compile(r"href=\"([^\"]+)\"")


# One client for every anonymous request, its cookies dropped before each: a new Client builds
# a new handler, and WhiteNoise's start-up (indexing every static file) would be timed with it.
ANONYMOUS = Client(raise_request_exception=False)


def anonymous() -> Client:
    ANONYMOUS.cookies.clear()
    return ANONYMOUS


def spanish_article() -> str | None:
    """The Spanish version of ARTICLE, as the English page's hreflang link names it."""
    response = anonymous().get(ARTICLE)
    if response.status_code != 200:
        return None
    html = response.content.decode(errors="replace")
    tag = SPANISH_LINK.search(html)
    href = tag and HREF.search(tag.group(0))
    return urlsplit(href.group(1)).path if href else None


def staff_client() -> Client:
    user, _created = get_user_model().objects.get_or_create(
        username="bench-superuser",
        defaults={"is_staff": True, "is_superuser": True, "email": "bench@example.com"},
    )
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    client = Client(raise_request_exception=False)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def measure_all(paths: list[str], rounds: int, client: Client | None = None) -> dict:
    """Each path's status, queries and times over `rounds` requests, taken round by round across
    all the paths (not one path's requests in a row): a burst of other work on this shared
    machine then slows one request of many pages, not every request of one."""

    def one(path: str) -> tuple[int, int, float]:
        asking = client or anonymous()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = asking.get(path)
            elapsed = time.perf_counter() - started
        return response.status_code, len(queries), elapsed * 1000

    for path in paths:
        one(path)  # warm
    answers = {path: [] for path in paths}
    for _round in range(rounds):
        for path in paths:
            answers[path].append(one(path))
    return {
        path: {
            "status": found[-1][0],
            "queries": found[-1][1],
            "ms": round(statistics.median(a[2] for a in found), 2),
            "min_ms": round(min(a[2] for a in found), 2),
        }
        for path, found in answers.items()
    }


# What a first reader costs when some of what the page is built from changed: the page cache is
# off, and the parts of pages each process keeps (education/changes.py, templates/base.html)
# are made stale before each request, as the change would make them.
BOOKING_TIMES = "/book/?service=deep-tissue-60&therapist=any"
AFTER_CHANGE = ["/", "/articles/", ARTICLE, BOOKING_TIMES]


def after_change(paths: list[str], rounds: int) -> dict:
    """Each path's median time (ms) and queries with everything it keeps still current ("kept",
    as the bench's uncached twin serves it), after another article was edited ("another": the
    library's version moves), after its own article was edited ("this": its row is touched
    too; the article page only) and in a process that keeps nothing yet ("cold": as after a
    restart). The time picker: after a booking was saved ("booked": its week of open times is
    worked out again) and in a fresh process."""
    from django.core.cache import caches

    from clinic.booking import availability
    from clinic.core.cache import SharedVersion, forget_kept
    from clinic.core.models import forget_process_copy
    from education import changes
    from education.models import Article

    slug = ARTICLE.strip("/").rsplit("/", 1)[-1]

    def another() -> None:
        changes.ARTICLES.bump()

    def this() -> None:
        changes.touch(Article.objects.filter(slug=slug).values_list("pk", flat=True))
        changes.ARTICLES.bump()

    def cold() -> None:
        caches["shell"].clear()
        forget_kept()
        SharedVersion.forget_all()
        forget_process_copy()

    def booked() -> None:
        availability.BOOKED.bump()

    article_modes = {"kept": None, "another": another, "this": this, "cold": cold}
    booking_modes = {"kept": None, "booked": booked, "cold": cold}
    result = {}
    for path in paths:
        result[path] = {}
        modes = booking_modes if path == BOOKING_TIMES else article_modes
        for mode, change in modes.items():
            if mode == "this" and path != ARTICLE:
                continue
            anonymous().get(path)  # warm
            times, queries = [], 0
            for _round in range(rounds):
                if change:
                    change()
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    anonymous().get(path)
                    times.append((time.perf_counter() - started) * 1000)
                queries = len(captured)
            result[path][mode] = {"ms": round(statistics.median(times), 2), "queries": queries}
    return result


def cache_hit_queries(path: str) -> dict:
    anonymous().get(path)
    with CaptureQueriesContext(connection) as queries:
        response = anonymous().get(path)
    return {"status": response.status_code, "queries": len(queries)}


def explain(sql: str, repeats: int = 5) -> float:
    """Planning plus execution time of one query, in ms (median of `repeats`)."""
    times = []
    with connection.cursor() as cursor:
        for _ in range(repeats):
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            times.append(plan[0]["Planning Time"] + plan[0]["Execution Time"])
    return round(statistics.median(times), 3)


def search_in_postgres() -> dict:
    with CaptureQueriesContext(connection) as captured:
        anonymous().get(SEARCH)
    queries = []
    for query in captured.captured_queries:
        sql = query["sql"] or ""
        if sql.lstrip().upper().startswith("SELECT"):
            queries.append({"ms": explain(sql), "sql": sql[:160]})
    return {
        "path": SEARCH,
        "queries": queries,
        "slowest_ms": max((q["ms"] for q in queries), default=0.0),
        "total_ms": round(sum(q["ms"] for q in queries), 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--hits", action="store_true")
    parser.add_argument("--admin", action="store_true", help="only the admin lists")
    options = parser.parse_args()
    setup_test_environment()
    from clinic.booking.models import BookingRequest
    from education.models import Article
    from intake.models import Intake

    public = list(PUBLIC)
    es_article = spanish_article()
    if es_article:
        public.insert(public.index(ARTICLE) + 1, es_article)
    result = {
        "page_cache_setting": hasattr(settings, "PAGE_CACHE_ENABLED"),
        "page_cache": getattr(settings, "PAGE_CACHE_ENABLED", None),
        "articles": Article.objects.count(),
        "es_article": es_article,
    }
    intakes, bookings = changelist(Intake), changelist(BookingRequest)
    admin = [intakes, f"{intakes}?q={ADMIN_SEARCH}", bookings, f"{bookings}?q={ADMIN_SEARCH}"]
    # The admin lists take tens of milliseconds and the cache hits a fraction of one: each
    # gets enough requests for its fastest to stand out from this shared machine's noise.
    admin_rounds = options.rounds
    served_rounds = options.rounds * 5
    if options.hits:
        result["hits"] = {path: cache_hit_queries(path) for path in public}
    elif options.admin:
        result["admin"] = measure_all(admin, admin_rounds, staff_client())
    else:
        staff = staff_client()
        result["pages"] = measure_all(public, options.rounds)
        with override_settings(PAGE_CACHE_ENABLED=True):
            result["served"] = measure_all(SERVED_FROM_CACHE, served_rounds)
        result["admin"] = measure_all(admin, admin_rounds, staff)
        if not settings.PAGE_CACHE_ENABLED:
            result["after_change"] = after_change(AFTER_CHANGE, options.rounds)
        result["search"] = {**search_in_postgres(), "articles": result["articles"]}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
