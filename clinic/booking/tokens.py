"""The client's link to their own booking request: the reference plus a signature of it.

Only someone who got the email (or submitted the request in this browser) knows the token; a
wrong or altered token is indistinguishable from a request that does not exist.

A link has an end: it works until BOOKING_LINK_DAYS_AFTER days after the later of the
appointment (the booked or proposed session's end, else the requested time) and the request's
last status change. The end is worked out from the booking, not carried in the token, so the
links already sent in emails keep their form and keep working until that end, and a link
follows its booking when the clinic moves the time. After the end a genuine link shows a page
saying so (views/manage.py); a forged one is still a 404.
"""

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from clinic.booking.models import BookingRequest

SALT = "clinic.booking.manage"


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT)


def make_token(reference: str) -> str:
    return _signer().signature(reference)


def token_is_valid(reference: str, token: str) -> bool:
    """The signature is genuine (whether or not the link has ended: see link_is_live)."""
    if not token or not isinstance(token, str):
        return False
    try:
        _signer().unsign(f"{reference}{_signer().sep}{token}")
    except signing.BadSignature:
        return False
    return True


def link_ends_at(booking: BookingRequest) -> dt.datetime:
    """The instant the booking's link stops working."""
    appointment = booking.end or booking.start or booking.requested_start
    anchor = (
        max(appointment, booking.status_changed_at) if appointment else booking.status_changed_at
    )
    return anchor + dt.timedelta(days=settings.BOOKING_LINK_DAYS_AFTER)


def link_is_live(booking: BookingRequest, *, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) < link_ends_at(booking)


def manage_path(reference: str) -> str:
    path = reverse("booking_manage", args=[reference])
    return f"{path}?{urlencode({'token': make_token(reference)})}"


def manage_url(reference: str) -> str:
    """The absolute link for emails."""
    return settings.SITE_URL + manage_path(reference)


# --- the pre-visit re-check's link ---------------------------------------------------------------
# A link of its own (its own salt: a manage token does not open the re-check, nor the other way
# round), tied to the booking reference, working until the session starts (worked out from the
# booking, like the manage link's end, so it follows the booking when the time moves).

RECHECK_SALT = "clinic.booking.recheck"


def _recheck_signer() -> signing.Signer:
    return signing.Signer(salt=RECHECK_SALT)


def make_recheck_token(reference: str) -> str:
    return _recheck_signer().signature(reference)


def recheck_token_is_valid(reference: str, token: str) -> bool:
    if not token or not isinstance(token, str):
        return False
    try:
        _recheck_signer().unsign(f"{reference}{_recheck_signer().sep}{token}")
    except signing.BadSignature:
        return False
    return True


def recheck_link_is_live(booking: BookingRequest, *, now: dt.datetime | None = None) -> bool:
    """A re-check link works until the session starts (the requested time, for a request)."""
    return (now or timezone.now()) < booking.shown_start


def recheck_path(reference: str) -> str:
    path = reverse("booking_recheck", args=[reference])
    return f"{path}?{urlencode({'token': make_recheck_token(reference)})}"


def recheck_url(reference: str) -> str:
    """The absolute link for the reminder email."""
    return settings.SITE_URL + recheck_path(reference)
