"""`make bench`: the site's budgets and speed, measured on the site as production runs it.

    make bench        (or: CHROME_PATH=/usr/bin/chromium .venv/bin/python bench/run.py)
    make bench BENCH_LIGHTHOUSE=0                     (everything but Lighthouse)

1. Booking availability, in-process against the bench database inside a rolled-back
   transaction (bench/booking_availability.py).
2. The site under gunicorn with DEBUG=0, WhiteNoise and Redis, on a free port of 127.0.0.1, with
   the demo content in a database of its own (bench/server.py; BENCH_DATABASE_URL, default
   unknot_bench, is kept between runs and migrated each time).
3. First-visit weight of home, an article, a program lesson, the pre-visit check and booking
   (bench/weight.py), against the budgets: home <= 60 KB with its hero, an article or a lesson
   <= 22 KB.
4. Answer times of the education pages (bench/education_pages.py).
5. Queries and in-process time per page, and the search's time in Postgres
   (bench/in_process.py, with the page cache off, then the queries of a cache hit).
6. Load: the site, its twin with the page cache off and bench/baseline/ (a bare Django project)
   under gunicorn alike, interleaved at 16 and 64 connections (bench/load.py, bench/compare.py):
   req/s, p50, p99, CPU per request of the app and of Postgres, and the issue's verdicts.
7. Lighthouse mobile scores for the same pages (bench/lighthouse.py), against 100; skipped
   with BENCH_LIGHTHOUSE=0.
8. Scale: when the command exists, first one page of made-up rows for each admin list (50
   intakes, 20 booking requests: the demo has 6 intakes and no requests, so its lists would
   show fewer rows than a page or none) and the admin lists measured again, then `manage.py
   scale_data --add` (2,000 articles, 20,000 intakes, 10,000 bookings), step 5 again, then
   `scale_data --remove`; skipped with BENCH_SCALE=0. Public pages are compared with their
   demo-size time, the admin lists with their time for one full page of rows.

The summary is printed last and written to bench/results/latest.md, which the README quotes;
Lighthouse's JSON reports and gunicorn's log stay in bench/results/ (not committed). Exits 0
once everything was measured, whatever the verdicts (they are printed PASS/FAIL); BENCH_STRICT=1
makes a budget over or a score below 100 exit 1.
"""

import datetime as dt
import json
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

import compare
import education_pages
import lighthouse
import load
import weight
from server import (
    DATABASE_URL,
    PYTHON,
    ROOT,
    WORKERS,
    baseline_site,
    manage,
    production_site,
    uncached_site,
)

RESULTS = Path(__file__).resolve().parent / "results"
DATABASE = DATABASE_URL.rsplit("/", 1)[-1]
LIGHTHOUSE_ON = os.environ.get("BENCH_LIGHTHOUSE", "1") != "0"
SCALE_ON = os.environ.get("BENCH_SCALE", "1") != "0"
IN_PROCESS_ROUNDS = "21"  # requests per page for the in-process times, at each size (fastest of N)


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


def in_process(env: dict[str, str], *args: str, page_cache: bool = True) -> dict:
    """bench/in_process.py's JSON, run with the bench site's settings."""
    env = {**env, "LOG_LEVEL": "WARNING", "BENCH_PAGE_CACHE": "1" if page_cache else "0"}
    done = subprocess.run(
        [str(PYTHON), str(ROOT / "bench" / "in_process.py"), *args],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"bench/in_process.py {' '.join(args)} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# One page of rows for each admin list (intake/admin.py lists 50 a page, booking 20).
PAGE_OF_ROWS = ("--articles", "0", "--translated", "0", "--intakes", "50", "--bookings", "20")


def scale_data(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    # Like setup_demo, a command that writes demo rows runs with DEBUG=1.
    env = {**env, "DEBUG": "1", "LOG_LEVEL": "WARNING"}
    return subprocess.run(
        [str(PYTHON), "manage.py", "scale_data", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip


def scale_available(env: dict[str, str]) -> bool:
    done = subprocess.run(
        [str(PYTHON), "manage.py", "help", "scale_data"],
        cwd=ROOT, env={**env, "LOG_LEVEL": "WARNING"}, capture_output=True, check=False,
    )  # fmt: skip
    return done.returncode == 0


def _busy_share(seconds: float) -> float:
    """How busy the machine's CPUs were over the next `seconds` (from /proc/stat)."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
        idle = fields[3] + fields[4]  # idle and iowait
        return sum(fields), idle

    total_before, idle_before = sample()
    time.sleep(seconds)
    total_after, idle_after = sample()
    total = total_after - total_before
    return 1 - (idle_after - idle_before) / total if total else 0.0


def settle(env: dict[str, str], most_seconds: float = 60) -> None:
    """After the bulk writes: Postgres writes its dirty pages now (CHECKPOINT), then wait until
    the machine is quiet again (under a quarter busy over 2 s), so that the scaled pages are not
    timed against the database's own clean-up. Pages that read nothing show it if this fails."""
    checkpoint = "from django.db import connection; connection.cursor().execute('CHECKPOINT')"
    try:
        manage(env, "shell", "-c", checkpoint)
    except subprocess.CalledProcessError:
        print("CHECKPOINT refused (the role needs pg_checkpoint): waiting only", flush=True)
    started = time.monotonic()
    while (busy := _busy_share(2.0)) > 0.25 and time.monotonic() - started < most_seconds:
        pass
    print(f"settled after {time.monotonic() - started:.0f} s ({busy:.0%} busy)", flush=True)


def at_scale(env: dict[str, str], demo: dict, problems: list[str]) -> dict | None:
    """The in-process measurements again with the scale data added, which is removed after."""
    if not SCALE_ON:
        print("scale data: switched off (BENCH_SCALE=0)", flush=True)
        return None
    if not scale_available(env):
        print("scale data: command not available", flush=True)
        return None
    try:
        page = scale_data(env, "--add", *PAGE_OF_ROWS)
        print(page.stdout[-500:], end="", flush=True)
        if page.returncode != 0:
            problems.append(f"scale_data --add (one page) failed: {page.stderr[-800:]}")
            print(problems[-1], flush=True)
            return None
        settle(env)
        full_page = in_process(env, "--rounds", IN_PROCESS_ROUNDS, "--admin", page_cache=False)
        demo = {**demo, "admin": full_page["admin"]}
        started = time.monotonic()
        added = scale_data(env, "--add")
        print(added.stdout[-1500:], end="", flush=True)
        if added.returncode != 0:
            problems.append(f"scale_data --add failed: {added.stderr[-800:]}")
            print(problems[-1], flush=True)
            return None
        print(f"scale data added in {time.monotonic() - started:.0f} s", flush=True)
        settle(env)
        scaled = in_process(env, "--rounds", IN_PROCESS_ROUNDS, page_cache=False)
        return {"demo": demo, "scaled": scaled}
    finally:
        removed = scale_data(env, "--remove")
        print(removed.stdout[-800:], end="", flush=True)
        if removed.returncode != 0:
            problems.append(f"scale_data --remove failed: {removed.stderr[-800:]}")
            print(problems[-1], flush=True)


def search_lines(search: dict) -> list[str]:
    lines = [f"{search['path']} at {search['articles']} articles, per query (EXPLAIN ANALYZE):"]
    lines += [f"  {q['ms']:7.3f} ms  {q['sql']}" for q in search["queries"]]
    return lines


def machine_line(load_now: tuple[float, float]) -> str:
    return (
        f"{os.cpu_count()} CPU cores (nproc), Python {platform.python_version()}, load average "
        f"{load_now[0]:.2f} at the start and {load_now[1]:.2f} at the end (other work on this "
        "machine shares the cores: compare rows of one run, not runs)"
    )


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
    problems, skipped = [], []
    if not LIGHTHOUSE_ON:
        skipped.append("Lighthouse: switched off (BENCH_LIGHTHOUSE=0)")
    elif not Path(chrome).exists():
        problems.append(f"no Chromium at {chrome} (apt-get install chromium)")
    elif not lighthouse.LIGHTHOUSE.exists():
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
        speed_lines = education_pages.speed(site.base_url, rounds=10)

        heading("Queries and time per page, in-process, page cache off (demo size)")
        settle(site.env)  # as before the scaled measurements: the same quiet start
        demo = in_process(site.env, "--rounds", IN_PROCESS_ROUNDS, page_cache=False)
        hits = in_process(site.env, "--hits")
        if not demo["page_cache_setting"]:
            print("PAGE_CACHE_ENABLED is not a setting yet: no page cache to switch off, so the "
                  "'uncached' rows measure the site as it is.")  # fmt: skip
        print("\n".join(compare.scale_table(demo, None)))
        print("\n".join(search_lines(demo["search"])), flush=True)

        found = compare.pages(demo["es_article"])
        heading(
            f"Load: {len(found)} targets x {len(load.CONNECTIONS)} connection counts x "
            f"{load.ROUNDS} rounds, {load.WARMUP:g} s warm-up + {load.SECONDS:g} s each"
        )
        print(f"generator: {load.generator_name()}", flush=True)
        with uncached_site(site) as twin, baseline_site() as baseline:
            servers = {"site": site, "uncached": twin, "baseline": baseline}
            results = load.run_all(
                compare.targets(found, servers, DATABASE),
                progress=lambda result: print(load.line(result), flush=True),
            )
        made = compare.rows(found, results, demo["pages"], hits["hits"])
        generator = max(r.generator_share for r in results.values())

        heading(f"Lighthouse {lighthouse.RUNS} run(s) per page, mobile")
        if problems or skipped:
            print("NOT RUN: " + "; ".join(problems + skipped))
        else:
            for page in weight.PAGES:
                try:
                    scores.append(lighthouse.measure(site.base_url, page.name, page.path))
                except (RuntimeError, subprocess.TimeoutExpired) as error:
                    problems.append(f"Lighthouse could not measure {page.name}: {error}")
                    print(problems[-1], flush=True)
                    continue
                print("\n".join(lighthouse.report_lines(scores[-1:])), flush=True)

        heading("Scale: scale_data --add, the in-process measurements again, --remove")
        scale = at_scale(site.env, demo, problems)
        search = {**(scale["scaled"] if scale else demo)["search"], "scaled": bool(scale)}
        if scale:
            print("\n".join(compare.scale_table(demo, scale["scaled"])))
        print("\n".join(search_lines(search)), flush=True)

    verdicts = compare.verdicts(made, scale, search, load.CONNECTIONS)
    verdicts += compare.after_change_lines(demo.get("after_change", {}), made, compare.ARTICLE)
    load_table = compare.table(made, load.CONNECTIONS)
    elapsed = time.monotonic() - started
    load_now = (load_at_start, os.getloadavg()[0])
    loads = "/".join(f"{n:.1f}" for n in load_now)
    commands = [
        f"make bench  ->  CHROME_PATH={chrome} BENCH_LIGHTHOUSE={int(LIGHTHOUSE_ON)} "
        ".venv/bin/python bench/run.py",
        f"site:     gunicorn -c python:clinic.gunicorn clinic.wsgi --bind 127.0.0.1:<port> "
        f"--workers {WORKERS}   (DEBUG=0, DJANGO_SETTINGS_MODULE=bench_settings)",
        "uncached: the same, BENCH_PAGE_CACHE=0 (PAGE_CACHE_ENABLED = False)",
        f"baseline: gunicorn -c python:clinic.gunicorn baseline.wsgi --bind 127.0.0.1:<port> "
        f"--workers {WORKERS}   (bench/baseline/, DEBUG=0)",
        f"load:     {load.generator_name()}, connections {', '.join(map(str, load.CONNECTIONS))}, "
        f"{load.ROUNDS} interleaved rounds of {load.WARMUP:g} s warm-up + {load.SECONDS:g} s; "
        f"the generator used at most {generator:.0%} of one core",
    ]
    summary = [
        "# Unknot bench results",
        "",
        f"`make bench` on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, commit {git_state()}; "
        f"{os.cpu_count()} CPU cores, Python {platform.python_version()}, gunicorn with "
        f"{WORKERS} workers, DEBUG=0; load average {loads} (start/end); took {elapsed:.0f} s.",
        "",
        "## The site beside a bare Django project (load)",
        "",
        f"Machine: {machine_line(load_now)}.",
        "",
        "```",
        *commands,
        "```",
        "",
        "Queries: a first reader's (page cache off) / a cache hit's, from Django's test client. "
        "CPU per request over both connection counts: app = gunicorn master and workers, "
        f"pg = the Postgres backends of {DATABASE}, both from /proc.",
        "",
        *load_table,
        "",
        "Verdicts:",
        "",
        "```",
        *verdicts,
        "```",
        "",
        "## Queries and time per page in-process (page cache off; demo size and scaled)",
        "",
        *compare.scale_table(demo, scale["scaled"] if scale else None),
        "",
        "```",
        *search_lines(search),
        "```",
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
        *(f"- NOT MEASURED: {problem}" for problem in problems + skipped),
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
    for problem in problems + skipped:
        print(f"NOT MEASURED: {problem}")
    print()
    for note in lighthouse.UNREACHABLE_LOCALLY:
        print(f"- {note}")
    print(f"\nMachine: {machine_line(load_now)}")
    print("\n".join(["", *commands, "", *load_table, "", "Verdicts:", *verdicts]))
    print(
        f"\nbench took {elapsed:.0f} s (load average {loads} at start/end); gunicorn stopped, "
        f"temporary static files removed, database {DATABASE} kept."
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
