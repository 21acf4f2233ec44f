"""The one form of "my appointments": the email address a link goes to."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clinic.core.form_guard import GuardedForm


class MyLinkForm(GuardedForm):
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("The address you gave when you booked."),
        error_messages={
            "required": _("Enter the email address you gave when you booked."),
            "invalid": _("Enter an email address in the form name@example.com."),
            "max_length": _("An email address is at most 254 characters. Please check it."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
