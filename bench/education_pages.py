"""Education pages against a running site: first-visit weight of an article, and speed.

    python bench/education_pages.py [BASE_URL]        (default http://127.0.0.1:8000)

The site must have the demo articles (`make bench` starts one that has them; so does `make
run`). The weight is bench/weight.py's count for the article (budget 22 KB, ARCHITECTURE.md §5);
the speed is the server's answer time for the article list, a topic, two searches (one with a
typo), an article, the feed and the sitemap, over 30 requests each after a warm-up, one at a
time. Under `make bench` the pages come from gunicorn with DEBUG=0, so anonymous pages are
served from the page cache after the first request, as in production.
"""

import statistics
import sys
import time
import urllib.request

from weight import PAGES, measure, report

ARTICLE = "/articles/at-home-stretches-for-upper-back-knots/"
TIMED = [
    "/articles/",
    "/articles/?topic=self-care",
    "/articles/?q=stretching",
    "/articles/?q=sholder",
    ARTICLE,
    "/articles/feed/",
    "/sitemap.xml",
]


def fetch(url: str) -> None:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "br, gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def speed(base: str, rounds: int = 30) -> list[str]:
    lines = []
    for path in TIMED:
        fetch(base + path)  # warm caches and connections
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            fetch(base + path)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        lines.append(
            f"{path:<50} median {statistics.median(times):6.1f} ms  "
            f"p90 {times[int(len(times) * 0.9) - 1]:6.1f} ms"
        )
        print(lines[-1], flush=True)
    return lines


def main() -> int:
    base = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000").rstrip("/")
    article = next(page for page in PAGES if page.path == ARTICLE)
    weight = measure(base, article)
    print("\n".join(report([weight])))
    print()
    speed(base)
    return 0 if weight.verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
