"""The client's link to their own booking request: the reference plus a signature of it.

Only someone who got the email (or submitted the request in this browser) knows the token; a
wrong or altered token is indistinguishable from a request that does not exist.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "clinic.booking.manage"


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT)


def make_token(reference: str) -> str:
    return _signer().signature(reference)


def token_is_valid(reference: str, token: str) -> bool:
    if not token or not isinstance(token, str):
        return False
    try:
        _signer().unsign(f"{reference}{_signer().sep}{token}")
    except signing.BadSignature:
        return False
    return True


def manage_path(reference: str) -> str:
    path = reverse("booking_manage", args=[reference])
    return f"{path}?{urlencode({'token': make_token(reference)})}"


def manage_url(reference: str) -> str:
    """The absolute link for emails."""
    return settings.SITE_URL + manage_path(reference)
