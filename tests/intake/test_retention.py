import datetime as dt

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from clinic.booking.models import BookingEvent, BookingStatus
from intake import retention
from intake.models import Intake, IntakeAccess
from tests.booking.support import in_days, make_request
from tests.intake.answers import BENIGN
from tests.intake.factories import make_intake
from tests.intake.helpers import step_data

pytestmark = pytest.mark.django_db


def test_intakes_past_the_retention_period_are_purged_and_booking_history_stays(deep60, alex):
    old = make_intake(name="Old Client", email="old@example.com")
    recent = make_intake(name="New Client", email="new@example.com")
    request = make_request(
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
    intake = make_intake()
    assert (
        retention.purge_expired_intakes(now=intake.created_at + dt.timedelta(days=7 * 365 - 2)) == 0
    )
    assert Intake.objects.filter(pk=intake.pk).exists()


def test_the_retention_period_is_a_setting(settings):
    settings.INTAKE_RETENTION_YEARS = 1
    intake = make_intake()
    assert retention.purge_expired_intakes(now=intake.created_at + dt.timedelta(days=367)) == 1


def test_the_cutoff_handles_a_leap_day(settings):
    settings.INTAKE_RETENTION_YEARS = 7
    leap = dt.datetime(2028, 2, 29, 12, tzinfo=dt.UTC)
    assert retention.retention_cutoff(leap) == dt.datetime(2021, 2, 28, 12, tzinfo=dt.UTC)


def test_unfinished_forms_are_dropped_after_a_day(client, settings):
    settings.SESSION_COOKIE_AGE = 14 * 24 * 3600  # the session itself outlives the form
    client.post("/intake/?step=1", step_data(1, BENIGN))
    assert "intake_progress" in client.session
    assert retention.purge_abandoned_forms(now=timezone.now() + dt.timedelta(hours=23)) == 0
    assert retention.purge_abandoned_forms(now=timezone.now() + dt.timedelta(hours=25)) == 1
    assert "intake_progress" not in SessionStore(client.session.session_key).load()


def test_an_unfinished_form_left_a_day_starts_again(client, settings):
    settings.INTAKE_PARTIAL_HOURS = 0
    client.post("/intake/?step=1", step_data(1, BENIGN))
    assert "Step 1 of" in client.get("/intake/?step=2").content.decode()


def test_expired_sessions_go_with_their_unfinished_forms(client):
    client.post("/intake/?step=1", step_data(1, BENIGN))
    key = client.session.session_key
    assert retention.purge_abandoned_forms(now=timezone.now() + dt.timedelta(days=30)) == 1
    assert not SessionStore(key).exists(key)
