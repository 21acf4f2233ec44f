import logging

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
from django.utils.translation import gettext_lazy as _

from clinic.core.models import ClinicSettings

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


@admin.register(ClinicSettings)
class ClinicSettingsAdmin(ClinicModelAdmin):
    fieldsets = [
        (None, {"fields": ["name", "tagline", "time_zone"]}),
        (_("Contact details"), {"fields": ["address", "phone", "email", "opening_hours"]}),
        (
            _("Getting here and what to bring"),
            {
                "fields": ["map_link", "parking", "what_to_bring"],
                "description": _("Shown on the home page and the “Your first visit” page."),
            },
        ),
        (
            _("Your first visit page"),
            {
                "fields": [
                    "visit_what_to_expect",
                    "visit_what_to_wear",
                    "visit_arrive_early",
                    "visit_aftercare",
                ],
                "description": _(
                    "What a new client reads before coming, at /visit/. Write as you would "
                    "speak to them; a blank line starts a new paragraph."
                ),
            },
        ),
        (
            _("Cancellation and no-show policy"),
            {"fields": ["cancellation_policy", "cancellation_cutoff_hours", "clients_move_times"]},
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
