"""My appointments: a client sees all their booking requests through a timed link sent to
their email, without an account.

The link. A client types their email address on /my/; a background task looks the address up
and, only when it has booking requests, emails a link to /my/appointments/?link=<token>. The
token is TimestampSigner(salt=SALT) over "<reference>.<digest>": the reference of the
address's most recent request (the anchor) and a keyed digest of the address. So:
- it is single purpose: its salt is its own, so a booking's manage token, a form stamp or any
  other signed value of the site is not a link here, and this token is not one anywhere else;
- it is timed: it works for MY_LINK_MINUTES (a setting, 60 by default) after it was made;
- it is opaque about the person: it names a booking reference (as /book/<reference>/ already
  does) and a digest that nobody can turn back into the address without the site's secret
  key. The address itself never travels in a URL. The page finds the requests by the anchor's
  address, and only while that address still has the digest the link was made for (a request
  whose details were deleted or anonymised ends its links);
- it travels in the query string, which neither the request log (clinic/core/request_log.py)
  nor gunicorn's access log (clinic/gunicorn.py) records; the referrer policy is same-origin.

No way to learn who is a client. The form answers the same whatever the address (the same
redirect, the same page) and does the same work for every address: it enqueues one task. The
look-up and the email happen in that task, outside the request. An address with no requests
gets no email at all: a "nothing found" email could be sent to any stranger's inbox by anyone.
The address is an argument of that one task (it has to be, to send to it); finished tasks are
pruned after a day (run_periodic).

Rate limits: link requests count per device and per network address (ratelimit.MY_LINKS, a
clear message on the form when reached), and the task sends at most MY_LINK_EMAILS_PER_HOUR
links to one address in an hour (ratelimit.acquire_for), silently, so that nobody can fill a
client's inbox from many devices.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from clinic.booking import emails
from clinic.booking.models import BookingRequest, BookingStatus
from clinic.booking.tokens import link_is_live, manage_path
from clinic.core import ratelimit

SALT = "clinic.booking.my_appointments"
SEPARATOR = "."
# How many requests each part of the page shows at most (the most relevant first).
SHOWN = 20

# What each status means for the client, in plain words.
STATUS_WORDS = {
    BookingStatus.AWAITING_CLEARANCE: _(
        "Waiting: a therapist reads your pre-visit check before we can confirm a time."
    ),
    BookingStatus.REQUESTED: _("Waiting: we have your request and will confirm or suggest a time."),
    BookingStatus.PROPOSED: _("We suggested another time. Please accept or decline it."),
    BookingStatus.CONFIRMED: _("Confirmed. We look forward to seeing you."),
    BookingStatus.DECLINED: _("Not booked: we could not offer this time."),
    BookingStatus.CANCELLED: _("Cancelled."),
    BookingStatus.EXPIRED: _("Not booked: the request ended without an answer in time."),
    BookingStatus.COMPLETED: _("Done: you came to this session."),
    BookingStatus.NO_SHOW: _("Missed: we did not see you at this session."),
}
# Still ahead, and still possible: shown under "Coming up" while their time has not passed.
AHEAD_STATUSES = (
    BookingStatus.AWAITING_CLEARANCE,
    BookingStatus.REQUESTED,
    BookingStatus.PROPOSED,
    BookingStatus.CONFIRMED,
)


class LinkError(Exception):
    """The link does not open the page. `expired`: it was genuine but its time is over (or
    the requests it was made for lost their details); otherwise it was altered or cut short."""

    def __init__(self, *, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def link_minutes() -> int:
    return settings.MY_LINK_MINUTES


def emails_per_hour() -> int:
    return settings.MY_LINK_EMAILS_PER_HOUR


def normalise(email: str) -> str:
    return email.strip().lower()


def _digest(email: str) -> str:
    return salted_hmac(SALT, normalise(email), algorithm="sha256").hexdigest()[:24]


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def make_token(booking: BookingRequest, *, now: float | None = None) -> str:
    """A link token for the address of `booking` (its anchor), made at `now` (seconds)."""
    value = f"{booking.reference}{SEPARATOR}{_digest(booking.email)}"
    signer = _signer()
    stamp = signing.b62_encode(int(now if now is not None else time.time()))
    # TimestampSigner.sign() with a given time: the same format, so unsign() reads it too.
    return signing.Signer.sign(signer, f"{value}{signer.sep}{stamp}")


def read_token(token: str, *, now: float | None = None) -> tuple[str, str]:
    """(reference, digest) of a genuine, unexpired token; LinkError otherwise."""
    if not token or not isinstance(token, str) or len(token) > 200:
        raise LinkError(expired=False)
    signer = _signer()
    try:
        signed = signing.Signer.unsign(signer, token)
        value, stamp = signed.rsplit(signer.sep, 1)
        made = signing.b62_decode(stamp)
        reference, digest = value.split(SEPARATOR, 1)
    except (signing.BadSignature, ValueError):
        raise LinkError(expired=False) from None
    age = (now if now is not None else time.time()) - made
    if age > link_minutes() * 60 or age < -60:
        raise LinkError(expired=True)
    return reference, digest


def link_path(token: str) -> str:
    return f"{reverse('my_appointments')}?{urlencode({'link': token})}"


def link_url(token: str) -> str:
    """The absolute link for the email."""
    return settings.SITE_URL + link_path(token)


def bookings_for(email: str):
    """Every request under this address (its case as typed does not matter)."""
    return BookingRequest.objects.filter(email__iexact=normalise(email)).exclude(email="")


def anchor_for(email: str) -> BookingRequest | None:
    """The address's most recent request: its language is the email's, its reference the
    link's anchor. None for an address with no requests."""
    if not normalise(email):
        return None
    return bookings_for(email).order_by("-created_at", "-pk").first()


def address_for(token: str, *, now: float | None = None) -> str:
    """The email address a genuine, unexpired link was sent to; LinkError otherwise."""
    reference, digest = read_token(token, now=now)
    anchor = BookingRequest.objects.filter(reference=reference).only("email").first()
    if anchor is None or not anchor.email or _digest(anchor.email) != digest:
        raise LinkError(expired=True)  # a genuine link whose requests lost their details
    return normalise(anchor.email)


# --- the page -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One request as the client sees it on their page."""

    booking: BookingRequest
    words: str
    manage_url: str | None  # the request's own page, while its link still works
    calendar: bool  # a confirmed session still ahead: "Add to calendar"


@dataclass(frozen=True)
class Appointments:
    upcoming: list[Entry]
    past: list[Entry]
    more_past: bool  # older ones exist beyond the SHOWN most recent


def _when():
    """The moment a request is over: the session's end, else the time asked for."""
    return Coalesce("end", "start", "requested_start")


def _entry(booking: BookingRequest, now: dt.datetime, *, upcoming: bool) -> Entry:
    return Entry(
        booking=booking,
        words=STATUS_WORDS.get(booking.status, booking.get_status_display()),
        manage_url=manage_path(booking.reference) if link_is_live(booking, now=now) else None,
        calendar=upcoming and booking.status == BookingStatus.CONFIRMED,
    )


def appointments(email: str, *, now: dt.datetime | None = None) -> Appointments:
    """The address's requests still ahead (soonest first) and the others (latest first),
    SHOWN of each at most, in two queries."""
    now = now or timezone.now()
    rows = (
        bookings_for(email)
        .select_related("service", "therapist", "requested_therapist")
        .alias(over=_when())
    )
    ahead = Q(status__in=AHEAD_STATUSES, over__gt=now)
    upcoming = list(rows.filter(ahead).order_by("over", "pk")[:SHOWN])
    past = list(rows.exclude(ahead).order_by("-over", "-pk")[: SHOWN + 1])
    return Appointments(
        upcoming=[_entry(booking, now, upcoming=True) for booking in upcoming],
        past=[_entry(booking, now, upcoming=False) for booking in past[:SHOWN]],
        more_past=len(past) > SHOWN,
    )


def calendar_booking(email: str, reference: str, *, now: dt.datetime | None = None):
    """The address's confirmed request `reference` if it is still ahead, else None."""
    now = now or timezone.now()
    return (
        bookings_for(email)
        .select_related("service", "therapist")
        .filter(reference=reference, status=BookingStatus.CONFIRMED, end__gt=now)
        .first()
    )


# --- asking for a link --------------------------------------------------------------------------


def request_link(email: str, *, language: str) -> None:
    """Queue the look-up and the email. Called for every address, known or not, so that the
    answer and the work done in the request are the same for both."""
    from clinic.booking import tasks  # its task calls send_link() below

    tasks.send_my_link.enqueue(normalise(email), language)


def send_link(email: str, *, language: str) -> bool:
    """The task's work: email a link when the address has requests and has not had
    emails_per_hour() links in the last hour. True when an email went out."""
    anchor = anchor_for(email)
    if anchor is None:
        return False
    if ratelimit.acquire_for(ratelimit.MY_LINKS, normalise(email), emails_per_hour()):
        return False
    language = anchor.language or language
    with translation.override(language):  # the link opens the page in the email's language
        link = link_url(make_token(anchor))
    emails.my_link(anchor.email, link, minutes=link_minutes(), language=language)
    return True
