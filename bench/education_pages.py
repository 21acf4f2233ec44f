"""Education pages against a running site: first-visit weight of an article, and speed.

    python bench/education_pages.py [BASE_URL]        (default http://127.0.0.1:8000)

The site must have the demo articles (`make run` loads them). The weight budget in
ARCHITECTURE.md §5 is 22 KB transferred for a first visit of an article: the HTML plus every
stylesheet, script and icon it links, compressed as a browser would receive them. Sizes are
reported compressed with gzip (what every server here can do); if the server sent the HTML
uncompressed, the raw size is what a visitor really pays, and the report says so.
"""

import gzip
import re
import statistics
import sys
import time
import urllib.request
from urllib.parse import urljoin

BUDGET = 22 * 1024
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


def fetch(url: str) -> tuple[bytes, int, str]:
    """The body, the bytes on the wire (gzip accepted) and the encoding the server chose."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        wire = response.read()
        encoding = response.headers.get("Content-Encoding", "")
    body = gzip.decompress(wire) if encoding == "gzip" else wire
    return body, len(wire), encoding


def weight(base: str) -> int:
    html, html_wire, encoding = fetch(base + ARTICLE)
    html_gzip = len(gzip.compress(html, 9))
    print(f"article HTML      {len(html):>7} B raw, {html_gzip:>6} B gzip, "
          f"server sent {html_wire} B ({encoding or 'uncompressed'})")  # fmt: skip
    total = html_wire if encoding else len(html)
    ideal = html_gzip
    linked = re.findall(rb'<link[^>]+href="([^"]+)"', html) + re.findall(
        rb'<script[^>]+src="([^"]+)"', html
    )
    for href in linked:
        path = href.decode()
        if not path.startswith("/static/"):
            continue
        body, wire, _encoding = fetch(urljoin(base, path))
        compressed = len(gzip.compress(body, 9))
        total += wire
        ideal += compressed
        print(f"{path:<18}{len(body):>7} B raw, {compressed:>6} B gzip, server sent {wire} B")
    print(f"first visit: {total} B as served, {ideal} B if everything were gzipped; "
          f"budget {BUDGET} B")  # fmt: skip
    return ideal


def speed(base: str, rounds: int = 30) -> None:
    for path in TIMED:
        fetch(base + path)  # warm caches and connections
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            fetch(base + path)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        print(f"{path:<34} median {statistics.median(times):6.1f} ms  "
              f"p90 {times[int(len(times) * 0.9) - 1]:6.1f} ms")  # fmt: skip


def main() -> int:
    base = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000").rstrip("/")
    ideal = weight(base)
    print()
    speed(base)
    return 0 if ideal <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
