"""Lighthouse's mobile scores (performance, accessibility, best practices, SEO) for the pages.

    python bench/lighthouse.py [BASE_URL]      (a running site; default http://127.0.0.1:8000)

Uses the Lighthouse pinned in bench/package.json (`npm ci --prefix bench` installs it, apart
from the site's own packages) and Debian's Chromium (CHROME_PATH, default /usr/bin/chromium),
with Lighthouse's default mobile settings: a Moto G Power screen, simulated slow 4G and a 4x
slower CPU. Each page is run BENCH_LIGHTHOUSE_RUNS times (default 1, to keep `make bench` under
10 minutes; 3 for a steadier score) and the run with the median performance score is kept, as
Lighthouse's own docs advise for a noisy machine; its JSON report
is saved in bench/results/lighthouse-<page>.json (not committed). Every scored audit below 1 is
listed with its id, the category it costs and the elements it names, so it can be fixed.
"""

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
LIGHTHOUSE = BENCH / "node_modules" / ".bin" / "lighthouse"
CHROME_PATH = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
RUNS = int(os.environ.get("BENCH_LIGHTHOUSE_RUNS", "1"))
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
SKIP_MODES = ("manual", "notApplicable", "informative", "error")

# What a run on 127.0.0.1 cannot tell, printed with the scores rather than hidden.
UNREACHABLE_LOCALLY = [
    "HTTPS: the bench serves plain HTTP on 127.0.0.1 (no certificate here). Lighthouse treats "
    "localhost as a secure origin, so `is-on-https` passes and `redirects-http` is not "
    "applicable; production TLS, the HTTP->HTTPS redirect and HSTS (Django only sends it on "
    "HTTPS requests) must be checked on the deployed site.",
    "HTTP/2: gunicorn speaks HTTP/1.1 and Lighthouse does not score `uses-http2` on localhost; "
    "the proxy in front of production provides HTTP/2.",
    "Brotli: Chromium only offers `br` over HTTPS, so Lighthouse's byte counts here are gzip "
    "(bench/weight.py counts both).",
    "Network: performance uses Lighthouse's simulated throttling (slow 4G, 4x CPU) from a "
    "local trace; a real phone on a real network is not measured. The CPU part depends on how "
    "busy this machine is (see the load average and Lighthouse's benchmark index): on a busy "
    "machine total blocking time rises and performance can drop below 100 with no change to "
    "the page; run again when the machine is idle before blaming the page.",
]


@dataclass
class Failure:
    category: str
    audit: str
    title: str
    weight: float
    score: float
    value: str
    items: list[str] = field(default_factory=list)


@dataclass
class Scores:
    name: str
    url: str
    scores: dict[str, int]  # 0-100, per category
    runs: list[int]  # every run's performance score
    failures: list[Failure]
    total_bytes: int  # what Chromium downloaded (total-byte-weight)
    requests: int
    benchmark: int  # Lighthouse's CPU benchmark index of the kept run: low when the machine is busy

    @property
    def verdict(self) -> str:
        return "PASS" if all(self.scores[c] == 100 for c in CATEGORIES) else "BELOW 100"


def describe(item: dict) -> str:
    """One element or resource named by an audit's details."""
    node = item if item.get("type") == "node" else None
    for key in ("node", "source"):
        value = item.get(key)
        if node is None and isinstance(value, dict) and value.get("type") == "node":
            node = value
    if node:
        text = node.get("selector") or ""
        snippet = " ".join((node.get("snippet") or "").split())
        label = node.get("nodeLabel") or ""
        return f"{text}  {snippet[:140]}" + (f"  ({label[:60]})" if label else "")
    for key in ("url", "source", "sourceLocation", "description"):
        value = item.get(key)
        if isinstance(value, dict):
            value = value.get("url")
        if value:
            return str(value)[:160]
    return json.dumps(item)[:160]


def failures(report: dict) -> list[Failure]:
    found = []
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if audit["scoreDisplayMode"] in SKIP_MODES or audit["score"] is None:
                continue
            # Audits that do not count towards the score are hints: shown when clearly failed.
            if audit["score"] >= 1 or (not ref.get("weight") and audit["score"] >= 0.9):
                continue
            details = audit.get("details") or {}
            items = [describe(i) for i in details.get("items", [])[:4] if isinstance(i, dict)]
            found.append(
                Failure(
                    category, ref["id"], audit["title"], ref.get("weight", 0), audit["score"],
                    audit.get("displayValue") or "", items,
                )
            )  # fmt: skip
    return found


def run_once(url: str, attempts: int = 3) -> dict:
    """One Lighthouse run; tried again when Chromium's trace comes back broken (NO_NAVSTART and
    the like happen now and then with headless Chromium, and say nothing about the page)."""
    command = [
        str(LIGHTHOUSE), url, "--quiet", "--output=json", "--output-path=stdout",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        "--only-categories=" + ",".join(CATEGORIES),
    ]  # fmt: skip
    error = ""
    for _attempt in range(attempts):
        done = subprocess.run(
            command, capture_output=True, env={**os.environ, "CHROME_PATH": CHROME_PATH},
            timeout=180, check=False,
        )  # fmt: skip
        if done.returncode == 0:
            report = json.loads(done.stdout)
            if not report.get("runtimeError"):
                return report
            error = report["runtimeError"].get("message", "")
        else:
            error = done.stderr.decode()[-600:].strip()
        last = (error.splitlines() or ["?"])[-1][:160]
        print(f"    ({url}: lighthouse run failed, trying again: {last})", flush=True)
    raise RuntimeError(f"lighthouse failed {attempts} times for {url}: {error}")


def measure(base: str, name: str, path: str, runs: int = RUNS) -> Scores:
    url = base.rstrip("/") + path
    reports = [run_once(url) for _ in range(runs)]
    performance = [round(r["categories"]["performance"]["score"] * 100) for r in reports]
    median = sorted(range(runs), key=lambda i: performance[i])[runs // 2]
    report = reports[median]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"lighthouse-{name}.json").write_text(json.dumps(report))
    scores = {c: round((report["categories"][c]["score"] or 0) * 100) for c in CATEGORIES}
    network = report["audits"].get("network-requests", {}).get("details", {}).get("items", [])
    return Scores(
        name, url, scores, performance, failures(report),
        int(report["audits"]["total-byte-weight"]["numericValue"]), len(network),
        round(report["environment"].get("benchmarkIndex", 0)),
    )  # fmt: skip


def report_lines(results: list[Scores]) -> list[str]:
    lines = []
    for s in results:
        runs = ", ".join(map(str, s.runs))
        lines.append(
            f"{s.name:<8} perf {s.scores['performance']:>3} (runs: {runs})  "
            f"a11y {s.scores['accessibility']:>3}  bp {s.scores['best-practices']:>3}  "
            f"seo {s.scores['seo']:>3}  Chromium loaded {s.requests} requests, "
            f"{s.total_bytes} B; CPU benchmark index {s.benchmark}"
        )
        for f in s.failures:
            weight = f"weight {f.weight:g}" if f.weight else "not weighted"
            lines.append(
                f"    {f.category}: `{f.audit}` {f.score:.2f} ({weight}) {f.title}"
                + (f" — {f.value}" if f.value else "")
            )
            lines.extend(f"        {item}" for item in f.items)
    return lines


def table(results: list[Scores]) -> list[str]:
    rows = [
        "| page | performance | accessibility | best practices | SEO | verdict | "
        "Chromium loaded (with headers and lazy images near the screen) |",
        "|---|---:|---:|---:|---:|---|---:|",
    ]
    for s in results:
        rows.append(
            f"| {s.name} | {s.scores['performance']} | {s.scores['accessibility']} | "
            f"{s.scores['best-practices']} | {s.scores['seo']} | {s.verdict} | "
            f"{s.requests} requests, {s.total_bytes / 1024:.1f} KB |"
        )
    return rows


def failure_lines(results: list[Scores]) -> list[str]:
    lines = []
    for s in results:
        for f in s.failures:
            weight = f"weight {f.weight:g}" if f.weight else "not weighted"
            lines.append(
                f"{s.name}: {f.category} `{f.audit}` score {f.score:.2f} ({weight}): {f.title}"
                + (f" ({f.value})" if f.value else "")
            )
            lines.extend(f"    {item}" for item in f.items)
    return lines


def main() -> int:
    from weight import PAGES

    base = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000").rstrip("/")
    results = [measure(base, page.name, page.path) for page in PAGES]
    print("\n".join(report_lines(results)))
    print("\n".join(table(results)))
    return 0 if all(s.verdict == "PASS" for s in results) else 1


if __name__ == "__main__":
    sys.exit(main())
