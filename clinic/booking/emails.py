"""One function per booking email, sent through clinic.core.mail (templates:
templates/emails/booking_<name>_subject.txt and _body.txt). Emails carry times, names and
links, never health detail: not the intake, its level or answers, and not the client's note.
Called by tasks.py, never directly by the pipeline.
"""

from __future__ import annotations

import datetime as dt
import functools

import icalendar
from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation

from clinic.booking.models import BookingEvent, BookingRequest, BookingStatus, DataDeletionRequest
from clinic.booking.tokens import manage_url, recheck_url
from clinic.booking.visit_checks import is_due
from clinic.core import mail
from clinic.core.models import ClinicSettings


def _in_clients_language(email):
    """Build the email, its links included, in the client's language: a Spanish-speaking
    client's links open the Spanish pages (/es/…)."""

    @functools.wraps(email)
    def build(booking, *args, **kwargs):
        with translation.override(booking.language):
            return email(booking, *args, **kwargs)

    return build


def _context(booking: BookingRequest, **extra) -> dict:
    return {
        "booking": booking,
        "zone_name": ClinicSettings.load().time_zone,
        "manage_url": manage_url(booking.reference),
        "book_url": settings.SITE_URL + reverse("booking_start"),
        "site_url": settings.SITE_URL,
        "Status": BookingStatus,
        **extra,
    }


def _to_client(name: str, booking: BookingRequest, **extra) -> EmailMessage | None:
    if not booking.email:  # the client asked us to delete their details
        return None
    return mail.send(
        f"booking_{name}", booking.email, _context(booking, **extra), language=booking.language
    )


@_in_clients_language
def receipt(booking: BookingRequest) -> EmailMessage:
    """We have your request; what happens next."""
    return _to_client("receipt", booking)


def clinic_notice(booking: BookingRequest, event: BookingEvent) -> EmailMessage:
    """Tell the clinic something needs a look: a new booking, or the client's answer."""
    rules = ClinicSettings.load()
    admin_url = settings.SITE_URL + reverse("admin:clinic_bookingrequest_change", args=[booking.pk])
    context = _context(booking, event=event, admin_url=admin_url)
    return mail.send("booking_clinic_notice", rules.email, context, language=settings.LANGUAGE_CODE)


@_in_clients_language
def confirmation(booking: BookingRequest) -> EmailMessage:
    """The time is booked; a calendar file is attached."""
    ics = calendar_file(booking)
    return mail.send(
        "booking_confirmation",
        booking.email,
        _context(booking),
        language=booking.language,
        attachments=[(f"{booking.reference}.ics", ics, "text/calendar")],
    )


@_in_clients_language
def moved(booking: BookingRequest) -> EmailMessage | None:
    """The appointment has a new time (the clinic confirmed the client's new time, or it was
    moved at once): the new time, with a calendar file for it."""
    if not booking.email:
        return None
    replaced = booking.reschedules
    attachments = [(f"{booking.reference}.ics", calendar_file(booking), "text/calendar")]
    if replaced is not None and replaced.status == BookingStatus.CANCELLED:
        # The old time's event, withdrawn, so that calendars which read it remove it.
        attachments.append(
            (
                f"{replaced.reference}-cancelled.ics",
                calendar_file(replaced, cancelled=True),
                "text/calendar",
            )
        )
    return mail.send(
        "booking_moved",
        booking.email,
        _context(booking, replaced=replaced),
        language=booking.language,
        attachments=attachments,
    )


@_in_clients_language
def reschedule_receipt(booking: BookingRequest) -> EmailMessage | None:
    """We have the client's request for a new time; their old time stays booked until then."""
    return _to_client("reschedule_receipt", booking, replaced=booking.reschedules)


@_in_clients_language
def proposal(booking: BookingRequest) -> EmailMessage:
    """The clinic offers another time; accept or decline through the link."""
    link = manage_url(booking.reference)
    rules = ClinicSettings.load()
    return _to_client(
        "proposal",
        booking,
        accept_url=f"{link}&action=accept",
        decline_url=f"{link}&action=decline",
        answer_by=booking.answer_due(rules),
    )


@_in_clients_language
def decline(booking: BookingRequest) -> EmailMessage:
    return _to_client("decline", booking)


@_in_clients_language
def cancellation(booking: BookingRequest) -> EmailMessage:
    return _to_client("cancellation", booking)


@_in_clients_language
def reminder(booking: BookingRequest) -> EmailMessage:
    """The day-before reminder; it carries the pre-visit re-check link when one is due."""
    link = recheck_url(booking.reference) if is_due(booking) else ""
    return _to_client("reminder", booking, recheck_url=link)


@_in_clients_language
def recheck_request(booking: BookingRequest) -> EmailMessage:
    """Two days before: the link to the pre-visit re-check."""
    return _to_client("recheck_request", booking, recheck_url=recheck_url(booking.reference))


@_in_clients_language
def on_hold(booking: BookingRequest) -> EmailMessage:
    """The re-check needs a therapist's review: the session waits (no health detail)."""
    return _to_client("on_hold", booking)


@_in_clients_language
def expiry(booking: BookingRequest) -> EmailMessage:
    return _to_client("expiry", booking)


@_in_clients_language
def cleared(booking: BookingRequest) -> EmailMessage:
    """The request no longer waits for a therapist's look: it moves on (no health detail)."""
    return _to_client("cleared", booking)


@_in_clients_language
def referral(booking: BookingRequest) -> EmailMessage:
    """Please see your doctor first; the request is kept for a while (no health detail)."""
    return _to_client("referral", booking)


def deletion_notice(deletion: DataDeletionRequest) -> EmailMessage:
    """Tell the clinic a client asked for their data to be deleted: the admin link only."""
    rules = ClinicSettings.load()
    admin_url = settings.SITE_URL + reverse(
        "admin:clinic_datadeletionrequest_change", args=[deletion.pk]
    )
    context = {"clinic": rules, "admin_url": admin_url, "deletion": deletion}
    return mail.send(
        "booking_deletion_notice", rules.email, context, language=settings.LANGUAGE_CODE
    )


def deletion_done(email: str, reference: str, language: str) -> EmailMessage:
    """Tell the client their data is gone (the address is passed in: it is no longer stored)."""
    context = {"clinic": ClinicSettings.load(), "reference": reference}
    return mail.send("booking_deletion_done", email, context, language=language)


def deletion_refused(deletion: DataDeletionRequest) -> EmailMessage:
    context = {"clinic": ClinicSettings.load(), "deletion": deletion}
    return mail.send(  # no link in it
        "booking_deletion_refused", deletion.email, context, language=deletion.language
    )


def calendar_file(booking: BookingRequest, *, cancelled: bool = False) -> bytes:
    """An iCalendar (.ics) event for a booked session, in UTC (`cancelled`: the same event
    withdrawn, for a time that was replaced)."""
    rules = ClinicSettings.load()
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Unknot//Booking//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = icalendar.Event()
    if cancelled:
        event.add("status", "CANCELLED")
        event.add("sequence", 1)
    event.add("uid", f"{booking.reference}@{settings.SITE_URL.split('://')[-1]}")
    event.add("dtstamp", dt.datetime.now(dt.UTC))
    event.add("dtstart", booking.start.astimezone(dt.UTC))
    event.add("dtend", booking.end.astimezone(dt.UTC))
    with translation.override(booking.language):
        event.add(
            "summary",
            f"{booking.service.name}, {booking.therapist.display_name} ({rules.name})",
        )
    event.add("location", ", ".join(line.strip() for line in rules.address.splitlines()))
    event.add("description", manage_url(booking.reference))
    event.add("url", manage_url(booking.reference))
    calendar.add_component(event)
    return calendar.to_ical()


def my_link(email: str, link: str, *, minutes: int, language: str) -> EmailMessage:
    """The timed link to a client's page of all their requests (my_appointments.py): the
    link and how long it works, nothing about the requests themselves. The caller builds
    `link` in `language`."""
    with translation.override(language):
        my_url = settings.SITE_URL + reverse("my_request")
    context = {"link": link, "minutes": minutes, "my_url": my_url}
    return mail.send("booking_my_link", email, context, language=language)
