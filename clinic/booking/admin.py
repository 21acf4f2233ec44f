import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from clinic.booking import availability, pipeline, privacy
from clinic.booking import forms as booking_forms
from clinic.booking.models import (
    BookingEvent,
    BookingRequest,
    BookingStatus,
    DataDeletionRequest,
    Service,
    Therapist,
    TimeOff,
    WorkingHours,
    photo_for_web,
)
from clinic.core.admin import (
    ClinicModelAdmin,
    SpanishTranslationFilter,
    WholeTranslationAdmin,
    side_by_side,
)
from clinic.core.models import ClinicSettings
from clinic.core.ratelimit import client_ip
from intake.triage import Level

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")


# --- Booking ------------------------------------------------------------------------------------


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0
    verbose_name_plural = _("weekly hours (clinic time)")


class TimeOffInline(admin.TabularInline):
    model = TimeOff
    extra = 0
    fields = ["start", "end", "note"]

    def get_queryset(self, request):
        # Upcoming time off only; the full list is under "Time off".
        return super().get_queryset(request).filter(end__gte=timezone.now())


@admin.register(Therapist)
class TherapistAdmin(WholeTranslationAdmin):
    list_display = [
        "display_name",
        "specialties",
        "active",
        "accepts_new_clients",
        "spanish_status",
    ]
    list_filter = ["active", "accepts_new_clients", SpanishTranslationFilter]
    search_fields = ["display_name", "slug"]
    prepopulated_fields = {"slug": ["display_name"]}
    inlines = [WorkingHoursInline, TimeOffInline]
    fields = [
        "display_name",
        "slug",
        "user",
        "photo",
        "missing_spanish",
        *side_by_side("credentials", "specialties", "bio"),
        "active",
        "accepts_new_clients",
    ]

    def save_model(self, request, obj, form, change):
        """A new photo is stored as the site shows it (small, square, no metadata); the one it
        replaces, or a cleared one, is deleted."""
        previous = form.initial.get("photo")
        if "photo" in form.changed_data and obj.photo:
            obj.photo = photo_for_web(form.cleaned_data["photo"], obj.slug)
        super().save_model(request, obj, form, change)
        if previous and previous.name != obj.photo.name:
            previous.storage.delete(previous.name)


@admin.register(Service)
class ServiceAdmin(WholeTranslationAdmin):
    list_display = [
        "name",
        "duration_minutes",
        "recovery_buffer_minutes",
        "price",
        "active",
        "spanish_status",
    ]
    list_filter = ["active", SpanishTranslationFilter]
    prepopulated_fields = {"slug": ["name_en"]}
    fields = [
        "missing_spanish",
        *side_by_side("name"),
        "slug",
        *side_by_side("description"),
        "duration_minutes",
        "recovery_buffer_minutes",
        "price",
        "active",
    ]


@admin.register(TimeOff)
class TimeOffAdmin(ClinicModelAdmin):
    list_display = ["therapist", "start", "end", "note"]
    list_filter = ["therapist"]
    list_select_related = ["therapist"]
    date_hierarchy = "start"


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    fields = ["at", "from_status", "to_status", "actor_kind", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NeedsActionFilter(admin.SimpleListFilter):
    title = _("needs action")
    parameter_name = "needs_action"

    def lookups(self, request, model_admin):
        return [("yes", _("Needs action (new, awaiting clearance, proposals about to expire)"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.needs_action(timezone.now(), ClinicSettings.load())
        return queryset


# The time the list's "time" column shows: the proposed or booked start, else the client's.
# The same expression as the index booking_shown_start_idx, so a narrowed list reads only its rows.
SHOWN_START = Coalesce("start", "requested_start")
DAY = dt.timedelta(days=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


# Each choice: its label and, from the clinic's today, its first day and the day after its last
# (None: open-ended).
SHOWN_TIME_SPANS = {
    "today": (_("Today"), lambda today: (today, today + DAY)),
    "tomorrow": (_("Tomorrow"), lambda today: (today + DAY, today + 2 * DAY)),
    "next_7_days": (_("Next 7 days"), lambda today: (today, today + 7 * DAY)),
    "past_7_days": (_("Past 7 days"), lambda today: (today - 7 * DAY, today)),
    "this_month": (_("This month"), lambda today: (today.replace(day=1), _next_month(today))),
    "upcoming": (_("Upcoming (from today)"), lambda today: (today, None)),
    "past": (_("Past (before today)"), lambda today: (None, today)),
}


class ShownTimeFilter(admin.SimpleListFilter):
    """The list narrowed to the days a therapist thinks in (today, the coming week, ...) by the
    time its "time" column shows, in the clinic's zone. It replaces a year/month drill-down
    whose links read every request's date (a DISTINCT over the whole table) on each visit;
    these choices need no query to be offered."""

    title = _("time")
    parameter_name = "time"

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _span) in SHOWN_TIME_SPANS.items()]

    def queryset(self, request, queryset):
        span = SHOWN_TIME_SPANS.get(self.value())
        if span is None:
            return queryset
        first, after = span[1](timezone.localdate())
        zone = timezone.get_current_timezone()
        queryset = queryset.alias(shown_time=SHOWN_START)
        if first is not None:
            queryset = queryset.filter(shown_time__gte=availability.local_midnight(first, zone))
        if after is not None:
            queryset = queryset.filter(shown_time__lt=availability.local_midnight(after, zone))
        return queryset


@dataclass(frozen=True)
class Transition:
    """One button on a booking request's page, and the small view behind it."""

    label: str
    form: type[forms.Form]
    run: Callable  # (request_obj, user, cleaned_data) -> BookingRequest
    allowed: tuple[str, ...]
    done: str
    permission: str | None = None
    # How the button looks, by risk: the main way forward, an ordinary step, or one that ends
    # the client's request (red, and its page asks "are you sure").
    kind: str = "neutral"


def _time_initial(obj: BookingRequest) -> dict:
    start = obj.start or obj.requested_start
    therapist = obj.therapist or obj.requested_therapist
    if therapist is None:
        free = availability.free_therapists(obj.service, start)
        therapist = free[0] if free else None
    return {"therapist": therapist, "start": timezone.localtime(start)}


TRANSITIONS: dict[str, Transition] = {
    "clear": Transition(
        label=_("Clear for massage"),
        form=booking_forms.ClearForm,
        run=lambda obj, user, data: pipeline.clear(
            obj, by=user, note=data["note"], ip_address=data["ip_address"]
        ),
        allowed=pipeline.ALLOWED_FROM["clear"],
        done=_("Cleared: the request now waits for a time to be confirmed."),
        permission="intake.change_intake",
        kind="primary",
    ),
    "confirm": Transition(
        label=_("Confirm"),
        form=booking_forms.ConfirmForm,
        run=lambda obj, user, data: pipeline.confirm(
            obj, by=user, therapist=data["therapist"], start=data["start"], note=data["note"]
        ),
        allowed=pipeline.ALLOWED_FROM["confirm"],
        done=_("Confirmed. The client gets an email with a calendar file."),
        kind="primary",
    ),
    "propose": Transition(
        label=_("Propose another time"),
        form=booking_forms.ProposeForm,
        run=lambda obj, user, data: pipeline.propose(
            obj, by=user, therapist=data["therapist"], start=data["start"], message=data["message"]
        ),
        allowed=pipeline.ALLOWED_FROM["propose"],
        done=_("Proposed. The client can accept or decline it from their email."),
    ),
    "decline": Transition(
        label=_("Decline"),
        form=booking_forms.DeclineForm,
        run=lambda obj, user, data: pipeline.decline(obj, by=user, reason=data["reason"]),
        allowed=pipeline.ALLOWED_FROM["decline"],
        done=_("Declined. The client gets the reason by email."),
        kind="danger",
    ),
    "cancel": Transition(
        label=_("Cancel the booking"),
        form=booking_forms.CancelForm,
        run=lambda obj, user, data: pipeline.cancel_by_clinic(
            obj, by=user, reason=data["reason"], tell_client=data["tell_client"]
        ),
        allowed=pipeline.ALLOWED_FROM["cancel_by_clinic"],
        done=_("Cancelled."),
        kind="danger",
    ),
    "complete": Transition(
        label=_("Mark completed"),
        form=booking_forms.StaffNoteForm,
        run=lambda obj, user, data: pipeline.complete(obj, by=user, note=data["note"]),
        allowed=pipeline.ALLOWED_FROM["complete"],
        done=_("Marked completed."),
    ),
    "no-show": Transition(
        label=_("Mark no-show"),
        form=booking_forms.StaffNoteForm,
        run=lambda obj, user, data: pipeline.no_show(obj, by=user, note=data["note"]),
        allowed=pipeline.ALLOWED_FROM["no_show"],
        done=_("Marked as a no-show."),
        kind="danger",
    ),
}
TIME_FORMS = (booking_forms.ConfirmForm, booking_forms.ProposeForm)


@functools.lru_cache(maxsize=16)
def _level_badge(level: str, language: str | None) -> str:
    """A triage level's badge (colour, icon and words) in one language: the same few badges
    recur on every page of the list, so each is rendered once, not once per row."""
    return render_to_string(
        "includes/level_badge.html", {"level": level, "label": Level(level).label}
    )


# What the list's cells read. The change page loads whole rows; the list loads only these, or
# every row of every page would carry (and build) its intake's record, the client's note, and
# its service's and therapists' texts in both languages.
LIST_FIELDS = [
    "reference",
    "client_name",
    "status",
    "requested_start",
    "start",
    "service",
    "therapist",
    "requested_therapist",
    "intake__level",
    "intake__flags",
    "intake__review_status",
]


class BookingChangeList(ChangeList):
    """The list's page of requests, read lean. The therapists and services are a handful: they
    are read once for the page (one query each, whatever the page holds) rather than joined to
    every row, which costs the planner a join each and builds a copy of each per row."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        return queryset.select_related(None).select_related("intake").only(*LIST_FIELDS)

    def get_results(self, request):
        super().get_results(request)
        therapists = Therapist.objects.in_bulk()
        services = Service.objects.in_bulk()
        for booking in self.result_list:
            booking.service = services[booking.service_id]
            booking.therapist = therapists.get(booking.therapist_id)
            booking.requested_therapist = therapists.get(booking.requested_therapist_id)


@admin.register(BookingRequest)
class BookingRequestAdmin(ClinicModelAdmin):
    list_display = [
        "reference",
        "client_name",
        "service",
        "when",
        "therapist_shown",
        "status_badge",
        "intake_badge",
    ]
    list_filter = [
        NeedsActionFilter,
        ShownTimeFilter,
        "status",
        "therapist",
        "requested_therapist",
        "service",
    ]
    # Served by trigram indexes on the upper-cased columns (migration 0011), so a reference,
    # a name, an email or a phone number, whole or in part, is found without reading every row.
    search_fields = ["reference", "client_name", "email", "phone"]
    # A screenful: each row costs its seven cells' rendering (about a quarter of a millisecond),
    # and the lists therapists work from (needs action, today) are shorter than a page anyway.
    list_per_page = 20
    # One count per page (the matches), not a second of every request.
    show_full_result_count = False
    inlines = [BookingEventInline]
    readonly_fields = [
        "reference",
        "status_badge",
        "intake_badge",
        "language",
        "note",
        "service",
        "requested_therapist",
        "requested_start",
        "reschedules",
        "therapist",
        "start",
        "end",
        "blocked_until",
        "message_to_client",
        "status_changed_at",
        "reminder_sent_at",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["reference", "status_badge", "intake_badge"]}),
        (_("Client"), {"fields": ["client_name", "email", "phone", "language", "note"]}),
        (
            _("Requested"),
            {"fields": ["service", "requested_therapist", "requested_start", "reschedules"]},
        ),
        (
            _("Proposed or booked"),
            {"fields": ["therapist", "start", "end", "blocked_until", "message_to_client"]},
        ),
        (
            _("Record"),
            {
                "fields": ["status_changed_at", "reminder_sent_at", "created_at", "updated_at"],
                "classes": ["collapse"],
            },
        ),
    ]

    class Media:
        css = {"all": ["css/admin-booking.css"]}

    def get_queryset(self, request):
        # The intake's answers are never needed here: only its level, flags and review.
        return (
            super()
            .get_queryset(request)
            .select_related("service", "therapist", "requested_therapist", "intake")
            .defer("intake__answers", "note")
            .annotate(can_view_intake=Value(request.user.has_perm("intake.view_intake")))
        )

    def get_changelist(self, request, **kwargs):
        return BookingChangeList

    def hidden_fields(self, request):
        """The client's note may hold health details and the intake is health information:
        without intake.view_intake, no lookup, search, filter or column may reach either
        (the list's intake badge shows only the level)."""
        if request.user.has_perm("intake.view_intake"):
            return frozenset()
        return frozenset({"note", "intake"})

    def get_fieldsets(self, request, obj=None):
        """The client's free-text note may hold health details: therapists only."""
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.has_perm("intake.view_intake"):
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "note"]})
            for name, options in fieldsets
        ]

    def has_add_permission(self, request):
        return False  # requests come from /book/; the history must start with the client

    def has_delete_permission(self, request, obj=None):
        return False

    # --- columns and fields ---

    @admin.display(description=_("time"), ordering="requested_start")
    def when(self, obj):
        return date_format(timezone.localtime(obj.shown_start), "SHORT_DAY_CLOCK_FORMAT")

    @admin.display(description=_("therapist"))
    def therapist_shown(self, obj):
        return obj.shown_therapist or _("any")

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        return format_html(
            '<span class="booking-status status-{}">{}</span>',
            obj.status,
            # Not get_status_display(): it hashes every choice's label, translating each, per row.
            BookingStatus(obj.status).label,
        )

    @admin.display(description=_("intake"))
    def intake_badge(self, obj):
        intake = obj.intake
        if intake is None:
            return "-"
        badge = _level_badge(intake.level, get_language())
        if intake.emergency_screen_incomplete:
            badge = format_html(
                '{} <span class="level-badge level-EMERGENCY">{}</span>',
                badge,
                _("emergency questions unanswered"),
            )
        if intake.review_status != intake.ReviewStatus.NEW:
            badge = format_html("{} ({})", badge, intake.ReviewStatus(intake.review_status).label)
        if getattr(obj, "can_view_intake", False):
            return format_html('<a href="{}">{}</a>', intake.get_admin_url(), badge)
        return badge

    # --- transition views ---

    def get_urls(self):
        return [
            path(
                "schedule/",
                self.admin_site.admin_view(self.schedule_view),
                name="clinic_bookingrequest_schedule",
            ),
            path(
                "<path:object_id>/do/<slug:name>/",
                self.admin_site.admin_view(self.transition_view),
                name="clinic_bookingrequest_transition",
            ),
            *super().get_urls(),
        ]

    def available_transitions(self, request, obj) -> list[tuple[str, Transition]]:
        if not self.has_change_permission(request, obj):
            return []
        return [
            (name, transition)
            for name, transition in TRANSITIONS.items()
            if obj.status in transition.allowed
            and (transition.permission is None or request.user.has_perm(transition.permission))
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if obj is not None:
            extra_context["transitions"] = [
                {
                    "url": reverse("admin:clinic_bookingrequest_transition", args=[obj.pk, name]),
                    "label": transition.label,
                    "kind": transition.kind,
                }
                for name, transition in self.available_transitions(request, obj)
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    def transition_view(self, request, object_id, name):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        transition = TRANSITIONS.get(name)
        if transition is None:
            raise Http404
        if not self.has_change_permission(request, obj) or (
            transition.permission and not request.user.has_perm(transition.permission)
        ):
            raise PermissionDenied
        change_url = reverse("admin:clinic_bookingrequest_change", args=[obj.pk])
        initial = _time_initial(obj) if transition.form in TIME_FORMS else {}
        form = transition.form(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                data = {**form.cleaned_data, "ip_address": client_ip(request)}
                transition.run(obj, request.user, data)
            except pipeline.BookingError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, transition.done)
                return HttpResponseRedirect(change_url)
        elif request.method == "GET" and obj.status not in transition.allowed:
            messages.warning(
                request,
                _("This request is “%(status)s”: “%(action)s” does not apply.")
                % {"status": obj.get_status_display(), "action": transition.label},
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"{transition.label}: {obj.reference}",
            "transition": transition,
            "form": form,
            "media": self.media + form.media,
            "change_url": change_url,
            "day_bookings": self._day_bookings(obj, initial),
        }
        return TemplateResponse(request, "admin/clinic/bookingrequest/transition.html", context)

    def _day_bookings(self, obj, initial):
        """The therapist's other bookings that day, to choose a time that fits."""
        therapist, start = initial.get("therapist"), initial.get("start")
        if therapist is None or start is None:
            return None
        day = start.date()
        zone = ClinicSettings.load().zone
        return (
            BookingRequest.objects.booked()
            .filter(
                therapist=therapist,
                start__gte=availability.local_midnight(day, zone),
                start__lt=availability.local_midnight(day + dt.timedelta(days=1), zone),
            )
            .exclude(pk=obj.pk)
            .select_related("service")
            .order_by("start")
        )

    # --- schedule ---

    def schedule_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        rules = ClinicSettings.load()
        today = timezone.localdate(timezone=rules.zone)
        try:
            day = dt.date.fromisoformat(request.GET.get("date", ""))
        except ValueError:
            day = today
        if abs((day - today).days) > 3660:  # ten years either way is plenty for a schedule
            day = today
        span = "week" if request.GET.get("span") == "week" else "day"
        if span == "week":
            first = day - dt.timedelta(days=day.weekday())
            last = first + dt.timedelta(days=6)
            step = dt.timedelta(days=7)
        else:
            first = last = day
            step = dt.timedelta(days=1)
        bookings = (
            BookingRequest.objects.booked()
            .filter(
                start__gte=availability.local_midnight(first, rules.zone),
                start__lt=availability.local_midnight(last + dt.timedelta(days=1), rules.zone),
            )
            .select_related("service", "therapist")
            .order_by("start")
        )
        therapists = Therapist.objects.filter(active=True)
        only = request.GET.get("therapist", "")
        if not SLUG.fullmatch(only):
            only = ""
        if only:
            therapists = therapists.filter(slug=only)
            bookings = bookings.filter(therapist__slug=only)
        by_therapist: dict[int, dict] = {}
        for therapist in therapists:
            by_therapist[therapist.pk] = {"therapist": therapist, "days": {}}
        for item in bookings:
            entry = by_therapist.setdefault(
                item.therapist_id, {"therapist": item.therapist, "days": {}}
            )
            local_day = timezone.localtime(item.start, rules.zone).date()
            entry["days"].setdefault(local_day, []).append(item)

        def link(target, target_span=span, therapist=only):
            params = {"date": target.isoformat(), "span": target_span}
            if therapist:
                params["therapist"] = therapist
            return "?" + urlencode(params)

        days = availability.local_days(first, last)
        rows = [
            {
                "therapist": entry["therapist"],
                "own_url": link(day, therapist=entry["therapist"].slug),
                "days": [(d, entry["days"].get(d, [])) for d in days],
                "count": sum(len(v) for v in entry["days"].values()),
            }
            for entry in by_therapist.values()
        ]

        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Schedule"),
            "rows": rows,
            "first": first,
            "last": last,
            "span": span,
            "zone_name": rules.time_zone,
            "previous_url": link(first - step),
            "next_url": link(first + step),
            "today_url": link(today),
            "day_url": link(day, "day"),
            "week_url": link(day, "week"),
            "everyone_url": link(day, therapist="") if only else None,
        }
        return TemplateResponse(request, "admin/clinic/bookingrequest/schedule.html", context)


@admin.register(DataDeletionRequest)
class DataDeletionRequestAdmin(ClinicModelAdmin):
    """Clients' requests to delete their data: pending first; carry out or refuse."""

    list_display = ["reference", "status", "requested_at", "decided_by", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["decided_by"]
    search_fields = ["=reference"]
    ordering = [
        Case(When(status="pending", then=Value(0)), default=Value(1)).asc(),
        "-requested_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        deletion = self.get_object(request, unquote(object_id))
        if deletion is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not self.has_view_permission(request, deletion):
            raise PermissionDenied
        note, error = "", None
        if request.method == "POST":
            if not self.has_change_permission(request, deletion):
                raise PermissionDenied
            note = request.POST.get("note", "")
            try:
                if request.POST.get("decision") == "carry_out":
                    done = privacy.carry_out(
                        deletion, by=request.user, ip_address=client_ip(request)
                    )
                    messages.success(
                        request,
                        _("Done: %(intakes)s intakes deleted, %(bookings)s requests anonymised.")
                        % {"intakes": done.intakes_deleted, "bookings": done.bookings_anonymised},
                    )
                else:
                    privacy.refuse(deletion, by=request.user, note=note)
                    messages.success(request, _("Refused; the client is told why."))
            except privacy.PrivacyError as problem:
                error = str(problem)
            else:
                return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": deletion,
            "title": str(deletion),
            "deletion": deletion,
            "holds": privacy.what_is_held(deletion) if deletion.status == "pending" else None,
            "can_decide": deletion.status == "pending"
            and self.has_change_permission(request, deletion),
            "note": note,
            "error": error,
        }
        return TemplateResponse(request, "admin/clinic/datadeletionrequest/decide.html", context)
