"""The site as production runs it, for benchmarks: gunicorn, DEBUG=0, WhiteNoise, Redis.

    with production_site() as site:      # site.base_url == "http://127.0.0.1:<free port>"
        ...

Prepares a database of its own (BENCH_DATABASE_URL, default .../unknot_bench: created if
missing, migrated, demo content loaded; it is left in place so the next run is quicker),
collects the static files into a temporary folder (removed afterwards), empties the bench's
Redis database (BENCH_REDIS_URL, default redis://127.0.0.1:6379/13, so that pages cached by a
previous run with older templates are not served), then starts gunicorn with clinic/gunicorn.py
and stops it on the way out. uncached_site() runs a second one with the page cache off, and
baseline_site() serves bench/baseline/ (a bare Django project) the same way, for comparison.

The site logs at LOG_LEVEL=INFO as production does (BENCH_LOG_LEVEL changes it): a JSON line
per request is part of what a request costs.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/unknot_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))


@dataclass
class Site:
    base_url: str
    pid: int
    env: dict[str, str]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(port: int, static_root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-" + socket.gethostname() + "-never-used-elsewhere",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL=f"http://127.0.0.1:{port}",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        LOG_LEVEL=os.environ.get("BENCH_LOG_LEVEL", "INFO"),
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=os.pathsep.join([str(BENCH), str(ROOT)]),
        BENCH_STATIC_ROOT=str(static_root),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    env = {**env, "LOG_LEVEL": "WARNING"}
    subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(env: dict[str, str]) -> None:
    """Database, demo content, static files and an empty page cache."""
    # seed_demo creates the demo login with its published password, so it insists on DEBUG=1;
    # it only writes rows, and the site itself then runs with DEBUG=0.
    manage({**env, "DEBUG": "1"}, "setup_demo")
    manage(env, "collectstatic", "--no-input", "-v", "0")
    manage(env, "shell", "-c", "from django.core.cache import cache; cache.clear()")


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer at {url} within {seconds:.0f} s")


@contextlib.contextmanager
def gunicorn(name: str, app: str, env: dict[str, str], port: int) -> Iterator[Site]:
    """One WSGI app under gunicorn as `make serve` runs the site: clinic/gunicorn.py's settings
    (its access log goes to bench/results/gunicorn-<name>.log), WORKERS sync workers, 127.0.0.1."""
    RESULTS.mkdir(exist_ok=True)
    base_url = f"http://127.0.0.1:{port}"
    with open(RESULTS / f"gunicorn-{name}.log", "w") as log:
        process = subprocess.Popen(
            [str(GUNICORN), "-c", "python:clinic.gunicorn", app,
             "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_until_up(base_url + "/", process)
            started = f"gunicorn {name} (pid {process.pid}, {WORKERS} workers) at {base_url}"
            print(started, flush=True)
            yield Site(base_url=base_url, pid=process.pid, env=env)
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
                print(f"gunicorn {name} (pid {process.pid}) stopped", flush=True)


@contextlib.contextmanager
def production_site(port: int | None = None) -> Iterator[Site]:
    port = port or free_port()
    static_root = Path(tempfile.mkdtemp(prefix="unknot-bench-static-"))
    env = production_env(port, static_root)
    try:
        print(f"Preparing {DATABASE_URL.rsplit('/', 1)[-1]} (migrate, demo content), "
              f"static files in {static_root}", flush=True)  # fmt: skip
        prepare(env)
        with gunicorn("site", "clinic.wsgi", env, port) as site:
            yield site
    finally:
        shutil.rmtree(static_root, ignore_errors=True)


@contextlib.contextmanager
def uncached_site(site: Site) -> Iterator[Site]:
    """A second gunicorn of the same site and database with the page cache switched off
    (bench_settings: BENCH_PAGE_CACHE=0), for what the first reader after a change costs."""
    port = free_port()
    env = {**site.env, "BENCH_PAGE_CACHE": "0", "SITE_URL": f"http://127.0.0.1:{port}"}
    with gunicorn("site-uncached", "clinic.wsgi", env, port) as twin:
        yield twin


@contextlib.contextmanager
def baseline_site() -> Iterator[Site]:
    """bench/baseline/, a bare Django project, served the same way as the site."""
    port = free_port()
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "baseline.settings", "PYTHONPATH": str(BENCH),
        "PYTHONDONTWRITEBYTECODE": "1",
    }  # fmt: skip
    with gunicorn("baseline", "baseline.wsgi", env, port) as baseline:
        yield baseline


def stop(_signum, _frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    # Serve until Ctrl-C or SIGTERM, e.g. to point a load generator at it by hand:
    #   .venv/bin/python bench/server.py [PORT]
    signal.signal(signal.SIGTERM, stop)
    with production_site(int(sys.argv[1]) if len(sys.argv) > 1 else None) as site:
        print(f"Serving {site.base_url}; Ctrl-C stops it.", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()
