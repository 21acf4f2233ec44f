"""Forms are rendered one way: the same field markup in booking, intake and education, Django's
own aria attributes (no hand-made ones), one error summary and one phone validator."""

from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from clinic.booking.forms import BookingForm
from clinic.core.forms import PHONE_MAX_LENGTH, PHONE_MESSAGE, ClinicFormRenderer
from education.forms import ReaderQuestionForm
from intake.forms import ContactForm, SectionForm
from intake.steps import STEPS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


KEPT = {"class", "id", "for", "aria-describedby", "aria-invalid"}


class Skeleton(HTMLParser):
    """The markup's structure: tags with their classes, ids and aria attributes, the field's own
    id written as ID, and no text."""

    def __init__(self, auto_id: str):
        super().__init__()
        self.auto_id = auto_id
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        kept = sorted(
            (name, (value or "").replace(self.auto_id, "ID"))
            for name, value in attrs
            if name in KEPT
        )
        self.parts.append(f"<{tag} {kept}>")

    def handle_endtag(self, tag):
        self.parts.append(f"</{tag}>")


def skeleton(bound_field) -> list[str]:
    parser = Skeleton(bound_field.auto_id)
    parser.feed(bound_field.as_field_group())
    return parser.parts


def booking_form(**data):
    return BookingForm(data={"client_name": "Ana", "email": "ana@example.com", **data})


def intake_form(**data):
    return ContactForm(data={"name": "Ana", "email": "ana@example.com", **data})


def reader_form(**data):
    return ReaderQuestionForm(data={"name": "Ana", "question": "Is this safe?", **data})


def test_the_renderer_uses_the_one_field_template(settings):
    assert settings.FORM_RENDERER == "clinic.core.forms.ClinicFormRenderer"
    assert ClinicFormRenderer.field_template_name == "forms/field.html"
    assert "django.forms" in settings.INSTALLED_APPS


def test_a_field_with_an_error_is_marked_up_the_same_in_every_form():
    booking = booking_form(phone="call me")["phone"]
    intake = intake_form(phone="call me")["phone"]
    reader = reader_form(email="ana@")["email"]
    for field in (booking, intake, reader):
        assert field.errors, field.name
        html = field.as_field_group()
        auto_id = field.auto_id
        assert f'<label class="form-label" for="{auto_id}">' in html
        assert f'id="{auto_id}_helptext"' in html
        assert f'<p class="field-error" id="{auto_id}_error">' in html
        assert '<span class="visually-hidden">Error: </span>' in html
        assert f'aria-describedby="{auto_id}_helptext {auto_id}_error"' in html
        assert 'aria-invalid="true"' in html
    assert skeleton(booking) == skeleton(intake) == skeleton(reader)
    assert skeleton(booking)[0] == "<div [('class', 'form-field form-field-error')]>"


def test_a_field_without_an_error_has_no_error_marks():
    field = intake_form(phone="(555) 010-0177")["phone"]
    html = field.as_field_group()
    assert "field-error" not in html and "aria-invalid" not in html
    assert 'aria-describedby="id_phone_helptext"' in html


def test_a_single_checkbox_comes_before_its_label_in_every_form():
    for field in (intake_form()["agrees_to_storage"], reader_form()["wants_email"]):
        html = field.as_field_group()
        assert html.index('type="checkbox"') < html.index(
            f'<label class="form-check-label" for="{field.auto_id}">'
        )
    intake = intake_form()["agrees_to_storage"]
    assert f'id="{intake.auto_id}_error"' in intake.as_field_group()


def test_a_radio_group_is_a_fieldset_with_a_legend_described_by_its_error():
    form = SectionForm(STEPS[0].section, data={})
    field = form["chest_pain_now"]
    html = field.as_field_group()
    assert html.startswith('<fieldset class="form-field form-field-error"')
    assert 'aria-describedby="id_chest_pain_now_error"' in html
    assert '<legend class="form-label">' in html
    assert html.count('aria-invalid="true"') == len(field.field.choices)


def test_no_form_sets_aria_or_classes_on_its_widgets():
    """Django's BoundField adds aria-describedby and aria-invalid; the stylesheet gives the
    inputs their look. A widget that carried its own would stop Django's."""
    forms = [booking_form(phone="x"), intake_form(phone="x"), reader_form(email="x")]
    forms.append(SectionForm(STEPS[0].section, data={}))
    for form in forms:
        form.is_valid()
        for name, field in form.fields.items():
            attrs = field.widget.attrs
            assert not {"class", "aria-describedby", "aria-invalid"} & set(attrs), (form, name)


def test_the_error_summary_links_each_error_to_its_input():
    form = intake_form(phone="call me", language="klingon")
    html = render_to_string("includes/error_summary.html", {"form": form})
    assert 'id="error-summary"' in html and 'tabindex="-1"' in html
    assert 'aria-labelledby="error-summary-title"' in html and 'id="error-summary-title"' in html
    assert f'<a href="#id_phone">{PHONE_MESSAGE}</a>' in html
    assert '<a href="#id_language_0">' in html  # a radio group: its first option
    assert render_to_string("includes/error_summary.html", {"form": ContactForm()}).strip() == ""


def test_the_honeypot_is_in_a_visually_hidden_field():
    html = render_to_string("includes/form_guard.html", {"form": intake_form()})
    assert '<div class="visually-hidden-field" aria-hidden="true">' in html
    assert 'name="website" tabindex="-1"' in html


@pytest.mark.parametrize(
    "phone",
    ["call me", "12345", "555-0100 ext. 3", "+1 (555) 010-0100 +1 (555) 010-0100"],
)
def test_one_phone_rule_and_message_for_booking_and_intake(phone):
    booking, intake = booking_form(phone=phone), intake_form(phone=phone)
    assert not booking.is_valid() and not intake.is_valid()
    assert booking.errors["phone"] == intake.errors["phone"] == [PHONE_MESSAGE]


@pytest.mark.parametrize("phone", ["(555) 010-0177", "+44 20 7946 0958", "555.010.0177"])
def test_a_callable_number_is_accepted_by_both_forms(phone):
    assert "phone" not in booking_form(phone=phone).errors
    assert "phone" not in intake_form(phone=phone).errors


def test_phone_is_optional_in_both_forms_with_the_same_label_and_length():
    booking, intake = booking_form(), intake_form()
    assert booking.fields["phone"].max_length == intake.fields["phone"].max_length
    assert booking.fields["phone"].max_length == PHONE_MAX_LENGTH
    assert booking.fields["phone"].label == intake.fields["phone"].label == "Phone (optional)"
    assert "phone" not in booking.errors
    assert "phone" not in intake.errors
