from django import forms
from django.utils.translation import gettext_lazy as _

from clinic.clients.models import PRESSURE_MAX, PRESSURE_MIN, VisitNote
from clinic.clients.records import lesson_label
from clinic.program.models import Lesson
from intake.questions import BODY_REGIONS


class LessonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return lesson_label(obj)


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
    recommended_lesson = LessonChoiceField(
        label=_("lesson recommended"),
        queryset=Lesson.objects.originals().order_by("order").only("pk", "order", "title"),
        required=False,
        empty_label=_("No lesson"),
        help_text=_(
            "A lesson of the free self-care program to suggest to the client. It shows in "
            "their history and locks with the note."
        ),
    )

    class Meta:
        model = VisitNote
        fields = [
            "areas",
            "pressure",
            "techniques",
            "response",
            "home_care",
            "recommended_lesson",
            "plan",
        ]
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
