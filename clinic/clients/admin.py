from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from clinic.booking.models import BookingRequest
from clinic.clients import records
from clinic.clients.forms import AddendumForm, VisitNoteForm
from clinic.clients.models import Client, ClientAccess, ClientBooking, ClientIntake, VisitNote
from clinic.core.admin import ClinicModelAdmin
from clinic.core.ratelimit import client_ip
from intake.admin import level_badge

Action = ClientAccess.Action
SEES_HEALTH = "intake.view_intake"


class HealthRecordAdmin(ClinicModelAdmin):
    """Client records and notes are health information: only staff who may see intakes."""

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(SEES_HEALTH) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return request.user.has_perm(SEES_HEALTH) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(SEES_HEALTH) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Removal happens only through a deletion request or the retention period, recorded.
        return False


def count_of(links: QuerySet) -> QuerySet:
    """One client's rows of `links` counted, as a subquery's single value."""
    return links.order_by().values("client").annotate(total=Count("pk")).values("total")


def recommended(note: VisitNote | None) -> dict | None:
    """The lesson a visit note recommends, named and linked as the client sees it."""
    lesson = note.recommended_lesson if note is not None else None
    if lesson is None:
        return None
    return {"label": records.lesson_label(lesson), "url": lesson.get_absolute_url()}


@admin.register(Client)
class ClientAdmin(HealthRecordAdmin):
    list_display = ["__str__", "email", "intake_count", "booking_count", "last_booked"]
    # Served by trigram indexes on UPPER(name) and UPPER(email) (migration 0004).
    search_fields = ["name", "email"]
    list_per_page = 50
    show_full_result_count = False

    class Media:
        css = {"all": ["css/admin-intake.css"]}

    def get_queryset(self, request):
        # Per-client subqueries rather than one GROUP BY over every link: the database works
        # them out for the page's rows only (the list is ordered by an index on name, email).
        intake_links = ClientIntake.objects.filter(client=OuterRef("pk"))
        booking_links = ClientBooking.objects.filter(client=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(
                intakes=Coalesce(Subquery(count_of(intake_links)), 0),
                bookings=Coalesce(Subquery(count_of(booking_links)), 0),
                last_requested=Subquery(
                    booking_links.order_by("-booking__requested_start").values(
                        "booking__requested_start"
                    )[:1]
                ),
            )
        )

    @admin.display(description=_("intakes"), ordering="intakes")
    def intake_count(self, client):
        return client.intakes

    @admin.display(description=_("booking requests"), ordering="bookings")
    def booking_count(self, client):
        return client.bookings

    @admin.display(description=_("last requested time"), ordering="last_requested")
    def last_booked(self, client):
        return client.last_requested

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<path:object_id>/export/",
                self.admin_site.admin_view(self.export_view),
                name="clients_client_export",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        """Names and emails of clients, in bulk: each list shown is recorded."""
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200 and getattr(response, "context_data", None):
            records.record_access(None, request.user, Action.LISTED, ip_address=client_ip(request))
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The client's history, read-only; every view recorded."""
        client = self.get_object(request, unquote(object_id))
        if client is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, client):
            raise PermissionDenied
        records.record_access(
            client.pk, request.user, Action.VIEWED_HISTORY, ip_address=client_ip(request)
        )
        program_health = request.user.has_perm(records.PROGRAM_HEALTH)
        record = records.history(client, program_health=program_health)
        records.record_program_view(
            record.program and record.program.enrolment,
            request.user,
            ip_address=client_ip(request),
            health=program_health,
        )
        can_write = request.user.has_perm("clients.add_visitnote") and request.user.has_perm(
            SEES_HEALTH
        )
        add_note = reverse("admin:clients_visitnote_add")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": client,
            "title": str(client),
            "client": client,
            "intakes": [
                {"intake": intake, "badge": level_badge(intake.level, intake.get_level_display())}
                for intake in record.intakes
            ],
            "bookings": [
                {
                    "booking": booking,
                    "note": getattr(booking, "visit_note", None),
                    "lesson": recommended(getattr(booking, "visit_note", None)),
                    "add_note_url": f"{add_note}?{urlencode({'booking': booking.pk})}"
                    if can_write
                    else None,
                }
                for booking in record.bookings
            ],
            "program": record.program,
            "check_ins": [
                {"check_in": row, "badge": level_badge(row.level, row.get_level_display())}
                for row in (record.program.check_ins if record.program else [])
            ],
            "can_export": request.user.has_perm("intake.export_intake"),
            "record": record,
        }
        return TemplateResponse(request, "admin/clients/client/history.html", context)

    def export_view(self, request, object_id):
        client = self.get_object(request, unquote(object_id))
        if client is None or not (
            self.has_view_permission(request, client)
            and request.user.has_perm("intake.export_intake")
        ):
            raise PermissionDenied
        records.record_access(
            client.pk, request.user, Action.EXPORTED, ip_address=client_ip(request)
        )
        program_health = request.user.has_perm(records.PROGRAM_HEALTH)
        records.record_program_view(
            records.enrolment_of(client),
            request.user,
            ip_address=client_ip(request),
            health=program_health,
        )
        text = records.as_text(client, program_health=program_health)
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="client-{client.pk}.txt"'
        return response


@admin.register(VisitNote)
class VisitNoteAdmin(HealthRecordAdmin):
    form = VisitNoteForm
    list_display = ["__str__", "booking", "client", "signed_by", "signed_at", "locked"]
    list_select_related = ["booking", "client", "signed_by"]
    search_fields = ["booking__reference", "client__name", "client__email"]
    readonly_fields = ["booking", "client", "signed_by", "signed_at", "changed_at"]
    list_per_page = 50

    @admin.display(description=_("locked"), boolean=True)
    def locked(self, note):
        return note.is_locked()

    def get_fields(self, request, obj=None):
        fields = list(VisitNoteForm.Meta.fields)
        if obj is None:
            return fields
        if obj.is_locked():
            # Read-only: the lesson named as in the form ("Lesson 3: Settling a flare").
            fields[fields.index("recommended_lesson")] = "lesson_recommended"
        return [*self.readonly_fields, *fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_locked():
            return [*self.readonly_fields, "lesson_recommended"]
        return self.readonly_fields

    @admin.display(description=_("lesson recommended"))
    def lesson_recommended(self, note):
        lesson = recommended(note)
        return lesson["label"] if lesson else _("No lesson")

    def has_change_permission(self, request, obj=None):
        # Locked 24 hours after signing: then the page is read-only and addenda are added.
        if obj is not None and obj.is_locked():
            return False
        return super().has_change_permission(request, obj)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/addendum/",
                self.admin_site.admin_view(require_POST(self.addendum_view)),
                name="clients_visitnote_addendum",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200 and getattr(response, "context_data", None):
            records.record_access(None, request.user, Action.LISTED, ip_address=client_ip(request))
        return response

    def _booking(self, request) -> BookingRequest:
        try:
            booking_id = int(request.GET.get("booking", ""))
        except ValueError:
            raise Http404(_("Open the form from a booking request.")) from None
        return get_object_or_404(BookingRequest.objects.select_related("service"), pk=booking_id)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        booking = self._booking(request)
        existing = VisitNote.objects.filter(booking=booking).first()
        if existing is not None:
            messages.info(request, _("This booking already has a note; add an addendum here."))
            return HttpResponseRedirect(
                reverse("admin:clients_visitnote_change", args=[existing.pk])
            )
        request._note_booking = booking
        extra = {**(extra_context or {}), "booking": booking}
        return super().add_view(request, form_url, extra)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        note = self.get_object(request, unquote(object_id))
        if note is None or not self.has_view_permission(request, note):
            return super().change_view(request, object_id, form_url, extra_context)
        if request.method != "POST":
            records.record_access(
                note.client_id,
                request.user,
                Action.VIEWED_NOTE,
                note=note,
                ip_address=client_ip(request),
            )
        extra = {
            **(extra_context or {}),
            "note": note,
            "addenda": note.addenda.select_related("written_by"),
            "addendum_form": AddendumForm(),
            "can_add_addendum": request.user.has_perm("clients.add_visitnoteaddendum"),
        }
        try:
            return super().change_view(request, object_id, form_url, extra)
        except records.NoteLocked as refused:
            messages.error(request, str(refused))
            return HttpResponseRedirect(request.path)

    def save_model(self, request, obj, form, change):
        if change:
            records.correct_note(obj, by=request.user, ip_address=client_ip(request))
        else:
            records.write_note(
                obj, request._note_booking, by=request.user, ip_address=client_ip(request)
            )

    def addendum_view(self, request, object_id):
        note = self.get_object(request, unquote(object_id))
        if note is None or not (
            self.has_view_permission(request, note)
            and request.user.has_perm("clients.add_visitnoteaddendum")
        ):
            raise PermissionDenied
        form = AddendumForm(request.POST)
        if form.is_valid():
            records.add_addendum(
                note, form.cleaned_data["text"], by=request.user, ip_address=client_ip(request)
            )
            messages.success(request, _("Addendum added."))
        else:
            messages.error(request, _("Write the addendum first."))
        return HttpResponseRedirect(reverse("admin:clients_visitnote_change", args=[note.pk]))


@admin.register(ClientAccess)
class ClientAccessAdmin(ClinicModelAdmin):
    """The audit trail: read-only for everyone, the superuser included."""

    list_display = ["at", "client_number", "note_number", "user", "action", "ip_address"]
    list_filter = ["action", ("user", admin.RelatedOnlyFieldListFilter), "at"]
    search_fields = ["=client_number", "=note_number", "user__username", "ip_address"]
    list_select_related = ["user"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
