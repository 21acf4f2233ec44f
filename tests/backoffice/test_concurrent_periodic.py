"""More than one server at once (issue 18, item 5): two periodic schedulers and two task
workers run against one database together, and every client still gets each email once.

The schedulers are two threads (two database connections) calling run_periodic.run_once()
behind one barrier; the workers are two `manage.py db_worker` processes on the database task
queue, writing each email as a file (tests/backoffice/concurrent_settings.py), so the test
counts what really left, per recipient."""

import datetime as dt
import email
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from clinic.backoffice import notices
from clinic.backoffice.management.commands import run_periodic
from clinic.backoffice.models import StaffNotice
from clinic.booking.models import BookingEvent, BookingRequest, BookingStatus
from clinic.core.models import ClinicSettings
from clinic.program.models import Enrolment
from intake.models import Intake, IntakeAccess
from tests.factories import make_booking, make_intake

pytestmark = pytest.mark.django_db(transaction=True)

S = BookingStatus
PER_KIND = 8
WORKERS = ("worker-one", "worker-two")
SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def intake_made_at(instant: dt.datetime, **fields) -> Intake:
    """An intake submitted at `instant` (its time is fixed once saved, so it is made then)."""
    with mock.patch.object(timezone, "now", return_value=instant):
        return make_intake(**fields)


def seed(service, therapist, now):
    """PER_KIND clients for each periodic email, each with their own address, and intakes
    past the retention period to purge. Returns the addresses by kind."""
    addresses = {kind: [] for kind in ("reminder", "recheck", "expiry", "lesson")}
    for n in range(PER_KIND):
        # Within 24 hours, answers given today: a reminder, no re-check.
        address = f"remind{n}@example.com"
        make_booking(
            S.CONFIRMED,
            service=service,
            therapist=therapist,
            start=now + dt.timedelta(hours=3 + 2 * n),
            intake=make_intake(email=address),
            email=address,
        )
        addresses["reminder"].append(address)
        # Within 48 hours but not 24, answers ten days old: a re-check request.
        address = f"recheck{n}@example.com"
        intake = intake_made_at(now - dt.timedelta(days=10), email=address)
        make_booking(
            S.CONFIRMED,
            service=service,
            therapist=therapist,
            start=now + dt.timedelta(hours=30 + 2 * n),
            intake=intake,
            email=address,
        )
        addresses["recheck"].append(address)
        # A request nobody answered for a hundred days: it expires, and the client is told.
        address = f"expire{n}@example.com"
        make_booking(
            S.REQUESTED,
            service=service,
            therapist=therapist,
            start=now + dt.timedelta(days=10, hours=n),
            intake=make_intake(email=address),
            changed_at=now - dt.timedelta(days=100),
            email=address,
        )
        addresses["expiry"].append(address)
        # A program enrolment a week in: its week-2 lesson email is due.
        address = f"lesson{n}@example.com"
        started = now - dt.timedelta(days=7, hours=1)
        Enrolment.objects.create(
            email=address,
            confirmed_at=started,
            started_at=started,
            next_email_due=started + dt.timedelta(days=7),
        )
        addresses["lesson"].append(address)
        # An intake past the retention period, with no booking: purged.
        intake_made_at(now - dt.timedelta(days=365 * 8), email=f"old{n}@example.com")
    return addresses


def database_url() -> str:
    """The pytest database, for processes started from this test."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{quote(db['USER'], safe='')}{password}@{db['HOST']}{port}/{db['NAME']}"


def start_worker(worker_id: str, mail_dir: Path) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "tests.backoffice.concurrent_settings",
        "UNKNOT_TEST_MAIL_DIR": str(mail_dir),
        "PYTHONUNBUFFERED": "1",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--worker-id",
            worker_id,
            "--interval",
            "0.05",
            "--no-startup-delay",
            "--no-reload",
            "--verbosity",
            "1",
        ],
        cwd=django_settings.BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def wait_until_started(worker: subprocess.Popen, deadline: float) -> list[str]:
    """Read the worker's output until it says it started (it polls the queue from then on)."""
    lines = []
    while time.monotonic() < deadline:
        line = worker.stdout.readline().decode()
        if not line and worker.poll() is not None:
            break
        lines.append(line)
        if "Starting worker" in line:
            return lines
    raise AssertionError("A task worker did not start:\n" + "".join(lines))


def sent_messages(mail_dir: Path) -> list[email.message.Message]:
    """Every message the workers wrote (the file backend separates them with a dashed line)."""
    messages = []
    for path in mail_dir.iterdir():
        for chunk in path.read_bytes().split(SEPARATOR):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk.lstrip()))
    return messages


def test_two_schedulers_and_two_workers_send_each_email_once(
    settings, monkeypatch, tmp_path, deep60, alex
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.STAFF_NOTICES = notices.DAILY
    monkeypatch.setattr(notices, "DIGEST_HOUR", 0)  # the digest is due whatever the hour
    now = timezone.now()
    addresses = seed(deep60, alex, now)
    clinic_email = ClinicSettings.load().email

    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    workers = [start_worker(worker_id, mail_dir) for worker_id in WORKERS]
    try:
        deadline = time.monotonic() + 30
        for worker in workers:
            wait_until_started(worker, deadline)

        # Two schedulers, released together, each on its own database connection.
        barrier = threading.Barrier(2)
        runs, spans, errors = [], [], []

        def scheduler():
            try:
                barrier.wait(timeout=10)
                began = time.monotonic()
                runs.append(run_periodic.run_once())
                spans.append((began, time.monotonic()))
            except Exception as error:  # reported below, not lost in the thread
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=scheduler) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert errors == []
        assert len(runs) == 2
        # They really ran at the same time: each began before the other ended.
        assert max(began for began, _ in spans) < min(ended for _, ended in spans)
        assert all(None not in run.values() for run in runs), runs

        # The workers, still running, drain the queue.
        expected_tasks = 4 * PER_KIND + 1
        while time.monotonic() < deadline:
            unfinished = DBTaskResult.objects.exclude(status="SUCCESSFUL")
            if DBTaskResult.objects.count() >= expected_tasks and not unfinished.exists():
                break
            time.sleep(0.1)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=10)
            worker.stdout.close()

    # Each job's work was done once between the two schedulers.
    def total(label):
        return sum(run[label] for run in runs)

    assert total("Reminders queued") == PER_KIND
    assert total("Re-check requests queued") == PER_KIND
    assert total("Requests expired") == PER_KIND
    assert total("Program lesson emails queued") == PER_KIND
    assert total("Intakes purged") == PER_KIND
    assert total("Staff digests sent") == 1

    results = DBTaskResult.objects.all()
    assert results.count() == expected_tasks
    assert set(results.values_list("status", flat=True)) == {"SUCCESSFUL"}
    # Both workers polled the one queue while the schedulers filled it.
    ran_by = Counter(worker_id for result in results for worker_id in result.worker_ids)
    assert sum(ran_by.values()) == expected_tasks  # no task was run twice
    # Which worker takes which task is up to timing (usually both take some); none is foreign.
    assert set(ran_by) <= set(WORKERS), ran_by

    # Every client got each email once, and the clinic one digest.
    assert mail.outbox == []  # nothing was sent from the schedulers themselves
    received = Counter(message["To"] for message in sent_messages(mail_dir))
    expected = Counter(address for kind in addresses.values() for address in kind)
    expected[clinic_email] += 1
    assert received == expected
    assert StaffNotice.objects.filter(kind=StaffNotice.Kind.DIGEST).count() == 1

    # One booking event per expired request; reminders and re-checks were claimed once.
    expired = BookingRequest.objects.filter(status=S.EXPIRED)
    assert expired.count() == PER_KIND
    assert BookingEvent.objects.filter(to_status=S.EXPIRED).count() == PER_KIND
    assert BookingEvent.objects.count() == PER_KIND
    assert BookingRequest.objects.filter(reminder_sent_at__isnull=False).count() == PER_KIND
    assert BookingRequest.objects.filter(recheck_asked_at__isnull=False).count() == PER_KIND
    # One purge record per purged intake.
    purged = IntakeAccess.objects.filter(action=IntakeAccess.Action.PURGED)
    assert purged.count() == PER_KIND
    assert len(set(purged.values_list("intake_number", flat=True))) == PER_KIND
