"""First-visit weight of a page, counted as a phone's browser receives it.

    python bench/weight.py [BASE_URL]          (a running site; default http://127.0.0.1:8000)

For each page: the HTML, then everything it makes the browser fetch before it can show the page
(stylesheets, scripts, icons, preloads, images without loading="lazy", SVG sprites used with
<use href>, files that a stylesheet names with url(...), and /favicon.ico when no icon is
linked). Every request asks for "Accept-Encoding: br, gzip" with no cookies, as a first visit
does, and counts the bytes on the wire: the body as the server sent it (WhiteNoise sends its
precompressed .br or .gz files, Django's GZipMiddleware compresses the HTML with gzip) plus the
response headers. Images with loading="lazy" are fetched too, but listed apart and left out of
the total: the budget is about what a first screen costs.

Two totals per page, both counting response bodies: "as served" by gunicorn + WhiteNoise here,
which the budget is checked against, and "with a compressing proxy", where every text response
(HTML, CSS, JS, SVG) is brotli-compressed at quality 11 (computed here: Python's brotli package
when installed, else Node's zlib, the same library). The response headers are shown apart: over
HTTP/1.1 they cost about 0.8 KB a request (mostly the security headers), over HTTP/2 a proxy's
header compression sends the repeated ones once; Lighthouse's byte count includes them.
"""

import gzip
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

KB = 1024
ACCEPT = "br, gzip"
TEXT_TYPES = ("text/", "application/javascript", "image/svg+xml", "application/json",
              "application/xml", "application/manifest+json")  # fmt: skip
EAGER_LINK_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "modulepreload"}


@dataclass
class Page:
    name: str
    path: str
    budget: int | None  # bytes, or None where the issue sets no budget


@dataclass
class Resource:
    url: str
    kind: str  # html, css, js, image, icon, font, other
    status: int
    raw: int  # decoded body
    body: int  # body bytes on the wire
    headers: int  # response header bytes
    encoding: str  # br, gzip or "" (none)
    proxy: int  # body bytes with brotli-11 for text responses
    lazy: bool = False

    @property
    def wire(self) -> int:
        return self.body + self.headers


@dataclass
class Weight:
    page: Page
    resources: list[Resource] = field(default_factory=list)

    @property
    def eager(self) -> list[Resource]:
        return [r for r in self.resources if not r.lazy]

    @property
    def lazy(self) -> list[Resource]:
        return [r for r in self.resources if r.lazy]

    @property
    def served(self) -> int:
        """Bodies as sent: what the budget counts."""
        return sum(r.body for r in self.eager)

    @property
    def wire(self) -> int:
        """Bodies and HTTP/1.1 response headers."""
        return sum(r.wire for r in self.eager)

    @property
    def proxied(self) -> int:
        """Bodies with every text response brotli-compressed."""
        return sum(r.proxy for r in self.eager)

    def by_kind(self, kind: str) -> int:
        return sum(r.body for r in self.eager if r.kind == kind)

    @property
    def header_bytes(self) -> int:
        return sum(r.headers for r in self.eager)

    @property
    def verdict(self) -> str:
        if self.page.budget is None:
            return "no budget"
        return "PASS" if self.served <= self.page.budget else "OVER"


def brotli_size(data: bytes) -> int:
    try:
        import brotli

        return len(brotli.compress(data, quality=11))
    except ImportError:
        pass
    node = shutil.which("node")
    if not node:
        return len(gzip.compress(data, 9))
    script = (
        "const z=require('zlib');const c=[];process.stdin.on('data',d=>c.push(d))"
        ".on('end',()=>{const b=Buffer.concat(c);process.stdout.write(String("
        "z.brotliCompressSync(b,{params:{[z.constants.BROTLI_PARAM_QUALITY]:11,"
        "[z.constants.BROTLI_PARAM_SIZE_HINT]:b.length}}).length))})"
    )
    done = subprocess.run([node, "-e", script], input=data, capture_output=True, check=True)
    return int(done.stdout)


def decode(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":
        try:
            import brotli

            return brotli.decompress(body)
        except ImportError:
            script = (
                "const z=require('zlib');const c=[];process.stdin.on('data',d=>c.push(d))"
                ".on('end',()=>process.stdout.write(z.brotliDecompressSync(Buffer.concat(c))))"
            )
            return subprocess.run(
                ["node", "-e", script], input=body, capture_output=True, check=True
            ).stdout
    return body


def get(url: str) -> tuple[int, bytes, bytes, int, str, str]:
    """Status, body on the wire, decoded body, header bytes, encoding, content type."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": ACCEPT})
    try:
        response = urllib.request.urlopen(request, timeout=15)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        body = response.read()
        status = response.status
        headers = response.headers
    header_bytes = (
        len(f"HTTP/1.1 {status} {response.reason}\r\n".encode())
        + sum(len(f"{name}: {value}\r\n".encode("latin-1")) for name, value in headers.items())
        + 2
    )
    encoding = headers.get("Content-Encoding", "")
    content_type = headers.get("Content-Type", "")
    return status, body, decode(body, encoding), header_bytes, encoding, content_type


def kind_of(url: str, content_type: str) -> str:
    path = urlsplit(url).path
    if "css" in content_type or path.endswith(".css"):
        return "css"
    if "javascript" in content_type or path.endswith((".js", ".mjs")):
        return "js"
    if "font" in content_type or path.endswith((".woff2", ".woff", ".ttf", ".otf")):
        return "font"
    if content_type.startswith("image/") or path.endswith((".svg", ".png", ".jpg", ".webp")):
        return "image"
    if "html" in content_type:
        return "html"
    return "other"


class Links(HTMLParser):
    """What a browser fetches for a page: (url, kind hint, lazy)."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, str, bool]] = []
        self.has_icon = False

    def handle_starttag(self, tag, attrs):
        a = {name: (value or "") for name, value in attrs}
        if tag == "link":
            rels = set(a.get("rel", "").lower().split())
            if rels & {"icon", "shortcut", "apple-touch-icon"}:
                self.has_icon = True
            if rels & EAGER_LINK_RELS and a.get("href"):
                self.found.append((a["href"], "icon" if "icon" in rels else "", False))
        elif tag == "script" and a.get("src"):
            self.found.append((a["src"], "js", False))
        elif a.get("src") and (tag == "img" or (tag == "input" and a.get("type") == "image")):
            self.found.append((a["src"], "image", a.get("loading", "").lower() == "lazy"))
        elif tag == "use":
            href = a.get("href") or a.get("xlink:href") or ""
            if href and not href.startswith("#"):
                self.found.append((href.split("#", 1)[0], "image", False))
        elif tag == "video" and a.get("poster"):
            self.found.append((a["poster"], "image", False))


CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
CSS_IMPORT = re.compile(r"@import\s+['\"]([^'\"]+)['\"]")


def resource(url: str, hint: str = "", lazy: bool = False) -> tuple[Resource, bytes, str]:
    status, body, raw, header_bytes, encoding, content_type = get(url)
    kind = hint or kind_of(url, content_type)
    is_text = content_type.startswith(TEXT_TYPES) or kind in ("html", "css", "js")
    proxy = min(len(body), brotli_size(raw)) if is_text and raw else len(body)
    found = Resource(url, kind, status, len(raw), len(body), header_bytes, encoding, proxy, lazy)
    return found, raw, content_type


def measure(base: str, page: Page) -> Weight:
    base = base.rstrip("/")
    weight = Weight(page)
    html_url = base + page.path
    html, raw_html, _type = resource(html_url, "html")
    weight.resources.append(html)
    parser = Links()
    parser.feed(raw_html.decode("utf-8", "replace"))
    queue = [(urljoin(html_url, href), hint, lazy) for href, hint, lazy in parser.found]
    if not parser.has_icon:
        queue.append((base + "/favicon.ico", "icon", False))
    seen = {html_url}
    while queue:
        url, hint, lazy = queue.pop(0)
        if url in seen or urlsplit(url).scheme not in ("http", "https"):
            continue
        seen.add(url)
        if urlsplit(url).netloc != urlsplit(base).netloc:
            # Nothing may come from another host (ARCHITECTURE §5); count it as a failure.
            weight.resources.append(Resource(url, "THIRD-PARTY", 0, 0, 0, 0, "", 0, lazy))
            continue
        found, raw, _type = resource(url, hint, lazy)
        weight.resources.append(found)
        if found.kind == "css":
            text = raw.decode("utf-8", "replace")
            for ref in CSS_IMPORT.findall(text) + CSS_URL.findall(text):
                if not ref.startswith(("data:", "#")):
                    queue.append((urljoin(url, ref), "", lazy))
    return weight


def kb(n: int) -> str:
    return f"{n / KB:.1f} KB"


def report(weights: list[Weight]) -> list[str]:
    """The detailed lines, printed as they are and kept for the results file."""
    lines = []
    for w in weights:
        lines.append(f"{w.page.name} {w.page.path}")
        for r in w.resources:
            if r.lazy:
                continue
            path = urlsplit(r.url).path
            sent = r.encoding or "uncompressed"
            lines.append(
                f"  {r.kind:<6} {path[:58]:<58} {r.raw:>7} B raw  {r.body:>6} B sent ({sent})"
                f"  +{r.headers} B headers  br-11 {r.proxy:>6} B"
                + (f"  HTTP {r.status}" if r.status != 200 else "")
            )
        for r in w.lazy:
            lines.append(
                f"  lazy   {urlsplit(r.url).path[:58]:<58} {r.body:>6} B sent, not counted"
            )
        html = w.resources[0]
        if not html.encoding:
            lines.append("  note: the HTML came uncompressed; a visitor pays the raw size here")
        lines.append(
            f"  total  {w.served:>6} B as served ({kb(w.served)}; {w.wire} B with headers), "
            f"{w.proxied} B with a brotli proxy"
        )
    return lines


def table(weights: list[Weight]) -> list[str]:
    rows = [
        "| page | requests | HTML | CSS | JS | icons, images | as served | with brotli proxy | "
        "budget | verdict | + HTTP/1.1 headers | lazy images (not counted) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for w in weights:
        images = w.by_kind("image") + w.by_kind("icon") + w.by_kind("font") + w.by_kind("other")
        lazy = f"{len(w.lazy)}, {kb(sum(r.body for r in w.lazy))}" if w.lazy else "none"
        budget = kb(w.page.budget) if w.page.budget else "—"
        rows.append(
            f"| {w.page.name} `{w.page.path}` | {len(w.eager)} | {kb(w.by_kind('html'))} | "
            f"{kb(w.by_kind('css'))} | {kb(w.by_kind('js'))} | {kb(images)} | "
            f"**{kb(w.served)}** | {kb(w.proxied)} | {budget} | {w.verdict} | "
            f"{kb(w.header_bytes)} | {lazy} |"
        )
    return rows


PAGES = [
    Page("home", "/", 60 * KB),
    Page("article", "/articles/at-home-stretches-for-upper-back-knots/", 22 * KB),
    # A program lesson has the article's budget; this one has the most drawings (issue 16).
    Page("lesson", "/program/building-your-back/", 22 * KB),
    Page("check", "/intake/", None),
    Page("booking", "/book/", None),
]


def main() -> int:
    base = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000").rstrip("/")
    weights = [measure(base, page) for page in PAGES]
    print("\n".join(report(weights)))
    print()
    print("\n".join(table(weights)))
    return 0 if all(w.verdict != "OVER" for w in weights) else 1


if __name__ == "__main__":
    sys.exit(main())
