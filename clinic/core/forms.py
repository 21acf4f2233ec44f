"""How every public form is rendered and what the forms share.

Forms are rendered one way: Django's own form rendering, with one field template
(templates/forms/field.html) set on the renderer below, so `{{ form.x.as_field_group }}` gives
every field the same label or legend, hint, error message and widget. Django's BoundField
already ties the widget to its hint and error (aria-describedby, aria-invalid); the Bootstrap
look of the inputs comes from the stylesheet (static/scss/_forms.scss), not from each form.

Django's own widget templates (an input, a group of radio buttons or checkboxes, a text area)
are written out here in Python, to the byte: in the template language an input with its
attributes costs about 40 microseconds, and a pre-visit step has some thirty of them, which
made the widgets half of the page's time. A widget template the project overrides (a file of
the same name in templates/) is rendered from that file as usual."""

import html
import re
from pathlib import Path

import django
from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

DJANGO_WIDGETS = "django/forms/widgets/"
DJANGO_TEMPLATES = Path(django.__file__).parent / "forms" / "templates"


def _escape(value) -> str:
    """Django's conditional_escape, without its check for lazy arguments on every call."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def _text(value) -> str:
    """A value as {{ value }} prints it: localized, then escaped unless already safe."""
    return _escape(value if isinstance(value, str) else localize(value))


def _attrs(attrs: dict) -> str:
    """attrs.html: ` name="value"` for each attribute, ` name` for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is True:
            out.append(f" {_text(name)}")
        elif value is not False:
            out.append(f' {_text(name)}="{_escape(value)}"')
    return "".join(out)


# Each function gives what its template prints, newlines included; the renderer strips the
# outermost one, as Django does.


def _input(widget: dict) -> str:
    """input.html"""
    value = "" if widget["value"] is None else f' value="{_escape(widget["value"])}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}'
        f"{_attrs(widget['attrs'])}>\n"
    )


def _input_option(widget: dict) -> str:
    """input_option.html"""
    if not widget["wrap_label"]:
        return _input(widget) + "\n"
    label_for = widget["attrs"].get("id")
    label_for = f' for="{_text(label_for)}"' if label_for else ""
    return f"<label{label_for}>{_input(widget)} {_text(widget['label'])}</label>\n"


def _multiple_input(widget: dict, renderer: "ClinicFormRenderer") -> str:
    """multiple_input.html"""
    attrs = widget["attrs"]
    out = ["<div"]
    if attrs.get("id"):
        out.append(f' id="{_text(attrs["id"])}"')
    if attrs.get("class"):
        out.append(f' class="{_text(attrs["class"])}"')
    out.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            out.append(f"\n  <div><label>{_text(group)}</label>")
        for option in options:
            html = renderer.render_unstripped(option["template_name"], option)
            out.append(f"<div>\n    {html}</div>")
        if group:
            out.append("\n  </div>")
    out.append("\n</div>\n")
    return "".join(out)


def _textarea(widget: dict) -> str:
    """textarea.html"""
    value = _text(widget["value"]) if widget["value"] else ""
    name, attrs = _text(widget["name"]), _attrs(widget["attrs"])
    return f'<textarea name="{name}"{attrs}>\n{value}</textarea>\n'


def _including(write):
    """A template that is `{% include "<the written one>" %}` and a newline."""
    return lambda widget, renderer: write(widget, renderer) + "\n"


INPUTS = "checkbox color date datetime email hidden number password search tel text time url"
# Django's template name -> how it is written here: (widget context, renderer) -> HTML.
WRITTEN_HERE = {
    f"{DJANGO_WIDGETS}input.html": lambda w, r: _input(w),
    f"{DJANGO_WIDGETS}input_option.html": lambda w, r: _input_option(w),
    f"{DJANGO_WIDGETS}multiple_input.html": _multiple_input,
    f"{DJANGO_WIDGETS}textarea.html": lambda w, r: _textarea(w),
    **{
        f"{DJANGO_WIDGETS}{name}.html": _including(lambda w, r: _input(w))
        for name in INPUTS.split()
    },
    **{
        f"{DJANGO_WIDGETS}{name}.html": _including(lambda w, r: _input_option(w))
        for name in ("radio_option", "checkbox_option")
    },
    **{
        f"{DJANGO_WIDGETS}{name}.html": _including(_multiple_input)
        for name in ("radio", "checkbox_select")
    },
}


class ClinicFormRenderer(TemplatesSetting):
    """Django's renderer, loading templates as the site does, with the project's field template,
    and Django's plain widget templates written in Python (see the module's docstring)."""

    field_template_name = "forms/field.html"

    def __init__(self):
        super().__init__()
        self._written_here: dict[str, bool] = {}

    def render(self, template_name, context, request=None):
        if self._is_written_here(template_name) and set(context) == {"widget"}:
            return mark_safe(WRITTEN_HERE[template_name](context["widget"], self).strip())
        return super().render(template_name, context, request)

    def render_unstripped(self, template_name: str, widget: dict) -> str:
        """What `{% include template_name with widget=widget %}` prints."""
        if self._is_written_here(template_name):
            return WRITTEN_HERE[template_name](widget, self)
        return self.get_template(template_name).render({"widget": widget})

    def _is_written_here(self, template_name: str) -> bool:
        """True for a widget template of Django's that no file of the project overrides."""
        known = self._written_here.get(template_name)
        if known is None:
            known = template_name in WRITTEN_HERE and Path(
                self.get_template(template_name).origin.name
            ).is_relative_to(DJANGO_TEMPLATES)
            self._written_here[template_name] = known
        return known


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
