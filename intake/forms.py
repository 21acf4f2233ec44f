"""Forms of the intake steps. They validate input only; triage lives in intake/triage.py."""

from django import forms
from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from clinic.core.form_guard import GuardedForm
from clinic.core.forms import PhoneField
from intake.models import Intake
from intake.questions import Question, Section

MESSAGES = {
    "choose": _("Please choose an answer."),
    "invalid_choice": _("Please choose one of the answers shown."),
    "number": _("Please enter a whole number."),
    "regions": _("Please tick at least one place where you feel pain."),
}


class RegionPicker(forms.CheckboxSelectMultiple):
    """The places that hurt: checkboxes beside the body map that ticks them."""

    template_name = "forms/widgets/region_picker.html"


def field_for(question: Question) -> forms.Field:
    if question.kind == "number":
        out_of_range = _("Enter a number from %(min)s to %(max)s.") % {
            "min": question.minimum,
            "max": question.maximum,
        }
        return forms.IntegerField(
            min_value=question.minimum,
            max_value=question.maximum,
            error_messages={
                "required": MESSAGES["number"],
                "invalid": MESSAGES["number"],
                "min_value": out_of_range,
                "max_value": out_of_range,
            },
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        )
    if question.kind == "regions":
        return forms.MultipleChoiceField(
            choices=question.choices,
            widget=RegionPicker,
            error_messages={
                "required": MESSAGES["regions"],
                "invalid_choice": MESSAGES["invalid_choice"],
            },
        )
    return forms.ChoiceField(
        choices=question.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": MESSAGES["choose"],
            "invalid_choice": MESSAGES["invalid_choice"],
        },
    )


def question_help(question: Question) -> str:
    """What the field's hint shows: the question's list of symptoms, then its hint."""
    if not question.bullets:
        return question.hint
    items = format_html_join("", "<li>{}</li>", ((item,) for item in question.bullets))
    hint = format_html("<p>{}</p>", question.hint) if question.hint else ""
    return format_html('<ul class="question-list">{}</ul>{}', items, hint)


class SectionForm(forms.Form):
    """One section of questions. Gated questions are asked when their gate is met and are
    stored as null otherwise."""

    def __init__(self, section: Section, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.section = section
        for question in section.questions:
            field = field_for(question)
            field.required = not question.gate_key
            field.label = question.text
            field.help_text = question_help(question)
            self.fields[question.key] = field

    def clean(self):
        cleaned = super().clean()
        for question in self.section.questions:
            if not question.gate_key:
                continue
            if question.gate_key in self.errors:
                continue
            if question.is_shown(cleaned):
                missing = cleaned.get(question.key) in (None, "")
                if missing and question.key not in self.errors:
                    message = MESSAGES["number" if question.kind == "number" else "choose"]
                    self.add_error(question.key, message)
            else:
                cleaned[question.key] = None
                self.errors.pop(question.key, None)
        return cleaned

    def answers(self) -> dict:
        return {
            question.key: self.cleaned_data.get(question.key) for question in self.section.questions
        }


class ContactForm(GuardedForm):
    name = forms.CharField(
        label=_("Your full name"),
        max_length=120,
        error_messages={"required": _("Please enter your name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        help_text=_("We send your receipt and booking messages here, never your answers."),
        error_messages={
            "required": _("Please enter your email address."),
            "invalid": _("Enter an email address like name@example.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = PhoneField(
        label=_("Phone (optional)"),
        required=False,
        help_text=_(
            "So a therapist can call you if something in your answers needs a quick check."
        ),
    )
    language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=Intake.Language.choices,
        initial=Intake.Language.ENGLISH,
        widget=forms.RadioSelect,
        error_messages={
            "required": MESSAGES["choose"],
            "invalid_choice": MESSAGES["invalid_choice"],
        },
    )
    understands_screening = forms.BooleanField(
        label=_(
            "I understand that this check is a screening to keep massage safe, not a diagnosis, and that it does not replace a doctor."  # noqa: E501
        ),
        error_messages={"required": _("Please confirm that you understand this is a screening.")},
    )
    agrees_to_storage = forms.BooleanField(
        error_messages={
            "required": _("Please agree to the storage of your answers, or call us instead.")
        },
    )
    signature = forms.CharField(
        label=_("Type your full name as your signature"),
        max_length=120,
        error_messages={"required": _("Please type your full name to sign.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agrees_to_storage"].label = _(
            "I agree that the clinic stores my answers for %(years)s years, as health records must be kept, and shows them only to the therapists who care for me."  # noqa: E501
        ) % {"years": settings.INTAKE_RETENTION_YEARS}

    def clean(self):
        cleaned = super().clean()
        name, signature = cleaned.get("name"), cleaned.get("signature")
        if (
            name
            and signature
            and " ".join(signature.split()).casefold() != " ".join(name.split()).casefold()
        ):
            self.add_error("signature", _("Type your name exactly as you wrote it above."))
        return cleaned
