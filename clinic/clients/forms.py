from django import forms
from django.utils.translation import gettext_lazy as _

from clinic.clients.models import PRESSURE_MAX, PRESSURE_MIN, VisitNote
from intake.questions import BODY_REGIONS


class VisitNoteForm(forms.ModelForm):
    areas = forms.MultipleChoiceField(
        label=_("areas worked on"),
        choices=BODY_REGIONS,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The body-map regions of the intake."),
    )
    pressure = forms.TypedChoiceField(
        label=_("pressure (1-5)"),
        choices=[(n, str(n)) for n in range(PRESSURE_MIN, PRESSURE_MAX + 1)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 = very light, 5 = very firm."),
    )

    class Meta:
        model = VisitNote
        fields = ["areas", "pressure", "techniques", "response", "home_care", "plan"]
        widgets = {
            "response": forms.Textarea(attrs={"rows": 3}),
            "home_care": forms.Textarea(attrs={"rows": 3}),
            "plan": forms.Textarea(attrs={"rows": 3}),
        }


class AddendumForm(forms.Form):
    text = forms.CharField(
        label=_("addendum"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Dated and signed with your name; it cannot be changed later."),
    )
