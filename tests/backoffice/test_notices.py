import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from clinic.backoffice import notices
from clinic.backoffice.models import StaffNotice
from clinic.booking.models import BookingStatus
from clinic.core.models import ClinicSettings
from tests.backoffice.helpers import at
from tests.factories import (
    SECRET_ANSWER,
    SECRET_NOTE,
    make_article,
    make_booking,
    make_intake,
    make_question,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 8)
QUESTION = "Is deep pressure safe with my blood thinners?"
HEALTH_WORDS = (SECRET_ANSWER, SECRET_NOTE, QUESTION, "MEDICAL", "See a doctor", "EMERGENCY")


def no_health_detail(message) -> None:
    text = message.subject + message.body
    for word in HEALTH_WORDS:
        assert word not in text, word


@pytest.fixture
def waiting(deep60, alex):
    """Something of each kind waits: a question, an intake to review, a held request."""
    question = make_question(make_article(), question=QUESTION)
    intake = make_intake("MEDICAL")
    booking = make_booking(
        BookingStatus.AWAITING_CLEARANCE,
        service=deep60,
        therapist=alex,
        start=at(DAY + dt.timedelta(days=2), 10),
        intake=intake,
        changed_at=at(DAY, 6) - dt.timedelta(hours=40),
    )
    return {"question": question, "intake": intake, "booking": booking}


def test_the_daily_digest_goes_once_a_day_with_counts_and_links(settings, waiting):
    settings.STAFF_NOTICES = "daily"
    assert mail.outbox == []  # a question arriving sends nothing in daily mode
    assert notices.send_daily_digest(now=at(DAY, 6)) == 0  # before the digest hour
    assert notices.send_daily_digest(now=at(DAY, 7, 5)) == 1
    assert notices.send_daily_digest(now=at(DAY, 12)) == 0  # once a day
    [digest] = mail.outbox
    assert digest.to == [ClinicSettings.load().email]
    assert "1 intake to review" in digest.body
    assert "1 booking request waiting for clearance or an answer" in digest.body
    assert "(1 expires within 12 hours)" in digest.body
    assert "1 reader question waiting" in digest.body
    assert "0 data deletion requests" in digest.body
    assert settings.SITE_URL + reverse("backoffice_today") in digest.body
    assert reverse("admin:intake_intake_changelist") in digest.body
    no_health_detail(digest)
    assert StaffNotice.objects.filter(kind="digest", key=DAY.isoformat()).count() == 1
    # The next day brings the next digest.
    assert notices.send_daily_digest(now=at(DAY + dt.timedelta(days=1), 8)) == 1
    assert len(mail.outbox) == 2


def test_no_digest_when_nothing_waits(settings, db):
    settings.STAFF_NOTICES = "daily"
    assert notices.send_daily_digest(now=at(DAY, 9)) == 0
    assert mail.outbox == []
    assert notices.send_daily_digest(now=at(DAY, 10)) == 0  # and not retried all day


def test_each_mode_tells_of_a_question_as_it_arrives(settings, db):
    settings.STAFF_NOTICES = "each"
    question = make_question(make_article(), question=QUESTION)
    [notice] = mail.outbox
    assert "reader question" in notice.subject
    assert reverse("admin:education_readerquestion_change", args=[question.pk]) in notice.body
    no_health_detail(notice)
    question.status = "approved"
    question.save()  # a change is not an arrival
    assert len(mail.outbox) == 1


def test_each_mode_warns_once_of_a_request_about_to_expire(settings, waiting, deep60, alex):
    settings.STAFF_NOTICES = "each"
    mail.outbox.clear()
    fresh = make_booking(
        BookingStatus.REQUESTED,
        service=deep60,
        therapist=alex,
        start=at(DAY + dt.timedelta(days=3), 10),
        changed_at=at(DAY, 7),
    )
    assert notices.send_daily_digest(now=at(DAY, 8)) == 1
    assert notices.send_daily_digest(now=at(DAY, 9)) == 0
    [warning] = mail.outbox
    reference = waiting["booking"].reference
    assert reference in warning.subject and fresh.reference not in warning.body
    assert reverse("admin:clinic_bookingrequest_change", args=[waiting["booking"].pk]) in (
        warning.body
    )
    no_health_detail(warning)
