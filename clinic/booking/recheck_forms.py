"""The pre-visit re-check's forms (validation only; what the answers mean is
intake/recheck.py, what is done with them clinic/booking/recheck.py).

Step 1: the check-first questions, what has changed, and the client's name as their
signature. Step 2, only when something changed: the catalogue's questions for each change.
The questions, their wording and their error messages are the catalogue's own
(intake.forms.SectionForm builds every field with intake.forms.field_for).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from intake import recheck as domain
from intake.forms import SectionForm
from intake.questions import CHECK_FIRST, Section


class StartForm(SectionForm):
    """The check-first questions, the changes, and the signature."""

    def __init__(self, *args, at_door: bool = False, **kwargs):
        super().__init__(CHECK_FIRST, *args, **kwargs)
        self.fields["changes"] = forms.MultipleChoiceField(
            label=_("Has anything changed since your pre-visit check?"),
            help_text=_("Tick what the client reports. Leave them all empty if nothing changed.")
            if at_door
            else _("Tick each one that applies. Leave them all empty if nothing changed."),
            choices=[(change.key, change.label) for change in domain.CHANGES],
            required=False,
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "invalid_choice": _("Tick only the changes listed, or none if nothing changed.")
            },
        )
        self.fields["signature"] = forms.CharField(
            label=_("The client's full name, typed by the client")
            if at_door
            else _("Your full name"),
            help_text=_("Typing the name confirms that these answers are the client's own.")
            if at_door
            else _("Typing your name confirms that these answers are your own."),
            max_length=120,
            error_messages={
                "required": _("Type your full name to confirm that these answers are yours."),
                "max_length": _("Enter the name in 120 characters or fewer."),
            },
            widget=forms.TextInput(attrs={"autocomplete": "off" if at_door else "name"}),
        )

    def clean_signature(self) -> str:
        value = " ".join(self.cleaned_data["signature"].split())
        if not value:
            raise forms.ValidationError(
                _("Type your full name to confirm that these answers are yours."), code="required"
            )
        return value

    def answers(self) -> dict:
        return {
            question.key: self.cleaned_data.get(question.key) for question in CHECK_FIRST.questions
        }


def change_section(changes) -> Section:
    """The catalogue's questions for the changes ticked, in catalogue order (step 2)."""
    asked = [
        question
        for question in domain.questions_asked(changes)
        if question.key not in domain.CHECK_FIRST_KEYS
    ]
    return Section(
        "recheck_changes",
        str(_("What has changed")),
        str(_("A few questions about what changed, from your pre-visit check.")),
        tuple(asked),
    )


class ChangesForm(SectionForm):
    """Step 2: the questions of each change ticked in step 1."""

    def __init__(self, changes, *args, **kwargs):
        super().__init__(change_section(changes), *args, **kwargs)
