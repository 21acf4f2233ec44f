"""Booking requests past BOOKING_RETENTION_DAYS lose the client's details and keep their
statistics; each row in its own savepoint; the periodic run survives a failing job."""

import datetime as dt
import logging

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from clinic.backoffice.management.commands import run_periodic
from clinic.booking import pipeline, privacy
from clinic.booking.models import BookingEvent, BookingRequest, BookingStatus
from tests.factories import make_booking

pytestmark = pytest.mark.django_db
S = BookingStatus
NOW = timezone.now()
LONG_AGO = NOW - dt.timedelta(days=400)
RECENTLY = NOW - dt.timedelta(days=300)


def old(status, deep60, alex, *, start=LONG_AGO, **extra):
    booking = make_booking(
        status, service=deep60, therapist=alex, start=start, changed_at=start, **extra
    )
    BookingEvent.objects.create(
        request=booking, from_status="requested", to_status=status, at=start,
        actor_kind="system", note="Ana asked for the left shoulder",
    )  # fmt: skip
    return booking


def statistics(booking):
    booking.refresh_from_db()
    return (
        booking.reference, booking.service_id, booking.therapist_id, booking.start, booking.end,
        booking.requested_start, booking.status, booking.language,
        list(booking.events.values_list("from_status", "to_status", "actor_kind", "at")),
    )  # fmt: skip


def is_anonymous(booking) -> bool:
    booking.refresh_from_db()
    return (
        booking.client_name in privacy.ANONYMOUS_NAMES
        and (booking.email, booking.phone, booking.note, booking.message_to_client)
        == ("", "", "", "")
        and not booking.events.exclude(note="").exists()
    )


def test_old_bookings_are_anonymised_and_their_statistics_kept(deep60, alex):
    completed = old(S.COMPLETED, deep60, alex, message_to_client="See you, Ana")
    declined = old(S.DECLINED, deep60, alex, message_to_client="Sorry Ana, we are full")
    forgotten = old(S.CONFIRMED, deep60, alex, start=LONG_AGO + dt.timedelta(hours=2))
    before = {booking.pk: statistics(booking) for booking in (completed, declined, forgotten)}

    assert privacy.anonymise_expired_bookings(now=NOW) == 3

    for booking in (completed, declined, forgotten):
        assert is_anonymous(booking)
        assert booking.client_name == privacy.RETENTION_NAME
        assert statistics(booking) == before[booking.pk]
        assert booking.events.count() == 1


def test_younger_or_open_bookings_are_left_alone(deep60, alex, settings):
    recent = old(S.COMPLETED, deep60, alex, start=RECENTLY)
    # Old appointment, but the status changed lately (e.g. marked completed late): counted
    # from the later of the two.
    late = old(S.COMPLETED, deep60, alex)
    BookingRequest.objects.filter(pk=late.pk).update(status_changed_at=RECENTLY)
    waiting = old(S.REQUESTED, deep60, alex)  # the expiry job closes it first

    assert privacy.anonymise_expired_bookings(now=NOW) == 0
    for booking in (recent, late, waiting):
        booking.refresh_from_db()
        assert booking.email == "ana@example.com"

    settings.BOOKING_RETENTION_DAYS = 200  # a setting
    assert privacy.anonymise_expired_bookings(now=NOW) == 2
    assert is_anonymous(recent) and is_anonymous(late)


def test_running_twice_changes_nothing_more(deep60, alex, django_assert_max_num_queries):
    booking = old(S.COMPLETED, deep60, alex)
    assert privacy.anonymise_expired_bookings(now=NOW) == 1
    booking.refresh_from_db()
    stamp = (booking.updated_at, booking.client_name, statistics(booking))

    with django_assert_max_num_queries(1):  # only the look for due rows
        assert privacy.anonymise_expired_bookings(now=NOW) == 0
    booking.refresh_from_db()
    assert (booking.updated_at, booking.client_name, statistics(booking)) == stamp


def test_a_deleted_on_request_booking_keeps_its_name_and_loses_what_was_left(deep60, alex):
    booking = old(S.CANCELLED, deep60, alex)
    BookingRequest.objects.filter(pk=booking.pk).update(
        client_name=privacy.ANONYMOUS_NAME, email="", phone="", note=""
    )  # as an earlier carry_out left it, with notes in its history
    assert privacy.anonymise_expired_bookings(now=NOW) == 1
    assert is_anonymous(booking) and booking.client_name == privacy.ANONYMOUS_NAME


def test_a_row_that_fails_is_skipped_and_logged_by_id_and_the_others_are_purged(
    deep60, alex, caplog
):
    first, bad, last = (
        old(S.COMPLETED, deep60, alex, start=LONG_AGO + dt.timedelta(hours=h), email=email)
        for h, email in ((0, "first@example.com"), (2, "bad@example.com"), (4, "last@example.com"))
    )
    # A real database refusal in the middle (a CHECK the anonymised row breaks): without a
    # savepoint per row it would abort the whole transaction.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks before ALTER
        cursor.execute(
            "ALTER TABLE clinic_bookingrequest ADD CONSTRAINT test_keep_bad "
            f"CHECK (id <> {bad.pk} OR email <> '')"
        )
    caplog.set_level(logging.ERROR)

    assert privacy.anonymise_expired_bookings(now=NOW) == 2

    assert is_anonymous(first) and is_anonymous(last)
    bad.refresh_from_db()
    assert bad.email == "bad@example.com"
    assert bad.events.get().note  # its savepoint rolled back entirely
    [record] = caplog.records
    assert str(bad.pk) in record.getMessage() and "IntegrityError" in record.getMessage()
    logged = record.getMessage() + str(record.exc_info) + str(record.args)
    assert "bad@example.com" not in logged and "Ana" not in logged and "SECRET" not in logged
    # The next run tries it again (and fails alone again).
    assert privacy.anonymise_expired_bookings(now=NOW) == 0


def test_the_periodic_run_survives_a_failing_job(deep60, alex, monkeypatch, caplog):
    booking = old(S.COMPLETED, deep60, alex)

    def broken(**kwargs):
        raise RuntimeError("Ana Client's row")

    monkeypatch.setattr(pipeline, "send_due_reminders", broken)
    caplog.set_level(logging.ERROR)

    done = run_periodic.run_once()

    assert done["Reminders queued"] is None
    assert done["Booking requests anonymised"] == 1  # the later jobs still ran
    assert is_anonymous(booking)
    assert "RuntimeError" in caplog.text and "Ana" not in caplog.text


def test_the_loop_goes_on_after_a_failing_run(monkeypatch, capsys):
    calls = []

    def failing_then_fine():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return 1

    class Stop(Exception):
        pass

    sleeps = []

    def fake_sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 2:
            raise Stop

    monkeypatch.setattr(
        run_periodic, "JOBS", {"Reminders queued": failing_then_fine, "": lambda: 0}
    )
    monkeypatch.setattr(run_periodic.time, "sleep", fake_sleep)
    monkeypatch.setattr(run_periodic, "close_old_connections", lambda: None)

    with pytest.raises(Stop):
        call_command("run_periodic", "--loop", "5")
    assert len(calls) == 2
    assert "Reminders queued: failed." in capsys.readouterr().out
