import logging

from django import forms
from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.filters import (
    AllValuesFieldListFilter,
    BooleanFieldListFilter,
    ChoicesFieldListFilter,
    DateFieldListFilter,
    EmptyFieldListFilter,
    FieldListFilter,
    ListFilter,
    RelatedFieldListFilter,
)
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import ImproperlyConfigured
from django.db.models.constants import LOOKUP_SEP
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator

from clinic.core.models import ClinicSettings
from clinic.core.translation import SOURCE, TARGET, column, lacks_translation, untranslated

security_log = logging.getLogger("django.security.DisallowedModelAdminLookup")

# The changelist's own parameters besides its filters: search, ordering, pagination, "show all"
# and the filters' counts.
LIST_PARAMETERS = ("q", "o", "p", "all", "_facets")


def touches(path: str, hidden: frozenset[str]) -> bool:
    """Whether a field path ("intake__review_note", "note") is, or goes through, a hidden one."""
    parts = path.split(LOOKUP_SEP)
    return any(LOOKUP_SEP.join(parts[: n + 1]) in hidden for n in range(len(parts)))


def filter_parameters(model, item) -> frozenset[str]:
    """The query parameters one `list_filter` entry offers, named as Django's filter builds
    them, without building it (building a related filter queries its choices)."""
    if isinstance(item, type) and issubclass(item, ListFilter):
        if not hasattr(item, "parameter_name"):
            raise ImproperlyConfigured(f"{item.__name__}: a list filter needs a parameter_name.")
        return frozenset({item.parameter_name})
    path, kind = item if isinstance(item, (list, tuple)) else (item, None)
    field = get_fields_from_path(model, path)[-1]
    if kind is None:
        kind = next(cls for test, cls in FieldListFilter._field_list_filters if test(field))
    if issubclass(kind, RelatedFieldListFilter):
        return frozenset({f"{path}__{field.target_field.name}__exact", f"{path}__isnull"})
    if issubclass(kind, DateFieldListFilter):
        since_until = {f"{path}__gte", f"{path}__lt"}
        return frozenset(since_until | {f"{path}__isnull"} if field.null else since_until)
    if issubclass(kind, EmptyFieldListFilter):
        return frozenset({f"{path}__isempty"})
    if issubclass(kind, AllValuesFieldListFilter):
        return frozenset({path, f"{path}__isnull"})
    if issubclass(kind, (BooleanFieldListFilter, ChoicesFieldListFilter)):
        return frozenset({f"{path}__exact", f"{path}__isnull"})
    raise ImproperlyConfigured(f"{kind.__name__}: say in filter_parameters() what it accepts.")


class ClinicModelAdmin(admin.ModelAdmin):
    """Every ModelAdmin of ours: a list answers only the questions it offers.

    A changelist accepts as lookups exactly the parameters of its own `list_filter` and the
    year/month/day of its `date_hierarchy`, besides search, ordering and pagination (which
    Django keeps apart). Anything else (`?note__icontains=`, `?intake__answers__x=`, a
    relation path) is refused before any query runs, with the same 400 page whatever the
    value, so a refused lookup cannot answer yes/no.

    `hidden_fields(request)` names the field paths this user may not see; filters, search
    fields, list columns (and so `?o=` ordering) that touch one are dropped for that user.
    """

    def hidden_fields(self, request) -> frozenset[str]:
        """Field paths (relations included: "intake" hides every "intake__..." path) this
        user may not see. Override where a role must not see a field."""
        return frozenset()

    def get_list_filter(self, request):
        hidden = self.hidden_fields(request)
        return [
            item
            for item in super().get_list_filter(request)
            # A filter class answers only its own choices; a field filter must not be hidden.
            if isinstance(item, type) or not touches(_filter_path(item), hidden)
        ]

    def get_search_fields(self, request):
        hidden = self.hidden_fields(request)
        return [
            name
            for name in super().get_search_fields(request)
            if not touches(name.lstrip("^=@"), hidden)
        ]

    def get_list_display(self, request):
        hidden = self.hidden_fields(request)
        return [
            name
            for name in super().get_list_display(request)
            if not self._column_touches(name, hidden)
        ]

    def _column_touches(self, name, hidden) -> bool:
        """Whether a list column shows, or sorts by, a hidden field."""
        if isinstance(name, str) and touches(name, hidden):
            return True
        column = getattr(self, name, None) if isinstance(name, str) else name
        order = getattr(column, "admin_order_field", None)
        path = _ordering_path(order)
        return path is not None and touches(path, hidden)

    def allowed_lookups(self, request) -> frozenset[str]:
        """Every filter parameter this list offers this user."""
        allowed = set()
        for item in self.get_list_filter(request):
            allowed |= filter_parameters(self.model, item)
        if self.date_hierarchy and not touches(self.date_hierarchy, self.hidden_fields(request)):
            allowed |= {f"{self.date_hierarchy}__{part}" for part in ("year", "month", "day")}
        return frozenset(allowed)

    def lookup_allowed(self, lookup, value, request):
        # A related-object popup may pass the limit_choices_to of a foreign key, as is.
        for fk_lookup in self.model._meta.related_fkey_lookups:
            fk_lookup = fk_lookup() if callable(fk_lookup) else fk_lookup
            if (lookup, value) in widgets.url_params_from_lookup_dict(fk_lookup).items():
                return not touches(lookup, self.hidden_fields(request))
        return lookup in self.allowed_lookups(request)

    def list_query(self, request) -> dict[str, str]:
        """The list parameters of this request that the list accepts (filters, search,
        ordering, page): what an audit may record of a list view."""
        allowed = self.allowed_lookups(request)
        return {
            key: request.GET[key][:200]
            for key in sorted(request.GET)
            if key in allowed or key in LIST_PARAMETERS
        }

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except DisallowedModelAdminLookup as refused:
            # The key only (never the value) goes to the security log.
            security_log.warning("%s", refused)
            return self.refused_lookup_response(request)

    def refused_lookup_response(self, request):
        """The same page for every refused lookup, matching or not: nothing to compare."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("This list cannot be filtered that way"),
            "list_url": reverse(
                f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_changelist"
            ),
        }
        return TemplateResponse(request, "admin/refused_lookup.html", context, status=400)


def _ordering_path(order) -> str | None:
    """The field path of an admin_order_field ("-start", F("start"), F("start").desc())."""
    if isinstance(order, str):
        return order.lstrip("-")
    order = getattr(order, "expression", order)
    name = getattr(order, "name", None)
    return name if isinstance(name, str) else None


def _filter_path(item) -> str:
    return item[0] if isinstance(item, (list, tuple)) else item


# --- Texts in two languages ---------------------------------------------------------------------


def side_by_side(*texts: str) -> list[tuple[str, str]]:
    """Form rows with each text's English and Spanish boxes on one line."""
    return [(column(text, SOURCE), column(text, TARGET)) for text in texts]


def text_names(model, texts) -> str:
    return ", ".join(str(model._meta.get_field(text).verbose_name) for text in texts)


class TranslatedTextsAdmin(ClinicModelAdmin):
    """A model whose texts have an English and a Spanish column (clinic/*/translation.py):
    labels name the language, and the page says which texts still lack Spanish."""

    def translated_texts(self) -> tuple[str, ...]:
        """The translated fields, in the model's order (as the form shows them)."""
        registered = translator.get_options_for_model(self.model).fields
        return tuple(f.name for f in self.model._meta.fields if f.name in registered)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        original = getattr(db_field, "translated_field", None)
        if formfield is not None and original is not None:
            formfield.label = _("%(text)s (%(language)s)") % {
                "text": capfirst(original.verbose_name),
                "language": get_language_info(db_field.language)["name_translated"],
            }
            if db_field.language == TARGET:
                formfield.help_text = _("Left empty, Spanish readers see the English text.")
        return formfield

    @admin.display(description=_("missing in Spanish"))
    def missing_spanish(self, obj) -> str:
        if obj is None or obj.pk is None:
            return self.get_empty_value_display()
        missing = untranslated(obj, self.translated_texts())
        if not missing:
            return _("Nothing: every text written in English has its Spanish version.")
        return capfirst(text_names(self.model, missing))


class SpanishTranslationFilter(admin.SimpleListFilter):
    """Items with every text in Spanish, or with at least one still only in English."""

    title = _("Spanish translation")
    parameter_name = "spanish"

    def __init__(self, request, params, model, model_admin):
        self.texts = model_admin.translated_texts()
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [("missing", _("Missing")), ("complete", _("Complete"))]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(lacks_translation(self.texts))
        if self.value() == "complete":
            return queryset.exclude(lacks_translation(self.texts))
        return queryset


class WholeTranslationForm(forms.ModelForm):
    """Refuses a half-written Spanish version, naming the box to fill next to it."""

    translated_texts: tuple[str, ...] = ()

    def clean(self):
        cleaned = super().clean()
        pairs = [
            (text, column(text, SOURCE), column(text, TARGET))
            for text in self.translated_texts
            if column(text, SOURCE) in self.fields and column(text, TARGET) in self.fields
        ]

        def written(name):
            return bool((cleaned.get(name) or "").strip())

        if not any(written(spanish) for _text, _english, spanish in pairs):
            return cleaned
        for text, english, spanish in pairs:
            name = self._meta.model._meta.get_field(text).verbose_name
            if written(english) and not written(spanish):
                self.add_error(
                    spanish,
                    _(
                        "Write the Spanish %(text)s too, or leave every Spanish box empty: "
                        "clients see this item either all in Spanish or all in English."
                    )
                    % {"text": name},
                )
            elif written(spanish) and not written(english) and english not in self.errors:
                self.add_error(
                    english,
                    _(
                        "There is a Spanish %(text)s but no English one. Write the English "
                        "%(text)s too, or clear the Spanish one."
                    )
                    % {"text": name},
                )
        return cleaned


class WholeTranslationAdmin(TranslatedTextsAdmin):
    """An item (a service, a therapist) shown either wholly in Spanish or wholly in English:
    once one Spanish text is written, every text written in English needs its Spanish too.
    Add `spanish_status` to list_display and SpanishTranslationFilter to list_filter."""

    form = WholeTranslationForm
    readonly_fields = ["missing_spanish"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.translated_texts = self.translated_texts()
        return form

    @admin.display(description=_("Spanish"))
    def spanish_status(self, obj) -> str:
        missing = untranslated(obj, self.translated_texts())
        if not missing:
            return _("Complete")
        return _("Missing: %(texts)s") % {"texts": text_names(self.model, missing)}


# --- Clinic settings -----------------------------------------------------------------------------


@admin.register(ClinicSettings)
class ClinicSettingsAdmin(TranslatedTextsAdmin):
    readonly_fields = ["missing_spanish"]
    fieldsets = [
        (
            _("Texts in Spanish"),
            {
                "fields": ["missing_spanish"],
                "description": _(
                    "Each text has an English and a Spanish box side by side. A Spanish box "
                    "left empty shows the English text on the Spanish pages."
                ),
            },
        ),
        (None, {"fields": ["name", *side_by_side("tagline"), "time_zone"]}),
        (
            _("Contact details"),
            {"fields": ["address", "phone", "email", *side_by_side("opening_hours")]},
        ),
        (
            _("Getting here and what to bring"),
            {
                "fields": ["map_link", *side_by_side("parking", "what_to_bring")],
                "description": _("Shown on the home page and the “Your first visit” page."),
            },
        ),
        (
            _("Your first visit page"),
            {
                "fields": side_by_side(
                    "visit_what_to_expect",
                    "visit_what_to_wear",
                    "visit_arrive_early",
                    "visit_aftercare",
                ),
                "description": _(
                    "What a new client reads before coming, at /visit/. Write as you would "
                    "speak to them; a blank line starts a new paragraph."
                ),
            },
        ),
        (
            _("Cancellation and no-show policy"),
            {
                "fields": [
                    *side_by_side("cancellation_policy"),
                    "cancellation_cutoff_hours",
                    "clients_move_times",
                ]
            },
        ),
        (
            _("Booking rules"),
            {
                "fields": [
                    "minimum_notice_hours",
                    "booking_horizon_days",
                    "slot_step_minutes",
                    "request_expiry_hours",
                ]
            },
        ),
    ]

    def has_add_permission(self, request):
        # The permission first: every admin page asks (for its menu), and most staff lack it.
        return super().has_add_permission(request) and not ClinicSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
