"""How every public form is rendered and what the forms share.

Forms are rendered one way: Django's own form rendering, with one field template
(templates/forms/field.html) set on the renderer below, so `{{ form.x.as_field_group }}` gives
every field the same label or legend, hint, error message and widget. Django's BoundField
already ties the widget to its hint and error (aria-describedby, aria-invalid); the Bootstrap
look of the inputs comes from the stylesheet (static/scss/_forms.scss), not from each form."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _


class ClinicFormRenderer(TemplatesSetting):
    """Django's renderer, loading templates as the site does, with the project's field template."""

    field_template_name = "forms/field.html"


# --- phone numbers ------------------------------------------------------------------------------

PHONE_MAX_LENGTH = 40  # the models' phone columns
PHONE_CHARACTERS = re.compile(r"^[0-9+()\-. ]+$")
PHONE_DIGITS = (7, 15)  # a local number up to the longest international one (E.164)
PHONE_MESSAGE = _("Enter a phone number we can call, like (555) 010-0100.")


def validate_phone(value: str) -> None:
    """Digits with the usual separators, and as many digits as a real number has."""
    digits = re.sub(r"\D", "", value)
    if not PHONE_CHARACTERS.match(value) or not PHONE_DIGITS[0] <= len(digits) <= PHONE_DIGITS[1]:
        raise ValidationError(PHONE_MESSAGE, code="invalid")


class PhoneInput(forms.TextInput):
    input_type = "tel"


class PhoneField(forms.CharField):
    """A phone number a person can be called on; required or not as each form needs."""

    default_validators = [validate_phone]

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", PHONE_MAX_LENGTH)
        kwargs.setdefault("widget", PhoneInput(attrs={"autocomplete": "tel"}))
        super().__init__(**kwargs)
