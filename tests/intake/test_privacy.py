"""Health information stays out of emails and logs."""

import logging

import pytest
from django.core import mail

from intake.models import Intake
from intake.questions import QUESTIONS
from intake.triage import RULES_BY_ID
from tests.intake.answers import benign
from tests.intake.helpers import fill_intake

pytestmark = pytest.mark.django_db

MEDICAL = benign(
    night_sweats="yes",
    blood_thinner="yes",
    pain_worst_0_10=9,
    age_years=47,
    pain_regions=["neck", "hand_left"],
)


def health_words(intake: Intake) -> list[str]:
    """Every trace of the answers a message could leak: ids, rule text, question text."""
    words = [*intake.fired, *intake.cautions, *intake.flags, intake.level]
    words += [str(RULES_BY_ID[r].client) for r in intake.fired]
    words += [str(QUESTIONS[k].text) for k in ("night_sweats", "blood_thinner")]
    words += ["night sweat", "blood thinner", "hand_left", "Left hand", "sweat"]
    return words


def test_emails_carry_links_and_next_steps_never_answers(
    client, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://clinic.example"
    with django_capture_on_commit_callbacks(execute=True):
        fill_intake(client, MEDICAL)
    intake = Intake.objects.get()
    assert intake.level == "MEDICAL"
    receipts = [m for m in mail.outbox if m.to == [intake.email]]
    notices = [m for m in mail.outbox if m.to == ["hello@clinic.example"]]
    assert len(receipts) == 1 and len(notices) == 1
    assert f"https://clinic.example/admin/intake/intake/{intake.pk}/change/" in notices[0].body
    assert intake.name not in notices[0].body + notices[0].subject
    # The client chose Spanish (tests/intake/helpers.py): the link opens the Spanish page.
    assert "https://clinic.example/es/book/" in receipts[0].body
    for message in mail.outbox:
        text = (message.subject + message.body).lower()
        for word in health_words(intake):
            assert word.lower() not in text, f"{word!r} leaked into {message.subject!r}"


def test_self_care_intake_sends_only_the_receipt(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        fill_intake(client)
    assert [m.to for m in mail.outbox] == [["rosa@example.com"]]


def test_no_answer_or_rule_id_in_any_log_record(client, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        fill_intake(client, MEDICAL)
        client.get("/intake/result/")
    intake = Intake.objects.get()
    logged = "\n".join(record.getMessage() + str(record.args) for record in caplog.records)
    for word in [*health_words(intake), intake.email, "between_shoulder_blades"]:
        assert word.lower() not in logged.lower()
