"""The notices to staff, one function per email, sent through clinic.core.mail to the clinic's
address (templates: templates/emails/backoffice_<name>_subject.txt and _body.txt). They carry
counts and back-office links only: no level, no answer, no question text, no client's note."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse

from clinic.booking.models import BookingRequest, BookingStatus
from clinic.core import mail
from clinic.core.models import ClinicSettings
from education.models import ReaderQuestion


def _link(name: str, *args, query: str = "") -> str:
    return settings.SITE_URL + reverse(name, args=args) + (f"?{query}" if query else "")


def _send(name: str, context: dict) -> None:
    context = {"today_url": _link("backoffice_today"), **context}
    mail.send(
        f"backoffice_{name}",
        ClinicSettings.load().email,
        context,
        language=settings.LANGUAGE_CODE,
    )


def question_notice(question_id: int) -> None:
    """A reader question arrived: the link to answer it."""
    question = ReaderQuestion.objects.filter(pk=question_id, status="pending").first()
    if question is None:  # answered or removed since
        return
    _send(
        "question",
        {"admin_url": _link("admin:education_readerquestion_change", question.pk)},
    )


def expiry_warning(booking_id: int) -> None:
    """A request expires soon unless someone answers it: its reference, when, and the link."""
    booking = BookingRequest.objects.filter(pk=booking_id).first()
    if booking is None or booking.status not in (
        BookingStatus.AWAITING_CLEARANCE,
        BookingStatus.REQUESTED,
    ):
        return
    _send(
        "expiring",
        {
            "reference": booking.reference,
            "due": booking.answer_due(ClinicSettings.load()),
            "admin_url": _link("admin:clinic_bookingrequest_change", booking.pk),
        },
    )


def digest(day: str, counts: dict[str, int]) -> None:
    """The day's digest: what waits, as counts, with a link to each list."""
    _send(
        "digest",
        {
            "day": dt.date.fromisoformat(day),
            "counts": counts,
            "questions_url": _link(
                "admin:education_readerquestion_changelist", query="status__exact=pending"
            ),
            "intakes_url": _link(
                "admin:intake_intake_changelist", query="review_status__exact=new"
            ),
            "requests_url": _link("admin:clinic_bookingrequest_changelist"),
            "deletions_url": _link(
                "admin:clinic_datadeletionrequest_changelist", query="status__exact=pending"
            ),
        },
    )
