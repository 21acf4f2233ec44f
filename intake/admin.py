from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Value, When
from django.http import HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from clinic.core.admin import ClinicModelAdmin
from clinic.core.ratelimit import client_ip
from intake import presentation, reviewing, wording
from intake.models import Intake, IntakeAccess, severity
from intake.questions import CATALOGUE_VERSION
from intake.triage import (
    CAUTIONS,
    EMERGENCY_SCREEN_INCOMPLETE,
    RULES,
    RULES_VERSION,
    SELF_CARE_RULE,
)

FLAG_TEXT = {EMERGENCY_SCREEN_INCOMPLETE: _("Emergency questions unanswered: call today")}


def level_badge(level: str, label: str) -> str:
    """The level's colour, icon and words: the same badge as on the client's result page."""
    return render_to_string("includes/level_badge.html", {"level": level, "label": label})


class CautionsFilter(admin.SimpleListFilter):
    title = _("cautions")
    parameter_name = "cautions"

    def lookups(self, request, model_admin):
        return [("yes", _("Has cautions")), ("possible", _("Possible cautions")), ("no", _("None"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(cautions=[])
        if self.value() == "possible":
            return queryset.exclude(cautions_unknown=[])
        if self.value() == "no":
            return queryset.filter(cautions=[], cautions_unknown=[])
        return queryset


class IntakeChangeList(ChangeList):
    """The list never shows answers or the wording shown: it does not load them either."""

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer("answers", "shown_wording")


@admin.register(Intake)
class IntakeAdmin(ClinicModelAdmin):
    list_display = [
        "__str__",
        "name",
        "level_display",
        "flags_display",
        "review_status",
        "created_at",
    ]
    list_display_links = ["__str__", "name"]
    list_filter = ["level", "review_status", CautionsFilter, "rules_version"]
    # Served by trigram indexes on UPPER(name) and UPPER(email) (migration 0008).
    search_fields = ["name", "email"]
    list_select_related = ["reviewed_by"]
    list_per_page = 50
    # One count per page (the matches, which the audit records), not a second of every intake.
    show_full_result_count = False
    # Unreviewed first, then the most severe, then the newest: read from an index on these
    # very expressions (migration 0008), so a page never sorts every intake.
    ordering = [
        Case(When(review_status="new", then=Value(0)), default=Value(1)).asc(),
        severity().desc(),
        "-created_at",
    ]

    class Media:
        css = {"all": ["css/admin-intake.css"]}

    @admin.display(description=_("level"), ordering="level")
    def level_display(self, obj):
        return level_badge(obj.level, obj.get_level_display())

    @admin.display(description=_("flags"))
    def flags_display(self, obj):
        return ", ".join(str(FLAG_TEXT.get(flag, flag)) for flag in obj.flags) or "-"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path("rules/", self.admin_site.admin_view(self.rules_view), name="intake_intake_rules"),
            path(
                "<path:object_id>/export/",
                self.admin_site.admin_view(self.export_view),
                name="intake_intake_export",
            ),
            *super().get_urls(),
        ]

    def get_changelist(self, request, **kwargs):
        return IntakeChangeList

    def changelist_view(self, request, extra_context=None):
        """The list is a bulk read of health data: each list, search or filter shown is
        recorded with who, when, the query as the list accepted it, and how many matched."""
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if response.status_code == 200 and changelist is not None:
            IntakeAccess.objects.create(
                intake=None,
                intake_number=None,
                user=request.user,
                action=IntakeAccess.Action.LISTED,
                ip_address=client_ip(request) or None,
                query=self.list_query(request),
                matched=changelist.result_count,
            )
        return response

    def export_view(self, request, object_id):
        """The intake as a text file, for a therapist allowed to export; recorded."""
        intake = self.get_object(request, unquote(object_id))
        if intake is None or not request.user.has_perm("intake.export_intake"):
            raise PermissionDenied
        reviewing.record_access(
            intake, request.user, IntakeAccess.Action.EXPORTED, client_ip(request)
        )
        response = HttpResponse(presentation.as_text(intake), content_type="text/plain")
        response["Content-Disposition"] = f'attachment; filename="intake-{intake.pk}.txt"'
        return response

    def rules_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Triage rules"),
            "rules": (*RULES, SELF_CARE_RULE),
            "cautions": CAUTIONS,
            "rules_version": RULES_VERSION,
            "catalogue_version": CATALOGUE_VERSION,
        }
        return TemplateResponse(request, "admin/intake/intake/rules.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        intake = self.get_object(request, unquote(object_id))
        if intake is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not self.has_view_permission(request, intake):
            raise PermissionDenied
        note, error = "", None
        if request.method == "POST":
            if not self.has_change_permission(request, intake):
                raise PermissionDenied
            note = request.POST.get("note", "")
            try:
                self._decide(request, intake, request.POST.get("decision"), note)
            except reviewing.ReviewError as problem:
                error = str(problem)
            else:
                return HttpResponseRedirect(request.path)
        else:
            reviewing.record_access(intake, request.user, ip_address=client_ip(request))
        return TemplateResponse(
            request,
            "admin/intake/intake/review.html",
            self._review_context(request, intake, note, error),
        )

    def _decide(self, request, intake, decision, note):
        actions = {
            "reviewed": (reviewing.mark_reviewed, _("Marked as reviewed.")),
            "cleared": (reviewing.clear_for_massage, _("Cleared for massage.")),
            "referred": (reviewing.refer_to_doctor, _("Marked as referred to a doctor.")),
        }
        if decision not in actions:
            raise reviewing.ReviewError(_("Choose one of the review buttons."))
        decide, done = actions[decision]
        decide(intake, request.user, note, ip_address=client_ip(request))
        messages.success(request, done)

    def _review_context(self, request, intake, note, error):
        triggers = presentation.triggers_of(intake)  # evaluated once for the whole page
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": intake,
            "title": str(intake),
            "intake": intake,
            "level_badge": level_badge(intake.level, intake.get_level_display()),
            "shown": wording.of_intake(intake),
            "questionnaire": presentation.questionnaire(intake, triggers),
            "fired": presentation.findings(set(intake.fired) - {SELF_CARE_RULE.id}, triggers),
            "possible": presentation.findings(intake.fired_unknown, triggers),
            "cautions": presentation.findings(intake.cautions, triggers, cautions=True),
            "possible_cautions": presentation.findings(
                intake.cautions_unknown, triggers, cautions=True
            ),
            "flags": [FLAG_TEXT.get(flag, flag) for flag in intake.flags],
            "accesses": intake.accesses.select_related("user")[:50],
            "can_decide": self.has_change_permission(request, intake),
            "note_required": reviewing.note_required_to_clear(intake),
            "note": note,
            "error": error,
            "current_rules": intake.rules_version == RULES_VERSION,
            "rules_url": reverse("admin:intake_intake_rules"),
            "can_export": request.user.has_perm("intake.export_intake"),
        }


@admin.register(IntakeAccess)
class IntakeAccessAdmin(ClinicModelAdmin):
    """The audit trail: read-only for everyone, the superuser included."""

    list_display = ["at", "intake_number", "user", "action", "query_shown", "ip_address"]
    list_filter = ["action", ("user", admin.RelatedOnlyFieldListFilter), "at"]
    search_fields = ["=intake_number", "user__username", "ip_address"]
    list_select_related = ["user"]
    date_hierarchy = "at"

    @admin.display(description=_("list query"))
    def query_shown(self, entry):
        if entry.intake_number is not None:
            return "-"
        asked = " & ".join(f"{key}={value}" for key, value in entry.query.items())
        return f"{asked or _('the whole list')} ({entry.matched})"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
