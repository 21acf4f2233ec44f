"""`make bench`: the site's budgets and speed, measured on the site as production runs it.

    make bench        (or: CHROME_PATH=/usr/bin/chromium .venv/bin/python bench/run.py)

1. Booking availability, in-process against the bench database inside a rolled-back
   transaction (bench/booking_availability.py).
2. The site under gunicorn with DEBUG=0, WhiteNoise and Redis, on a free port of 127.0.0.1, with
   the demo content in a database of its own (bench/server.py; BENCH_DATABASE_URL, default
   unknot_bench, is kept between runs and migrated each time).
3. First-visit weight of home, an article, a program lesson, the pre-visit check and booking
   (bench/weight.py), against the budgets: home <= 60 KB with its hero, an article or a lesson
   <= 22 KB.
4. Answer times of the education pages (bench/education_pages.py).
5. Lighthouse mobile scores for the same pages (bench/lighthouse.py), against 100.

The summary is printed last and written to bench/results/latest.md, which the README quotes;
Lighthouse's JSON reports and gunicorn's log stay in bench/results/ (not committed). Exits 0
once everything was measured, whatever the verdicts; BENCH_STRICT=1 makes a budget over or a
score below 100 exit 1. A later load test can reuse server.production_site() the same way.
"""

import datetime as dt
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

import education_pages
import lighthouse
import weight
from server import DATABASE_URL, PYTHON, ROOT, production_site

RESULTS = Path(__file__).resolve().parent / "results"


def heading(text: str) -> None:
    print(f"\n== {text} " + "=" * max(0, 76 - len(text)), flush=True)


def booking_availability() -> list[str]:
    env = {
        **os.environ, "DEBUG": "1", "DATABASE_URL": DATABASE_URL, "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
    }  # fmt: skip
    done = subprocess.run(
        [str(PYTHON), str(ROOT / "bench" / "booking_availability.py")],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    print(done.stdout, end="", flush=True)
    if done.returncode != 0:
        print(done.stderr[-2000:])
        return ["booking availability: FAILED (see the output above)"]
    return done.stdout.rstrip().splitlines()


def git_state() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--untracked-files=no")
    return commit + (" with uncommitted changes" if changed else "")


def stop(_signum, _frame):
    raise KeyboardInterrupt  # so that production_site() stops gunicorn on the way out


def main() -> int:
    signal.signal(signal.SIGTERM, stop)
    started = time.monotonic()
    load_at_start = os.getloadavg()[0]
    chrome = lighthouse.CHROME_PATH
    problems = []
    if not Path(chrome).exists():
        problems.append(f"no Chromium at {chrome} (apt-get install chromium)")
    if not lighthouse.LIGHTHOUSE.exists():
        problems.append("Lighthouse is not installed (npm ci --prefix bench)")

    scores: list[lighthouse.Scores] = []
    with production_site() as site:
        heading("Booking availability (in-process on the bench database, rolled back)")
        booking_lines = booking_availability()

        heading("First-visit weight (Accept-Encoding: br, gzip; no cookies)")
        weights = [weight.measure(site.base_url, page) for page in weight.PAGES]
        weight_lines = weight.report(weights)
        print("\n".join(weight_lines), flush=True)

        heading("Education pages, answer times (gunicorn, one request at a time)")
        speed_lines = education_pages.speed(site.base_url)

        heading(f"Lighthouse {lighthouse.RUNS} run(s) per page, mobile")
        if problems:
            print("NOT RUN: " + "; ".join(problems))
        else:
            for page in weight.PAGES:
                try:
                    scores.append(lighthouse.measure(site.base_url, page.name, page.path))
                except (RuntimeError, subprocess.TimeoutExpired) as error:
                    problems.append(f"Lighthouse could not measure {page.name}: {error}")
                    print(problems[-1], flush=True)
                    continue
                print("\n".join(lighthouse.report_lines(scores[-1:])), flush=True)

    elapsed = time.monotonic() - started
    load = "/".join(f"{n:.1f}" for n in (load_at_start, os.getloadavg()[0]))
    summary = [
        "# Unknot bench results",
        "",
        f"`make bench` on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, commit {git_state()}; "
        f"{os.cpu_count()} CPU cores, Python {platform.python_version()}, gunicorn with "
        f"{os.environ.get('BENCH_WORKERS', '2')} workers, DEBUG=0; load average {load} "
        f"(start/end); took {elapsed:.0f} s.",
        "",
        "## First-visit weight",
        "",
        "Response bodies as a browser receives them with `Accept-Encoding: br, gzip` (HTML "
        'gzipped by Django, static files precompressed by WhiteNoise); "with brotli proxy" '
        "is every text response at brotli quality 11. Headers are shown apart.",
        "",
        *weight.table(weights),
        "",
        "## Lighthouse (mobile)",
        "",
        *(lighthouse.table(scores) if scores else []),
        *(f"- NOT MEASURED: {problem}" for problem in problems),
        "",
    ]
    failing = lighthouse.failure_lines(scores)
    if failing:
        summary += ["Audits below 1 (the elements they name below each):", "", "```"]
        summary += [*failing, "```", ""]
    summary += ["Not measurable on 127.0.0.1:", ""]
    summary += [f"- {note}" for note in lighthouse.UNREACHABLE_LOCALLY]
    summary += [
        "",
        "## Speed",
        "",
        "```",
        *booking_lines,
        "",
        *speed_lines,
        "```",
        "",
    ]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.md").write_text("\n".join(summary))

    heading("Summary (also in bench/results/latest.md)")
    print("\n".join(weight.table(weights)))
    print()
    print("\n".join(lighthouse.table(scores)) if scores else "Lighthouse not run")
    if failing:
        print("\n".join(["", "Audits below 1:", *failing]))
    for problem in problems:
        print(f"NOT MEASURED: {problem}")
    print()
    for note in lighthouse.UNREACHABLE_LOCALLY:
        print(f"- {note}")
    print(
        f"\nbench took {elapsed:.0f} s (load average {load} at start/end); gunicorn stopped, "
        f"temporary static files removed, database {DATABASE_URL.rsplit('/', 1)[-1]} kept."
    )

    missed = any(w.verdict == "OVER" for w in weights) or any(s.verdict != "PASS" for s in scores)
    if problems:
        return 1
    return 1 if missed and os.environ.get("BENCH_STRICT") == "1" else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\nbench interrupted; gunicorn stopped, nothing measured was written.")
        sys.exit(130)
