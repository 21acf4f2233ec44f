"""Reminders and expiry: idempotent, and safe when several workers run them at once."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from clinic.booking import pipeline
from clinic.booking.models import BookingEvent, BookingStatus
from tests.factories import make_booking

S = BookingStatus


def reminders():
    return [message for message in mail.outbox if "see you tomorrow" in message.subject]


@pytest.mark.django_db
def test_the_reminder_is_sent_once_when_the_job_runs_twice(deep60, alex):
    tomorrow = make_booking(
        S.CONFIRMED, service=deep60, therapist=alex, start=timezone.now() + dt.timedelta(hours=20)
    )
    later = make_booking(
        S.CONFIRMED, service=deep60, therapist=alex, start=timezone.now() + dt.timedelta(hours=30)
    )
    call_command("run_periodic")
    call_command("run_periodic")
    assert len(reminders()) == 1
    tomorrow.refresh_from_db()
    later.refresh_from_db()
    assert tomorrow.reminder_sent_at is not None
    assert later.reminder_sent_at is None


@pytest.mark.django_db
def test_no_reminder_for_a_cancelled_booking(deep60, alex):
    make_booking(
        S.CANCELLED, service=deep60, therapist=alex, start=timezone.now() + dt.timedelta(hours=20)
    )
    assert pipeline.send_due_reminders() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_stale_requests_expire_once(deep60, alex):
    old = timezone.now() - dt.timedelta(hours=49)
    stale = make_booking(
        S.REQUESTED, service=deep60, therapist=alex, start=timezone.now() + dt.timedelta(days=5),
        changed_at=old,
    )  # fmt: skip
    fresh = make_booking(
        S.REQUESTED, service=deep60, therapist=alex, start=timezone.now() + dt.timedelta(days=5)
    )
    passed = make_booking(
        S.REQUESTED, service=deep60, therapist=alex, start=timezone.now() - dt.timedelta(hours=1)
    )
    booked = make_booking(
        S.CONFIRMED, service=deep60, therapist=alex, start=timezone.now() + dt.timedelta(days=6),
        changed_at=old,
    )  # fmt: skip
    call_command("run_periodic")
    call_command("run_periodic")
    for request_obj, status in [
        (stale, S.EXPIRED),
        (fresh, S.REQUESTED),
        (passed, S.EXPIRED),
        (booked, S.CONFIRMED),
    ]:
        request_obj.refresh_from_db()
        assert request_obj.status == status
    assert BookingEvent.objects.filter(to_status=S.EXPIRED).count() == 2
    assert len([m for m in mail.outbox if "has expired" in m.subject]) == 2


@pytest.mark.django_db
def test_loop_option_repeats(monkeypatch, deep60, alex):
    from clinic.backoffice.management.commands import run_periodic

    runs = []

    class Stop(Exception):
        pass

    def fake_sleep(seconds):
        runs.append(seconds)
        if len(runs) == 2:
            raise Stop

    monkeypatch.setattr(run_periodic.time, "sleep", fake_sleep)
    # Between rounds it drops stale connections; inside a test's transaction that must wait.
    monkeypatch.setattr(run_periodic, "close_old_connections", lambda: None)
    with pytest.raises(Stop):
        call_command("run_periodic", "--loop", "60")
    assert runs == [60, 60]


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_reminder(deep60, alex):
    for hours in (5, 10, 15):
        make_booking(
            S.CONFIRMED,
            service=deep60,
            therapist=alex,
            start=timezone.now() + dt.timedelta(hours=hours, minutes=hours * 10),
        )
    barrier = threading.Barrier(4)
    counts = []

    def worker():
        try:
            barrier.wait()
            counts.append(pipeline.send_due_reminders())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 3
    assert len(reminders()) == 3
