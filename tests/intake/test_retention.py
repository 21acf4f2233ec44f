import datetime as dt

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from clinic.booking.models import BookingEvent, BookingStatus
from intake import retention
from intake.models import Intake, IntakeAccess
from tests.booking.support import in_days
from tests.factories import make_booking, make_submitted_intake
from tests.intake.answers import BENIGN
from tests.intake.helpers import step_data

pytestmark = pytest.mark.django_db


def test_intakes_past_the_retention_period_are_purged_and_booking_history_stays(deep60, alex):
    old = make_submitted_intake(name="Old Client", email="old@example.com")
    recent = make_submitted_intake(name="New Client", email="new@example.com")
    request = make_booking(
        BookingStatus.COMPLETED, service=deep60, therapist=alex, start=in_days(-3, 10), intake=old
    )
    BookingEvent.objects.create(request=request, from_status="confirmed", to_status="completed")
    seven_years_on = recent.created_at + dt.timedelta(days=7 * 365 + 10)

    purged = retention.purge_expired_intakes(now=seven_years_on)

    assert purged == 2  # both were submitted before the cut-off seven years later
    assert not Intake.objects.exists()
    request.refresh_from_db()
    assert request.intake is None and request.status == BookingStatus.COMPLETED
    assert request.events.count() == 1
    entries = IntakeAccess.objects.filter(action="purged")
    assert sorted(entries.values_list("intake_number", flat=True)) == sorted([old.pk, recent.pk])
    assert all(entry.user is None for entry in entries)


def test_nothing_younger_than_the_retention_period_is_purged():
    intake = make_submitted_intake()
    assert (
        retention.purge_expired_intakes(now=intake.created_at + dt.timedelta(days=7 * 365 - 2)) == 0
    )
    assert Intake.objects.filter(pk=intake.pk).exists()


def test_the_retention_period_is_a_setting(settings):
    settings.INTAKE_RETENTION_YEARS = 1
    intake = make_submitted_intake()
    assert retention.purge_expired_intakes(now=intake.created_at + dt.timedelta(days=367)) == 1


def test_the_cutoff_handles_a_leap_day(settings):
    settings.INTAKE_RETENTION_YEARS = 7
    leap = dt.datetime(2028, 2, 29, 12, tzinfo=dt.UTC)
    assert retention.retention_cutoff(leap) == dt.datetime(2021, 2, 28, 12, tzinfo=dt.UTC)


def test_unfinished_forms_are_dropped_after_the_idle_time(client, settings):
    settings.SESSION_COOKIE_AGE = 14 * 24 * 3600  # the session itself outlives the form
    settings.INTAKE_IDLE_MINUTES = 30
    client.post("/intake/?step=1", step_data(1, BENIGN))
    assert "intake_progress" in client.session
    assert retention.purge_abandoned_forms(now=timezone.now() + dt.timedelta(minutes=29)) == 0
    assert retention.purge_abandoned_forms(now=timezone.now() + dt.timedelta(minutes=31)) == 1
    assert "intake_progress" not in SessionStore(client.session.session_key).load()


def test_an_unfinished_form_left_alone_starts_again(client, settings):
    settings.INTAKE_IDLE_MINUTES = 0
    client.post("/intake/?step=1", step_data(1, BENIGN))
    assert "Step 1 of" in client.get("/intake/?step=2").content.decode()


def test_expired_sessions_go_with_their_unfinished_forms(client):
    client.post("/intake/?step=1", step_data(1, BENIGN))
    key = client.session.session_key
    assert retention.purge_abandoned_forms(now=timezone.now() + dt.timedelta(days=30)) == 1
    assert not SessionStore(key).exists(key)


# --- one row at a time; a waiting booking does not block the purge -----------------------------


def _seven_years_after(intake):
    return intake.created_at + dt.timedelta(days=7 * 365 + 10)


def _waiting_on_old_intake(deep60, alex):
    from tests.factories import make_intake

    intake = make_intake("MEDICAL")
    booking = make_booking(
        BookingStatus.AWAITING_CLEARANCE, service=deep60, therapist=alex, start=in_days(3, 10),
        intake=intake, email="waiting@example.com",
    )  # fmt: skip
    return intake, booking


def test_a_booking_waiting_for_clearance_is_cancelled_and_the_intake_purged(deep60, alex):
    from django.core import mail

    from clinic.booking import privacy

    make_submitted_intake()  # one submitted before the waiting one
    intake, booking = _waiting_on_old_intake(deep60, alex)
    after = make_submitted_intake()

    purged = retention.purge_expired_intakes(
        now=_seven_years_after(after), release=privacy.release_intake
    )

    assert purged == 3 and not Intake.objects.exists()
    booking.refresh_from_db()
    assert (booking.status, booking.intake) == (BookingStatus.CANCELLED, None)
    event = booking.events.get()
    assert (event.from_status, event.to_status, event.actor_kind) == (
        "awaiting_clearance", "cancelled", "system"
    )  # fmt: skip
    assert "fill in the pre-visit check again" in booking.message_to_client
    [to_client] = [m for m in mail.outbox if m.to == ["waiting@example.com"]]
    assert "fill in the pre-visit check again" in to_client.body
    assert "SECRET" not in to_client.body
    assert IntakeAccess.objects.filter(action="purged", intake_number=intake.pk).exists()


def test_without_the_booking_layer_the_waiting_intake_is_skipped_and_the_rest_purged(
    deep60, alex, caplog
):
    import logging

    caplog.set_level(logging.ERROR)
    first = make_submitted_intake(name="First Client", email="first@example.com")
    intake, booking = _waiting_on_old_intake(deep60, alex)
    last = make_submitted_intake(name="Last Client", email="last@example.com")

    purged = retention.purge_expired_intakes(now=_seven_years_after(last))

    assert purged == 2  # not rolled back by the one the database refused
    assert list(Intake.objects.values_list("pk", flat=True)) == [intake.pk]
    assert not Intake.objects.filter(pk__in=[first.pk, last.pk]).exists()
    assert not IntakeAccess.objects.filter(intake_number=intake.pk).exists()  # no false record
    booking.refresh_from_db()
    assert booking.status == BookingStatus.AWAITING_CLEARANCE and booking.intake_id == intake.pk
    [record] = caplog.records
    assert f"Intake {intake.pk} could not be purged (IntegrityError)" in record.getMessage()
    assert "Ana" not in caplog.text and "example.com" not in caplog.text


def test_purging_twice_changes_nothing_more(deep60, alex):
    from clinic.booking import privacy

    intake, booking = _waiting_on_old_intake(deep60, alex)
    now = _seven_years_after(intake)
    assert retention.purge_expired_intakes(now=now, release=privacy.release_intake) == 1
    booking.refresh_from_db()
    history = list(booking.events.values_list("pk", flat=True))
    audit = IntakeAccess.objects.count()

    assert retention.purge_expired_intakes(now=now, release=privacy.release_intake) == 0
    assert list(booking.events.values_list("pk", flat=True)) == history
    assert IntakeAccess.objects.count() == audit


def test_the_periodic_run_lets_go_of_waiting_bookings(deep60, alex, settings):
    from clinic.backoffice.management.commands import run_periodic

    settings.INTAKE_RETENTION_YEARS = 0  # everything submitted before now is past its period
    _intake, booking = _waiting_on_old_intake(deep60, alex)
    done = run_periodic.run_once()
    assert done["Intakes purged"] == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and booking.intake is None
