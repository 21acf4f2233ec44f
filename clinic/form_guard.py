"""Spam guards for the public forms: a honeypot field people never see, and a signed start
time so that a form sent faster than a person could fill it is refused. The stamp holds only
a time, never an answer."""

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

SALT = "clinic.form_guard.started"


def stamp(now: float | None = None) -> str:
    return signing.dumps(int(now if now is not None else time.time()), salt=SALT)


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
        if cleaned.get("website"):
            self.add_error(
                None,
                _(
                    "This looked like an automated message, so it was not sent. If you are a "
                    "person, please empty the field labelled “Leave this empty” and send again."
                ),
            )
        try:
            started = signing.loads(cleaned.get("started") or "", salt=SALT, max_age=86400)
        except signing.BadSignature:
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
