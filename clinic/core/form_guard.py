"""Guards for the public forms: a honeypot field people never see, a signed start time so that
a form sent faster than a person could fill it is refused, one record per rendered form, and
the rate limits. The stamp holds only a time and a random name for the submission, never an
answer. A view calls `admit()` once its form is valid, and `give_back()` if it then refuses the
submission for another reason."""

import hashlib
import secrets
import time
import unicodedata
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from clinic.core import ratelimit

SALT = "clinic.core.form_guard.started"


def without_control_characters(text: str, *, multiline: bool = False) -> str:
    """Text as a person typed it, without control characters (CR/LF in a name would reach an
    email's headers or body as new lines). A multi-line field keeps its line breaks and tabs."""
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = "\n\t" if multiline else ""
    cleaned = "".join(
        char if char in kept or unicodedata.category(char) != "Cc" else " " for char in text
    )
    return cleaned if multiline else " ".join(cleaned.split())


def stamp(now: float | None = None) -> str:
    """A signed start time, unique to one rendering of one form (it also names the
    submission, so a double click is recognised)."""
    started = int(now if now is not None else time.time())
    return signing.dumps({"t": started, "n": secrets.token_hex(8)}, salt=SALT)


class GuardedForm(forms.Form):
    """Mix into a public form. Its template renders `website` inside an element with the
    `visually-hidden-field` class and `started` as a hidden input."""

    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started"].initial = stamp()

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str) and name in self.fields:
                multiline = isinstance(self.fields[name].widget, forms.Textarea)
                cleaned[name] = without_control_characters(value, multiline=multiline)
        if cleaned.get("website"):
            self.add_error(
                None,
                _(
                    "This looked like an automated message, so it was not sent. If you are a "
                    "person, please empty the field labelled “Leave this empty” and send again."
                ),
            )
        try:
            started = signing.loads(cleaned.get("started") or "", salt=SALT, max_age=86400)["t"]
        except (signing.BadSignature, TypeError, KeyError):
            started = None
        if started is None or time.time() - started < settings.FORM_MIN_FILL_SECONDS:
            self.data = self.data.copy()
            self.data[self.add_prefix("started")] = stamp()
            self.add_error(
                None,
                _(
                    "That was sent faster than we expected from a person, or the page was open "
                    "for more than a day. Please check your answers and send again."
                ),
            )
        return cleaned


def _once_key(form: GuardedForm, scope: str) -> str:
    return _stamp_key(form.cleaned_data.get("started", ""), scope)


def _stamp_key(started: str, scope: str) -> str:
    digest = hashlib.sha256(f"{scope}:{started}".encode()).hexdigest()
    return f"form-once:{digest}"


def claim(form: GuardedForm, scope: str) -> bool:
    """True for the first submission of this rendered form; False for a double click or a
    resent POST of the same page, which must not create a second record."""
    return cache.add(_once_key(form, scope), 1, 86400)


def already_sent(data, scope: str) -> bool:
    """This rendered form (read from raw POST data) was sent and counted before."""
    started = data.get("started")
    return bool(started) and cache.get(_stamp_key(started, scope)) is not None


def release(form: GuardedForm, scope: str) -> None:
    """Let the same form be sent again (the first attempt was refused after the claim)."""
    cache.delete(_once_key(form, scope))


@dataclass(frozen=True)
class Admission:
    """What a valid submission of a public form may do."""

    resent: bool = False  # the same rendered form came back: its first sending counted
    wait: int | None = None  # refused by the rate limit for this many seconds

    @property
    def ok(self) -> bool:
        return not self.resent and self.wait is None


def admit(request, form: GuardedForm, limit: ratelimit.Limit, wait_message: str) -> Admission:
    """Claim this rendered form once and take one use of `limit`. When the limit refuses, the
    claim is given back and the form carries `wait_message` (with %(minutes)s) for the
    person, whose answers stay on the page."""
    if not claim(form, limit.scope):
        return Admission(resent=True)
    wait = ratelimit.acquire(limit, request)
    if wait is not None:
        release(form, limit.scope)
        form.add_error(None, wait_message % {"minutes": ratelimit.wait_text(wait)})
        return Admission(wait=wait)
    return Admission()


def give_back(request, form: GuardedForm, limit: ratelimit.Limit) -> None:
    """The submission was admitted but then refused: it may be sent again, and it did not
    count against the limit."""
    release(form, limit.scope)
    ratelimit.release(limit, request)
