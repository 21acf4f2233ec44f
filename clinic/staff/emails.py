"""The staff emails about their own sign-in (templates: templates/emails/staff_<name>_subject.txt
and _body.txt): a second factor (an authenticator app or a passkey) was set up, or it was
removed. They say what happened and when, never a secret, a code or a link that signs anyone
in. Called by tasks.py only.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from clinic.core import mail


def _to_staff(name: str, user, when) -> EmailMessage | None:
    if not user.email:
        return None
    context = {"username": user.get_username(), "when": when, "site_url": settings.SITE_URL}
    return mail.send(f"staff_{name}", user.email, context, language=settings.LANGUAGE_CODE)


def two_factor_enrolled(user, when=None) -> EmailMessage | None:
    """An authenticator app was set up and new backup codes were issued."""
    return _to_staff("two_factor_enrolled", user, when or timezone.now())


def two_factor_reset(user, when=None) -> EmailMessage | None:
    """The authenticator app was removed: the next sign-in sets up a new one."""
    return _to_staff("two_factor_reset", user, when or timezone.now())


def passkey_added(user, when=None) -> EmailMessage | None:
    """A passkey was registered as a second factor."""
    return _to_staff("passkey_added", user, when or timezone.now())


def passkey_removed(user, when=None) -> EmailMessage | None:
    """A passkey was removed: it no longer signs in."""
    return _to_staff("passkey_removed", user, when or timezone.now())
