"""The program's forms. They validate input only: scoring is gate.py and progress.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clinic.core.form_guard import GuardedForm
from clinic.program.gate import CHECK_FIRST_SECTION, PROGRAM_SECTION
from clinic.program.models import Language
from intake.forms import SectionForm
from intake.questions import Section

PAIN_LABEL = _("Your pain right now, from 0 (no pain) to 10 (the worst pain you can imagine)")
LIMITS_LABEL = _(
    "How much your pain limits your day, from 0 (not at all) to 10 (I can hardly do anything)"
)
BASELINE_PAIN_LABEL = _(
    "Your pain when you started the program, from 0 (no pain) to 10 (the worst pain you can "
    "imagine)"
)
BASELINE_LIMITS_LABEL = _(
    "How much your pain limited your day when you started, from 0 (not at all) to 10 (I can "
    "hardly do anything)"
)
SCORE_CHOICES = [(str(number), str(number)) for number in range(11)]


def score_field(label, needed: str) -> forms.TypedChoiceField:
    """A 0 to 10 score as eleven radio buttons: easy to tap on a phone, nothing to type."""
    return forms.TypedChoiceField(
        label=label,
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "score-option"}),
        error_messages={"required": needed, "invalid_choice": needed},
    )


class GateForm(SectionForm):
    """The safety gate: the check-first questions and the program's own few (gate.py), with
    the catalogue's words and messages."""

    def __init__(self, *args, **kwargs):
        section = Section(
            "program_gate",
            PROGRAM_SECTION.title,
            PROGRAM_SECTION.intro,
            CHECK_FIRST_SECTION.questions + PROGRAM_SECTION.questions,
        )
        super().__init__(section, *args, **kwargs)

    def fields_of(self, section: Section) -> list:
        return [self[question.key] for question in section.questions]


class CheckFirstForm(SectionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(CHECK_FIRST_SECTION, *args, **kwargs)


class DoctorOkForm(CheckFirstForm):
    doctor_ok = forms.BooleanField(
        label=_("My doctor has said these exercises are fine for me to start."),
        error_messages={
            "required": _("Tick the box once your doctor has said the exercises are fine for you.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The checkbox first, then the questions.
        self.order_fields(["doctor_ok"])


class BaselineForm(forms.Form):
    pain = score_field(PAIN_LABEL, _("Choose your pain right now, from 0 to 10."))
    limits = score_field(
        LIMITS_LABEL, _("Choose how much your pain limits your day, from 0 to 10.")
    )


class CheckInForm(CheckFirstForm):
    """Pain and limits now (and at the start, when the program does not know them yet), then
    the check-first questions."""

    def __init__(self, *args, ask_baseline: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        scores = {
            "pain_now": score_field(PAIN_LABEL, _("Choose your pain right now, from 0 to 10.")),
            "limits_now": score_field(
                LIMITS_LABEL, _("Choose how much your pain limits your day, from 0 to 10.")
            ),
        }
        if ask_baseline:
            scores["baseline_pain"] = score_field(
                BASELINE_PAIN_LABEL,
                _("Choose how bad your pain was when you started, from 0 to 10."),
            )
            scores["baseline_limits"] = score_field(
                BASELINE_LIMITS_LABEL,
                _("Choose how much your pain limited your day when you started, from 0 to 10."),
            )
        self.fields = {**scores, **self.fields}
        self.score_names = list(scores)

    def check_first(self) -> dict:
        return self.answers()


class EmailForm(GuardedForm):
    email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        help_text=_(
            "We send a link to confirm it, then one short email a week with your next lesson. "
            "Never anything about your health. Every email has a link to stop them."
        ),
        error_messages={
            "required": _("Enter your email address, for example name@example.com."),
            "invalid": _("Enter an email address like name@example.com."),
            "max_length": _("Enter an email address of 254 characters or fewer."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    language = forms.ChoiceField(
        label=_("Emails in"),
        choices=Language.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the language for your emails."),
            "invalid_choice": _("Choose the language for your emails."),
        },
    )
