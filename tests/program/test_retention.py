"""Program health data is deleted PROGRAM_RETENTION_DAYS after an enrolment's last sign of
life, with its lessons done and check-ins; the program's audit trail stays, still naming the
enrolment. Idempotent, and safe with two workers at once."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from clinic.program import retention
from clinic.program.models import CheckIn, Enrolment, Lesson, LessonDone, ProgramAccess
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def lesson():
    return Lesson.objects.create(
        slug="starting-safely", order=1, week=1, title="Starting safely", summary="s",
        goal="g", minutes=10, body="b", body_html="<p>b</p>", author="The clinic",
    )  # fmt: skip


def enrolment(email, *, days_ago, active_days_ago=None, **fields):
    row = Enrolment.objects.create(email=email, **fields)
    created = NOW - dt.timedelta(days=days_ago)
    active = NOW - dt.timedelta(days=active_days_ago) if active_days_ago is not None else None
    Enrolment.objects.filter(pk=row.pk).update(created_at=created, last_activity_at=active)
    return row


def with_health(row, staff):
    LessonDone.objects.create(enrolment=row, lesson=Lesson.objects.get(), done_at=NOW)
    CheckIn.objects.create(
        enrolment=row, week=2, pain_now=6, limits_now=5, trend="same", level="SELF_CARE"
    )
    ProgramAccess.objects.create(
        enrolment=row, enrolment_number=row.pk, user=staff, action="viewed"
    )
    # An entry without the number (written before it was always filled in).
    ProgramAccess.objects.create(enrolment=row, user=staff, action="viewed")


@pytest.fixture
def staff(db):
    lesson()
    return make_staff("tess", password=None)


def test_an_enrolment_past_the_period_goes_with_its_health_data_and_the_audit_stays(staff):
    old = enrolment("old@example.com", days_ago=400, active_days_ago=380, baseline_pain=7)
    with_health(old, staff)
    kept = enrolment("kept@example.com", days_ago=400, active_days_ago=10, baseline_pain=5)
    with_health(kept, staff)

    assert retention.purge_expired_enrolments(now=NOW) == 1

    assert list(Enrolment.objects.values_list("email", flat=True)) == ["kept@example.com"]
    assert not LessonDone.objects.filter(enrolment_id=old.pk).exists()
    assert not CheckIn.objects.filter(enrolment_id=old.pk).exists()
    assert CheckIn.objects.filter(enrolment=kept).count() == 1
    audit = ProgramAccess.objects.filter(enrolment_number=old.pk)
    assert audit.count() == 2 and not audit.filter(enrolment__isnull=False).exists()


def test_the_newest_sign_of_life_counts(staff):
    never_used = enrolment("never@example.com", days_ago=366)
    confirmed_lately = enrolment(
        "confirmed@example.com", days_ago=400, confirmed_at=NOW - dt.timedelta(days=30)
    )
    unsubscribed_lately = enrolment(
        "left@example.com", days_ago=400, unsubscribed_at=NOW - dt.timedelta(days=3)
    )
    recent = enrolment("recent@example.com", days_ago=364)

    assert retention.purge_expired_enrolments(now=NOW) == 1
    left = set(Enrolment.objects.values_list("pk", flat=True))
    assert never_used.pk not in left
    assert {confirmed_lately.pk, unsubscribed_lately.pk, recent.pk} == left


def test_the_period_is_a_setting(staff, settings):
    enrolment("month@example.com", days_ago=40, active_days_ago=31)
    settings.PROGRAM_RETENTION_DAYS = 365
    assert retention.purge_expired_enrolments(now=NOW) == 0
    settings.PROGRAM_RETENTION_DAYS = 30
    assert retention.purge_expired_enrolments(now=NOW) == 1


def test_by_default_a_year_is_kept(staff):
    enrolment("a@example.com", days_ago=364)
    enrolment("b@example.com", days_ago=366)
    assert retention.retention_days() == 365
    assert retention.purge_expired_enrolments(now=NOW) == 1
    assert list(Enrolment.objects.values_list("email", flat=True)) == ["a@example.com"]


def test_a_second_run_does_nothing_more(staff):
    with_health(enrolment("old@example.com", days_ago=400), staff)
    assert retention.purge_expired_enrolments(now=NOW) == 1
    assert retention.purge_expired_enrolments(now=NOW) == 0
    assert ProgramAccess.objects.count() == 2


def test_one_row_that_fails_does_not_stop_the_others(staff, monkeypatch, caplog):
    first = enrolment("first@example.com", days_ago=400)
    enrolment("second@example.com", days_ago=400)
    real_delete = Enrolment.delete

    def failing(self, *args, **kwargs):
        if self.pk == first.pk:
            raise RuntimeError("first@example.com cannot go")
        return real_delete(self, *args, **kwargs)

    monkeypatch.setattr(Enrolment, "delete", failing)
    assert retention.purge_expired_enrolments(now=NOW) == 1
    assert list(Enrolment.objects.values_list("pk", flat=True)) == [first.pk]
    assert f"enrolment {first.pk} could not be purged (RuntimeError)" in caplog.text
    assert "first@example.com" not in caplog.text  # the number only, never the address


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_delete_each_row_once():
    lesson()
    staff = make_staff("tess", password=None)
    row = enrolment("old@example.com", days_ago=400)
    with_health(row, staff)
    holding, release = threading.Event(), threading.Event()
    other_worker = {}

    def worker():
        # The other worker has this row locked, mid-purge, when this one runs.
        try:
            with transaction.atomic():
                locked = Enrolment.objects.select_for_update().get(pk=row.pk)
                holding.set()
                release.wait(10)
                locked.delete()
            other_worker["done"] = True
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    assert holding.wait(10)
    try:
        assert retention.purge_expired_enrolments(now=NOW) == 0  # skipped, not waited for
    finally:
        release.set()
        thread.join(10)
    assert other_worker == {"done": True}
    assert retention.purge_expired_enrolments(now=NOW) == 0
    assert not Enrolment.objects.exists() and not CheckIn.objects.exists()
    assert ProgramAccess.objects.count() == 2
