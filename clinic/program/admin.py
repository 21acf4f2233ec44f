"""The program in the back office.

Lessons: listed in order, each language its own row, with whether an English lesson has its
Spanish translation (and a filter for those that do not); a lesson's page links its translation
or its original. A therapist may correct the Markdown, which is rendered (and sanitised) again
on save. Enrolments: who is enrolled and how far they have got (lessons done
out of 8, last activity, confirmed, unsubscribed) in one query; pain scores and check-ins are
health information, shown only to staff with `program.view_program_health` (therapists).
Check-ins: therapists only (`view_checkin`).
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from clinic.core.admin import ClinicModelAdmin
from clinic.core.ratelimit import client_ip
from clinic.program.models import (
    LESSON_COUNT,
    CheckIn,
    Enrolment,
    Lesson,
    LessonDone,
    ProgramAccess,
)
from education import rendering

HEALTH_PERMISSION = "program.view_program_health"
SPANISH = "es"
HEALTH_FIELDS = frozenset({"baseline_pain", "baseline_limits", "check_ins"})


class LessonAdminForm(forms.ModelForm):
    class Meta:
        model = Lesson
        fields = [
            "title",
            "summary",
            "goal",
            "minutes",
            "body",
            "medical_reviewer",
            "last_reviewed",
        ]

    def clean_body(self):
        body = self.cleaned_data["body"]
        try:
            self.rendered = rendering.render_markdown(body)
        except rendering.ImageError as error:
            raise forms.ValidationError(str(error)) from None
        return body


class MissingSpanishFilter(admin.SimpleListFilter):
    """English lessons without a Spanish translation (shown in English to Spanish readers)."""

    title = _("Spanish translation")
    parameter_name = "spanish"

    def lookups(self, request, model_admin):
        return [("missing", _("missing Spanish translation")), ("present", _("translated"))]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(language=settings.LANGUAGE_CODE, has_spanish=False)
        if self.value() == "present":
            return queryset.filter(language=settings.LANGUAGE_CODE, has_spanish=True)
        return queryset


@admin.register(Lesson)
class LessonAdmin(ClinicModelAdmin):
    form = LessonAdminForm
    list_display = ["order", "title", "language", "spanish", "week", "minutes", "last_reviewed"]
    list_display_links = ["title"]
    list_filter = ["language", MissingSpanishFilter]
    ordering = ["order", "language"]
    readonly_fields = ["slug", "language", "order", "week", "translation_links"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "slug",
                    "language",
                    "translation_links",
                    "order",
                    "week",
                    "title",
                    "summary",
                    "goal",
                    "minutes",
                ]
            },
        ),
        (_("Body"), {"fields": ["body"]}),
        (_("Review"), {"fields": ["medical_reviewer", "last_reviewed"]}),
    ]

    def get_queryset(self, request):
        spanish = Lesson.objects.filter(translation_of=OuterRef("pk"), language=SPANISH)
        return (
            super()
            .get_queryset(request)
            .defer("body", "body_html", "toc")
            .annotate(has_spanish=Exists(spanish))
        )

    @admin.display(description=_("Spanish translation"), ordering="has_spanish")
    def spanish(self, obj) -> str | None:
        """For an English lesson, whether its Spanish translation exists; empty for a
        translation."""
        if obj.language != settings.LANGUAGE_CODE:
            return None
        return _("translated") if obj.has_spanish else _("missing")

    @admin.display(description=_("translations"))
    def translation_links(self, obj) -> str:
        """An English lesson's translations, or a translation's original, as links."""
        if obj.pk is None:
            return "-"
        if obj.translation_of_id:
            rows = [obj.translation_of]
        else:
            rows = list(obj.translations.order_by("language"))
        if not rows:
            return _("Not translated yet: Spanish readers see this lesson in English.")
        return format_html_join(
            ", ",
            '<a href="{}">{}</a> ({})',
            (
                (reverse("admin:program_lesson_change", args=[row.pk]), row.title, row.language)
                for row in rows
            ),
        )

    def save_model(self, request, obj, form, change):
        rendered = getattr(form, "rendered", None) or rendering.render_markdown(obj.body)
        obj.body_html = rendered.html
        obj.toc = rendered.toc
        super().save_model(request, obj, form, change)

    def has_add_permission(self, request):
        return False  # lessons come from education/content/program/

    def has_delete_permission(self, request, obj=None):
        return False


class LessonDoneInline(admin.TabularInline):
    model = LessonDone
    fields = ["lesson", "done_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("lesson")


class CheckInInline(admin.TabularInline):
    model = CheckIn
    fields = ["week", "created_at", "pain_now", "limits_now", "trend", "level"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Enrolment)
class EnrolmentAdmin(ClinicModelAdmin):
    list_display = [
        "email",
        "progress",
        "last_activity_at",
        "confirmed",
        "unsubscribed",
        "baseline_pain",
        "baseline_limits",
    ]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    ordering = ["-last_activity_at"]

    def hidden_fields(self, request) -> frozenset[str]:
        if request.user.has_perm(HEALTH_PERMISSION):
            return frozenset()
        return HEALTH_FIELDS

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(lessons_done=Count("done", distinct=True))

    def get_fields(self, request, obj=None):
        fields = [
            "email",
            "language",
            "created_at",
            "confirmed_at",
            "unsubscribed_at",
            "needs_doctor_ok",
            "started_at",
            "next_email_due",
            "last_activity_at",
        ]
        if request.user.has_perm(HEALTH_PERMISSION):
            fields += ["baseline_pain", "baseline_limits"]
        return fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def get_inlines(self, request, obj):
        if request.user.has_perm(HEALTH_PERMISSION) and request.user.has_perm(
            "program.view_checkin"
        ):
            return [LessonDoneInline, CheckInInline]
        return [LessonDoneInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200 and request.user.has_perm(HEALTH_PERMISSION):
            row = self.get_object(request, object_id)
            if row is not None:
                record(request, ProgramAccess.Action.VIEWED, row)
        return response

    @admin.display(description=_("lessons done"), ordering="lessons_done")
    def progress(self, obj) -> str:
        return f"{obj.lessons_done} / {LESSON_COUNT}"

    @admin.display(description=_("email confirmed"), boolean=True, ordering="confirmed_at")
    def confirmed(self, obj) -> bool:
        return obj.confirmed_at is not None

    @admin.display(description=_("unsubscribed"), boolean=True, ordering="unsubscribed_at")
    def unsubscribed(self, obj) -> bool:
        return obj.unsubscribed_at is not None


def record(request, action: str, row: Enrolment | None = None, matched: int | None = None):
    ProgramAccess.objects.create(
        enrolment=row,
        enrolment_number=row.pk if row else None,
        user=request.user,
        action=action,
        ip_address=client_ip(request) or None,
        matched=matched,
    )


@admin.register(CheckIn)
class CheckInAdmin(ClinicModelAdmin):
    list_display = ["enrolment", "week", "created_at", "pain_now", "limits_now", "trend", "level"]
    list_filter = ["week", "level"]
    list_select_related = ["enrolment"]
    readonly_fields = [
        "enrolment",
        "week",
        "pain_now",
        "limits_now",
        "check_first",
        "trend",
        "level",
    ]

    def has_module_permission(self, request):
        return request.user.has_perm(HEALTH_PERMISSION) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(HEALTH_PERMISSION) and super().has_view_permission(
            request, obj
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if response.status_code == 200 and changelist is not None:
            record(request, ProgramAccess.Action.LISTED, matched=changelist.result_count)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            check_in = self.get_object(request, object_id)
            if check_in is not None:
                record(request, ProgramAccess.Action.VIEWED, check_in.enrolment)
        return response


@admin.register(ProgramAccess)
class ProgramAccessAdmin(ClinicModelAdmin):
    """The audit trail: read-only for everyone, the superuser included."""

    list_display = ["at", "enrolment_number", "user", "action", "matched", "ip_address"]
    list_filter = ["action", "at"]
    list_select_related = ["user"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
