"""The form renderer writes Django's plain widget templates in Python (clinic/core/forms.py):
the HTML must be Django's own, to the byte, for every widget the site's forms use, with and
without errors, values and translations; and a project's own widget template still wins."""

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils import translation

from clinic.booking.forms import BookingForm, ChooseTimeForm
from clinic.core.forms import ClinicFormRenderer
from education.forms import ReaderQuestionForm
from intake.forms import ContactForm, SectionForm
from intake.steps import STEPS

pytestmark = pytest.mark.django_db


class EveryWidget(forms.Form):
    text = forms.CharField(
        widget=forms.TextInput(attrs={"data-note": 'say "<hi>" & go', "autofocus": True})
    )
    number = forms.IntegerField(min_value=0, max_value=1000)
    grouped = forms.ChoiceField(
        choices=[("a", "A <b>"), ("Later", [("c", "C"), ("d", "D & E")])],
        widget=forms.RadioSelect,
    )
    boxes = forms.MultipleChoiceField(
        choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple
    )
    tick = forms.BooleanField()
    words = forms.CharField(widget=forms.Textarea)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    email = forms.EmailField()
    day = forms.DateField(widget=forms.DateInput)
    unchecked = forms.BooleanField(required=False, widget=forms.CheckboxInput(attrs={"x": False}))


def forms_to_compare():
    posted = {
        "text": "<script>",
        "number": "12",
        "grouped": "d",
        "boxes": ["y"],
        "tick": "on",
        "words": "two\n<lines>",
        "email": "not an email",
        "day": "2026-02-03",
    }
    yield from (EveryWidget(), EveryWidget(data=posted), EveryWidget(data={}))
    for step in STEPS:
        if step.section is None:
            yield from (ContactForm(), ContactForm(data={}))
        else:
            yield from (SectionForm(step.section), SectionForm(step.section, data={}))
    yield from (BookingForm(), BookingForm(data={"email": "x"}), ChooseTimeForm())
    yield from (ReaderQuestionForm(), ReaderQuestionForm(data={}))


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_widget_is_written_as_django_writes_it(language):
    django_own, ours = TemplatesSetting(), ClinicFormRenderer()
    compared = 0
    with translation.override(language):
        for form in forms_to_compare():
            for name in form.fields:
                field = form[name]
                form.renderer = django_own
                expected = str(field.as_widget())
                form.renderer = ours
                assert str(field.as_widget()) == expected, (type(form).__name__, name)
                compared += 1
    assert compared > 100


def test_a_widget_template_of_the_project_is_used_instead(settings):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "APP_DIRS": False,
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {"django/forms/widgets/text.html": "<input class=ours>"},
                    ),
                    "django.template.loaders.app_directories.Loader",
                ],
            },
        }
    ]
    form = EveryWidget(renderer=ClinicFormRenderer())
    assert str(form["text"].as_widget()) == "<input class=ours>"
    assert str(form["email"].as_widget()).startswith('<input type="email"')
