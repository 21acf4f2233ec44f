"""Load: requests per second, latency and CPU per request, for many pages in one interleaved run.

    python bench/load.py URL [URL ...]     (a quick look at running servers; 16 connections)

`make bench` calls run_all() with its targets (bench/compare.py). The generator is `wrk` when
it is on PATH, else the asyncio one here: N connections, each sending a GET, reading the whole
answer and sending the next, reconnecting whenever the server closes (gunicorn's sync workers
close after every answer, as they do for a browser). Requests carry `Accept-Encoding: br, gzip`
and no cookie, as a first visit does.

Each run warms up for WARMUP seconds, then counts for SECONDS: the answers completed in that
window, their latencies, and the CPU time (utime + stime from /proc/<pid>/stat) that the
gunicorn master and its workers, and the Postgres backends connected to the bench database,
used in it. Targets are interleaved (every target once, then again ROUNDS times) so that a
change in the machine's load hits all of them alike; rounds are added together.
"""

import asyncio
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

WARMUP = float(os.environ.get("BENCH_WARMUP", "1"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "2.5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
CONNECTIONS = tuple(int(n) for n in os.environ.get("BENCH_CONNECTIONS", "16,64").split(","))
TICK = os.sysconf("SC_CLK_TCK")
WRK = shutil.which("wrk")


@dataclass
class Target:
    name: str
    url: str
    server_pid: int  # gunicorn's master; its workers are its children
    database: str = ""  # the Postgres database whose backends' CPU is counted ("" for none)


@dataclass
class Result:
    target: Target
    connections: int
    requests: int = 0
    errors: int = 0  # answers other than 2xx/3xx, and broken connections
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # seconds
    app_cpu: float = 0.0  # seconds
    db_cpu: float = 0.0
    generator_cpu: float = 0.0

    def add(self, other: "Result") -> None:
        self.requests += other.requests
        self.errors += other.errors
        self.seconds += other.seconds
        self.latencies += other.latencies
        self.app_cpu += other.app_cpu
        self.db_cpu += other.db_cpu
        self.generator_cpu += other.generator_cpu

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """Milliseconds; 0 without answers."""
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000

    @property
    def app_ms(self) -> float:
        return self.app_cpu * 1000 / self.requests if self.requests else 0.0

    @property
    def db_ms(self) -> float:
        return self.db_cpu * 1000 / self.requests if self.requests else 0.0

    @property
    def generator_share(self) -> float:
        """The generator's CPU as a share of one core while it counted."""
        return self.generator_cpu / self.seconds if self.seconds else 0.0


# --- CPU time from /proc -------------------------------------------------------------------------


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, utime + stime in seconds) of a live process."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


def _pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def server_cpu(master: int) -> dict[int, float]:
    """CPU seconds of a gunicorn master and of each of its workers."""
    found = {}
    for pid in _pids():
        stat = _stat(pid)
        if stat and (pid == master or stat[0] == master):
            found[pid] = stat[1]
    return found


def postgres_cpu(database: str) -> dict[int, float]:
    """CPU seconds of each Postgres backend connected to `database` (its process title reads
    "postgres: <cluster>: <user> <database> <address> <state>"); the site keeps its connections
    open (CONN_MAX_AGE), so the same backends serve a whole run."""
    found = {}
    if not database:
        return found
    marker = f" {database} ".encode()
    for pid in _pids():
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                title = cmdline.read()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if title.startswith(b"postgres:") and marker in title:
            stat = _stat(pid)
            if stat:
                found[pid] = stat[1]
    return found


def used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU used between two samples; a process that started in between counts from zero."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- the asyncio generator -----------------------------------------------------------------------


class Window:
    """What the connections record while the counting window is open."""

    def __init__(self) -> None:
        self.open = False
        self.latencies: list[float] = []
        self.errors = 0


async def connection(host: str, port: int, request: bytes, window: Window, stop: list[bool]):
    reader = writer = None
    while not stop[0]:
        started = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(request)
            head = (await reader.readuntil(b"\r\n\r\n")).lower()
            status = int(head.split(b" ", 2)[1])
            length = re.search(rb"\r\ncontent-length: *(\d+)", head)
            if length:
                await reader.readexactly(int(length.group(1)))
            close = not length or b"\r\nconnection: close" in head
            if not length:
                await reader.read()
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            status, close = 0, True
            await asyncio.sleep(0.01)  # a refused connection must not spin the generator
        if window.open:
            window.latencies.append(time.perf_counter() - started)
            if not 200 <= status < 400:
                window.errors += 1
        if close and writer is not None:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def _run(target: Target, connections: int, warmup: float, seconds: float) -> Result:
    url = urlsplit(target.url)
    path = url.path + (f"?{url.query}" if url.query else "")
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {url.netloc}\r\nUser-Agent: unknot-bench\r\n"
        "Accept: text/html,*/*\r\nAccept-Encoding: br, gzip\r\n\r\n"
    ).encode()
    window, stop = Window(), [False]
    tasks = [
        asyncio.create_task(connection(url.hostname, url.port, request, window, stop))
        for _ in range(connections)
    ]
    await asyncio.sleep(warmup)
    app, db, mine = server_cpu(target.server_pid), postgres_cpu(target.database), own_cpu()
    started = time.perf_counter()
    window.open = True
    await asyncio.sleep(seconds)
    window.open = False
    elapsed = time.perf_counter() - started
    result = Result(
        target, connections, len(window.latencies), window.errors, elapsed, window.latencies,
        used(app, server_cpu(target.server_pid)), used(db, postgres_cpu(target.database)),
        own_cpu() - mine,
    )  # fmt: skip
    stop[0] = True
    await asyncio.gather(*tasks)
    return result


# --- wrk, when installed -------------------------------------------------------------------------

WRK_LATENCY = re.compile(r"^\s*(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def _wrk(target: Target, connections: int, warmup: float, seconds: float) -> Result:
    """wrk for the warm-up, then a counted run (wrk's own latency percentiles are kept)."""
    headers = ["-H", "Accept-Encoding: br, gzip", "-H", "Accept: text/html,*/*"]
    threads = str(min(2, connections))
    base = [WRK, "-t", threads, "-c", str(connections), *headers]
    subprocess.run([*base, "-d", f"{max(1, round(warmup))}s", target.url], capture_output=True)
    app, db = server_cpu(target.server_pid), postgres_cpu(target.database)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [*base, "--latency", "-d", f"{round(seconds)}s", target.url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = Result(target, connections, seconds=seconds)
    result.app_cpu = used(app, server_cpu(target.server_pid))
    result.db_cpu = used(db, postgres_cpu(target.database))
    before_cpu = children.ru_utime + children.ru_stime
    result.generator_cpu = after.ru_utime + after.ru_stime - before_cpu
    result.requests = int(re.search(r"(\d+) requests in", done.stdout).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    result.errors = int(bad.group(1)) if bad else 0
    scale = {"us": 1e-6, "ms": 1e-3, "s": 1.0}
    found = {int(p): float(v) * scale[unit] for p, v, unit in WRK_LATENCY.findall(done.stdout)}
    # Two representative values stand in for the distribution wrk summarised.
    result.latencies = [found.get(50, 0.0)] * 98 + [found.get(99, 0.0)] * 2
    return result


def run(target: Target, connections: int, warmup: float = WARMUP, seconds: float = SECONDS):
    if WRK:
        return _wrk(target, connections, warmup, seconds)
    return asyncio.run(_run(target, connections, warmup, seconds))


def generator_name() -> str:
    return f"wrk ({WRK})" if WRK else "bench/load.py's asyncio generator (wrk is not on PATH)"


def run_all(
    targets: list[Target],
    connections: tuple[int, ...] = CONNECTIONS,
    rounds: int = ROUNDS,
    progress: Callable[[Result], None] | None = None,
) -> dict[tuple[str, int], Result]:
    """Every target at every connection count, interleaved, `rounds` times."""
    results: dict[tuple[str, int], Result] = {}
    for count in connections:
        for _round in range(rounds):
            for target in targets:
                one = run(target, count)
                if progress:
                    progress(one)
                key = (target.name, count)
                if key in results:
                    results[key].add(one)
                else:
                    results[key] = one
    return results


def line(result: Result) -> str:
    return (
        f"{result.target.name:<22} c={result.connections:<3} {result.rps:8.1f} req/s  "
        f"p50 {result.percentile(0.5):7.1f} ms  p99 {result.percentile(0.99):7.1f} ms  "
        f"app {result.app_ms:6.2f} ms/req  pg {result.db_ms:5.2f} ms/req  "
        f"errors {result.errors}  generator {result.generator_share:4.0%} of a core"
    )


def main() -> int:
    # No gunicorn pid here (-1 matches no process): the CPU columns read 0.
    targets = [Target(urlsplit(url).path or "/", url, -1) for url in sys.argv[1:]]
    if not targets:
        print(__doc__)
        return 2
    for result in run_all(targets, (16,), 1).values():
        print(line(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
