"""Forms for booking: they validate input only. Whether a time is open, and what a request may
become, is decided by availability.py and pipeline.py."""

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.utils.translation import gettext_lazy as _

from clinic.booking import catalogue
from clinic.booking.availability import parse_slot_value
from clinic.booking.models import Service, Therapist
from clinic.core.form_guard import GuardedForm
from clinic.core.forms import PhoneField

ANY_THERAPIST = "any"


class ChooseServiceForm(forms.Form):
    """Step one (a GET form): which session, and with whom. The choices are this process's
    lists (catalogue.py), so validating a choice costs no query."""

    service = forms.ChoiceField(
        label=_("Session"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a session."),
            "invalid_choice": _("Choose one of the sessions listed."),
        },
    )
    therapist = forms.ChoiceField(
        label=_("Therapist"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a therapist, or “Any therapist”."),
            "invalid_choice": _("Choose one of the therapists listed."),
        },
    )

    def __init__(self, *args, therapists=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.services = catalogue.bookable_services()
        self.fields["service"].choices = [(service.slug, service.name) for service in self.services]
        self.therapists = catalogue.bookable_therapists() if therapists is None else therapists
        self.fields["therapist"].choices = [(ANY_THERAPIST, _("Any therapist"))] + [
            (therapist.slug, therapist.display_name) for therapist in self.therapists
        ]
        self.fields["therapist"].initial = ANY_THERAPIST

    def clean_service(self) -> Service:
        slug = self.cleaned_data["service"]
        return next(service for service in self.services if service.slug == slug)

    def chosen_therapist(self) -> Therapist | None:
        slug = self.cleaned_data["therapist"]
        return next((t for t in self.therapists if t.slug == slug), None)


class ContactFields(forms.Form):
    client_name = forms.CharField(
        label=_("Your name"),
        max_length=120,
        error_messages={
            "required": _("Enter your name."),
            "max_length": _("Shorten your name to %(limit_value)d characters or fewer."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        help_text=_("We send the confirmation and your link to manage the booking here."),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = PhoneField(
        label=_("Phone (optional)"),
        required=False,
        help_text=_("So a therapist can call you if a time has to change."),
    )
    note = forms.CharField(
        label=_("Anything we should know? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example a preferred pressure. Health questions belong in the pre-visit check."
        ),
        error_messages={
            "max_length": _(
                "Your note is %(show_value)d characters long; the limit is %(limit_value)d. "
                "Please shorten it."
            )
        },
    )


class TimeField(forms.CharField):
    """A start time as posted by the radio list: a UTC timestamp. The page lists the open
    times itself (templates/clinic/booking_times.html), so the widget has no choices."""

    widget = forms.RadioSelect

    default_error_messages = {
        "required": _("Choose a time."),
        "invalid": _("Choose one of the times listed."),
    }

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        parsed = parse_slot_value(value)
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class ChooseTimeForm(forms.Form):
    """Step two without an intake yet: the time only; contact details come after the check."""

    start = TimeField(label=_("Time"))


class BookingForm(GuardedForm, ContactFields, ChooseTimeForm):
    """Step two with an intake: the time, contact details and a note (with the spam guards
    of every public form that sends email)."""

    field_order = ["start", "client_name", "email", "phone", "note"]


# --- admin: the forms behind each transition button ----------------------------------------------


class StaffNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the history (not sent to the client)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


class ClearForm(forms.Form):
    note = forms.CharField(
        label=_("How was the request cleared?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_(
            "Required when the intake said to see a doctor first or left emergency questions "
            "unanswered: e.g. the doctor's OK, or the call in which you asked them."
        ),
    )


class TimeChoiceForm(forms.Form):
    therapist = forms.ModelChoiceField(
        label=_("Therapist"), queryset=Therapist.objects.filter(active=True)
    )
    start = forms.SplitDateTimeField(
        label=_("Start (clinic time)"),
        widget=AdminSplitDateTime,
        error_messages={"required": _("Enter the date and time.")},
    )


class ConfirmForm(TimeChoiceForm, StaffNoteForm):
    field_order = ["therapist", "start", "note"]


class ProposeForm(TimeChoiceForm):
    message = forms.CharField(
        label=_("Message to the client (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Sent with the proposal, e.g. why the requested time does not work."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, for the client"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Sent to the client by email. No health details."),
        error_messages={"required": _("Write the reason the client will read.")},
    )


class SureForm(forms.Form):
    """A decision that ends a client's request asks to be confirmed on purpose."""

    sure = forms.BooleanField(
        label=_("Yes, I am sure"),
        error_messages={"required": _("Tick “Yes, I am sure” to go ahead, or go back.")},
    )


class DeclineForm(ReasonForm, SureForm):
    pass


class CancelForm(ReasonForm, SureForm):
    tell_client = forms.BooleanField(
        label=_("Email the client that it is cancelled, with the reason"),
        required=False,
        initial=True,
        help_text=_("Untick only if you have already told them, for example on the phone."),
    )


# --- the client's own link: cancelling and moving a time -----------------------------------------


class ClientCancelForm(forms.Form):
    """The optional reason a client gives when cancelling (read by the clinic only)."""

    reason = forms.CharField(
        label=_("Why are you cancelling? (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: “I have to work”. Only the clinic reads it. Please do not write "
            "health details here."
        ),
        error_messages={
            "max_length": _(
                "Your reason is %(show_value)d characters long; the limit is %(limit_value)d. "
                "Please shorten it."
            )
        },
    )


class RescheduleForm(ChooseTimeForm):
    """The new time a client picks for their booking (whether it is open is availability's
    and the pipeline's business). `confirm` is set by the confirmation step's button."""

    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
