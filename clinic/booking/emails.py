"""One function per booking email. Templates: templates/emails/booking_<name>_subject.txt and
booking_<name>_body.txt. Emails carry times, names and links, never health detail: not the
intake, its level or answers, and not the client's note.

Each function renders in the client's language and the clinic's time zone, whatever the worker
process has active. Called by tasks.py, never directly by the pipeline.
"""

from __future__ import annotations

import datetime as dt

import icalendar
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from clinic.booking.models import BookingEvent, BookingRequest, BookingStatus, DataDeletionRequest
from clinic.booking.tokens import manage_url
from clinic.core.models import ClinicSettings


def _context(request: BookingRequest, **extra) -> dict:
    rules = ClinicSettings.load()
    return {
        "booking": request,
        "clinic": rules,
        "zone_name": rules.time_zone,
        "manage_url": manage_url(request.reference),
        "book_url": settings.SITE_URL + reverse("booking_start"),
        "site_url": settings.SITE_URL,
        "Status": BookingStatus,
        **extra,
    }


def _send(
    name: str,
    to: str,
    context: dict,
    *,
    language: str,
    attachments: list[tuple[str, bytes, str]] = (),
) -> EmailMessage:
    rules = context["clinic"]
    with translation.override(language), timezone.override(rules.zone):
        subject = render_to_string(f"emails/booking_{name}_subject.txt", context)
        body = render_to_string(f"emails/booking_{name}_body.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[to],
        reply_to=[rules.email],
        attachments=list(attachments),
    )
    message.send()
    return message


def _to_client(name: str, request: BookingRequest, **extra) -> EmailMessage | None:
    if not request.email:  # the client asked us to delete their details
        return None
    return _send(name, request.email, _context(request, **extra), language=request.language)


def receipt(request: BookingRequest) -> EmailMessage:
    """We have your request; what happens next."""
    return _to_client("receipt", request)


def clinic_notice(request: BookingRequest, event: BookingEvent) -> EmailMessage:
    """Tell the clinic something needs a look: a new request, or the client's answer."""
    rules = ClinicSettings.load()
    admin_url = settings.SITE_URL + reverse("admin:clinic_bookingrequest_change", args=[request.pk])
    context = _context(request, event=event, admin_url=admin_url)
    return _send("clinic_notice", rules.email, context, language=settings.LANGUAGE_CODE)


def confirmation(request: BookingRequest) -> EmailMessage:
    """The time is booked; a calendar file is attached."""
    ics = calendar_file(request)
    return _send(
        "confirmation",
        request.email,
        _context(request),
        language=request.language,
        attachments=[(f"{request.reference}.ics", ics, "text/calendar")],
    )


def proposal(request: BookingRequest) -> EmailMessage:
    """The clinic offers another time; accept or decline through the link."""
    link = manage_url(request.reference)
    rules = ClinicSettings.load()
    return _to_client(
        "proposal",
        request,
        accept_url=f"{link}&action=accept",
        decline_url=f"{link}&action=decline",
        answer_by=request.status_changed_at + rules.request_expiry,
    )


def decline(request: BookingRequest) -> EmailMessage:
    return _to_client("decline", request)


def cancellation(request: BookingRequest) -> EmailMessage:
    return _to_client("cancellation", request)


def reminder(request: BookingRequest) -> EmailMessage:
    return _to_client("reminder", request)


def expiry(request: BookingRequest) -> EmailMessage:
    return _to_client("expiry", request)


def deletion_notice(deletion: DataDeletionRequest) -> EmailMessage:
    """Tell the clinic a client asked for their data to be deleted: the admin link only."""
    rules = ClinicSettings.load()
    admin_url = settings.SITE_URL + reverse(
        "admin:clinic_datadeletionrequest_change", args=[deletion.pk]
    )
    context = {"clinic": rules, "admin_url": admin_url, "deletion": deletion}
    return _send("deletion_notice", rules.email, context, language=settings.LANGUAGE_CODE)


def deletion_done(email: str, reference: str, language: str) -> EmailMessage:
    """Tell the client their data is gone (the address is passed in: it is no longer stored)."""
    context = {"clinic": ClinicSettings.load(), "reference": reference}
    return _send("deletion_done", email, context, language=language)


def deletion_refused(deletion: DataDeletionRequest) -> EmailMessage:
    context = {"clinic": ClinicSettings.load(), "deletion": deletion}
    return _send("deletion_refused", deletion.email, context, language=deletion.language)


def calendar_file(request: BookingRequest) -> bytes:
    """An iCalendar (.ics) event for a booked session, in UTC."""
    rules = ClinicSettings.load()
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Unknot//Booking//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", f"{request.reference}@{settings.SITE_URL.split('://')[-1]}")
    event.add("dtstamp", dt.datetime.now(dt.UTC))
    event.add("dtstart", request.start.astimezone(dt.UTC))
    event.add("dtend", request.end.astimezone(dt.UTC))
    with translation.override(request.language):
        event.add(
            "summary",
            f"{request.service.name}, {request.therapist.display_name} ({rules.name})",
        )
    event.add("location", ", ".join(line.strip() for line in rules.address.splitlines()))
    event.add("description", manage_url(request.reference))
    event.add("url", manage_url(request.reference))
    calendar.add_component(event)
    return calendar.to_ical()
