"""The client's booking pages: /book/ (choose, then request), /book/sent/, /book/<reference>/.

The intake done in this browser session gates the request: none yet sends the client to the
pre-visit check with their chosen time kept in the session ("booking_draft"); an emergency
result gets the 911 message and no form; the rest is clinic/booking.py's business.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from clinic import availability, booking, form_guard, privacy, ratelimit
from clinic.forms import (
    ANY_THERAPIST,
    BookingForm,
    ChooseServiceForm,
    ChooseTimeForm,
)
from clinic.models import BookingRequest, BookingStatus, ClinicSettings, DataDeletionRequest
from clinic.tokens import manage_path, token_is_valid
from intake.models import Intake, Level
from intake.session import current_intake, emergency_rules

DRAFT_KEY = "booking_draft"
SUBMITTED_KEY = "booking_submitted"
DAYS_SHOWN = 7


# --- the intake gate ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Gate:
    """What this browser's intake allows: 'none', 'emergency', 'clearance' or 'ok'."""

    state: str
    intake: Intake | None = None


def intake_gate(request) -> Gate:
    if emergency_rules(request):
        return Gate("emergency")
    intake = current_intake(request)
    if intake is None:
        return Gate("none")
    if intake.level == Level.EMERGENCY:
        return Gate("emergency", intake)
    if not intake.cleared_for_booking:
        return Gate("clearance", intake)
    return Gate("ok", intake)


# --- /book/ ---------------------------------------------------------------------------------------


def _language(request) -> str:
    """The language of this page view (emails follow the intake's preferred one first)."""
    code = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _parse_day(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _error_summary(form, anchors: dict[str, str]) -> list[dict]:
    """Every error with the anchor of its field, in the order of the fields on the page."""
    summary = []
    for name in [None, *(name for name in anchors if name in form.fields)]:
        label = form.fields[name].label if name else ""
        for message in form.errors.get(name or "__all__", []):
            summary.append({"anchor": anchors.get(name, "booking-form"), "label": label,
                            "message": message})  # fmt: skip
    return summary


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def book(request):
    gate = intake_gate(request)
    if gate.state == "emergency":
        return render(request, "clinic/booking_emergency.html")

    draft = request.session.get(DRAFT_KEY) or {}
    source = request.POST if request.method == "POST" else request.GET
    if request.method == "GET" and not request.GET and draft:
        source = draft  # back from the pre-visit check: restore their choice
    if "change" in request.GET:  # back to step one, with their choice selected
        choice = ChooseServiceForm(
            initial={k: request.GET.get(k) for k in ("service", "therapist") if k in request.GET}
        )
    else:
        choice = ChooseServiceForm(source if "service" in source else None)
    if not choice.is_bound or not choice.is_valid():
        values = choice.data if choice.is_bound else choice.initial
        services = list(choice.fields["service"].queryset)
        return render(
            request,
            "clinic/booking_choose.html",
            {
                "form": choice,
                "services": services,
                "therapists": choice.therapists,
                "selected_service": values.get("service")
                or (services[0].slug if len(services) == 1 else None),
                "selected_therapist": values.get("therapist") or ANY_THERAPIST,
                "errors": _error_summary(
                    choice, {"service": "service-0", "therapist": "therapist-0"}
                ),
                "gate": gate,
            },
        )

    rules = ClinicSettings.load()
    now = timezone.now()
    service = choice.cleaned_data["service"]
    therapist = choice.chosen_therapist()
    therapist_value = choice.cleaned_data["therapist"]
    first_bookable, last_bookable = availability.bookable_days(now, rules)

    drafted_start = availability.parse_slot_value(draft.get("start")) if source is draft else None
    if request.method == "POST":
        form_class = ChooseTimeForm if gate.state == "none" else BookingForm
        form = form_class(request.POST)
        chosen_day = _parse_day(request.POST.get("day"))
    else:
        initial = {}
        if gate.intake is not None:
            initial = {
                "client_name": gate.intake.name,
                "email": gate.intake.email,
                "phone": gate.intake.phone,
            }
        form = (ChooseTimeForm if gate.state == "none" else BookingForm)(initial=initial)
        chosen_day = _parse_day(request.GET.get("day")) or (
            timezone.localtime(drafted_start, rules.zone).date() if drafted_start else None
        )

    refused_for = None
    if request.method == "POST" and form.is_valid():
        start = form.cleaned_data["start"]
        if gate.state == "none":
            found = availability.find_slot(service, therapist, start, now=now, rules=rules)
            if isinstance(found, availability.Unavailable):
                form.add_error("start", booking.slot_error(found, rules).message)
            else:
                request.session[DRAFT_KEY] = {
                    "service": service.slug,
                    "therapist": therapist_value,
                    "start": availability.slot_value(start),
                }
                messages.info(
                    request,
                    _(
                        "Before we can take your request, please answer the pre-visit check. "
                        "Your chosen time is kept for when you come back (it is not held for "
                        "you until you send the request)."
                    ),
                )
                return redirect("/intake/")
        elif not form_guard.claim(form, "booking"):
            return redirect("booking_sent")  # the same form sent twice: one request only
        elif (wait := ratelimit.acquire(ratelimit.BOOKINGS, request)) is not None:
            form_guard.release(form, "booking")
            form.add_error(
                None,
                _(
                    "Several booking requests were sent from this connection in the last hour. "
                    "Your choices are kept: please send again in %(minutes)s minutes, or call us."
                )
                % {"minutes": ratelimit.wait_text(wait)},
            )
            refused_for = wait
        else:
            try:
                created = booking.submit(
                    service=service,
                    requested_therapist=therapist,
                    requested_start=start,
                    client_name=form.cleaned_data["client_name"],
                    email=form.cleaned_data["email"],
                    phone=form.cleaned_data["phone"],
                    note=form.cleaned_data["note"],
                    intake=gate.intake,
                    language=gate.intake.language or _language(request),
                    now=now,
                )
            except booking.BookingError as error:
                form_guard.release(form, "booking")
                ratelimit.release(ratelimit.BOOKINGS, request)
                field = "start" if error.code.startswith("slot_") else None
                form.add_error(field, error.message)
            else:
                request.session.pop(DRAFT_KEY, None)
                request.session[SUBMITTED_KEY] = created.reference
                return redirect("booking_sent")

    # Which week of days to show, and which day's times.
    week_start = _parse_day(source.get("from")) if source is not draft else None
    if chosen_day is not None and not (first_bookable <= chosen_day <= last_bookable):
        chosen_day = None
    if week_start is None or not (first_bookable <= week_start <= last_bookable):
        week_start = chosen_day or first_bookable
    week_end = min(week_start + dt.timedelta(days=DAYS_SHOWN - 1), last_bookable)
    if chosen_day is not None and not (week_start <= chosen_day <= week_end):
        chosen_day = None
    days = availability.open_slots_by_day(
        service,
        therapist,
        first_day=week_start,
        last_day=week_end,
        now=now,
        rules=rules,
        therapists=choice.therapists,
    )
    if chosen_day is None:
        chosen_day = next((day for day, slots in days.items() if slots), week_start)
    slots = days.get(chosen_day, [])

    selected = None
    if form.is_bound:
        selected = form.data.get("start")
    elif drafted_start is not None:
        selected = availability.slot_value(drafted_start)
    drafted_gone = drafted_start is not None and selected not in {s.value for s in slots}

    query = {"service": service.slug, "therapist": therapist_value}

    def link(**params) -> str:
        return "?" + urlencode({**query, **{k: v.isoformat() for k, v in params.items()}})

    previous_week = week_start - dt.timedelta(days=DAYS_SHOWN)
    next_week = week_start + dt.timedelta(days=DAYS_SHOWN)
    context = {
        "gate": gate,
        "service": service,
        "therapist": therapist,
        "therapist_value": therapist_value,
        "change_url": "?" + urlencode({**query, "change": "1"}),
        "days": [
            {
                "date": day,
                "count": len(day_slots),
                "url": link(**{"from": week_start, "day": day}),
                "current": day == chosen_day,
            }
            for day, day_slots in days.items()
        ],
        "previous_url": link(**{"from": max(previous_week, first_bookable)})
        if week_start > first_bookable
        else None,
        "next_url": link(**{"from": next_week}) if next_week <= last_bookable else None,
        "day": chosen_day,
        "week_start": week_start,
        "slots": [
            {
                "value": slot.value,
                "start": slot.start,
                "id": f"slot-{index}",
                "checked": slot.value == selected,
            }
            for index, slot in enumerate(slots)
        ],
        "clock_change": availability.day_has_clock_change(chosen_day, rules.zone),
        "zone_name": rules.time_zone,
        "rules": rules,
        "form": form,
        "drafted_gone": drafted_gone,
        "errors": _error_summary(
            form,
            {
                "start": "slot-0" if slots else "times",
                "client_name": "id_client_name",
                "email": "id_email",
                "phone": "id_phone",
                "note": "id_note",
            },
        ),
    }
    response = render(request, "clinic/booking_times.html", context)
    return ratelimit.refuse(response, refused_for) if refused_for else response


@never_cache
def sent(request):
    reference = request.session.get(SUBMITTED_KEY)
    if not reference:
        return redirect("booking_start")
    request_obj = get_object_or_404(
        BookingRequest.objects.select_related("service", "requested_therapist"),
        reference=reference,
    )
    return render(
        request,
        "clinic/booking_sent.html",
        {
            "booking": request_obj,
            "manage_url": manage_path(reference),
            "Status": BookingStatus,
        },
    )


# --- /book/<reference>/ ------------------------------------------------------------------------

CLIENT_ACTIONS = {
    "cancel": booking.cancel_by_client,
    "accept": booking.accept_proposal,
    "decline": booking.decline_proposal,
}
DONE_MESSAGES = {
    "cancel": lambda: _("Done: it is cancelled. We have sent you an email."),
    "accept": lambda: _("Thank you: your appointment is confirmed. We have sent you an email."),
    "decline": lambda: _(
        "Thank you for letting us know. We will suggest another time or get in touch."
    ),
}


def allowed_actions(request_obj: BookingRequest, now, rules) -> list[str]:
    actions = []
    if request_obj.status == BookingStatus.PROPOSED:
        actions += ["accept", "decline"]
    if booking.cancellable_by_client(request_obj, now, rules):
        actions.append("cancel")
    return actions


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, reference: str):
    token = request.POST.get("token") if request.method == "POST" else request.GET.get("token")
    if not token_is_valid(reference, token or ""):
        raise Http404("No such booking request.")
    request_obj = get_object_or_404(
        BookingRequest.objects.select_related("service", "therapist", "requested_therapist"),
        reference=reference,
    )
    rules = ClinicSettings.load()
    now = timezone.now()
    actions = allowed_actions(request_obj, now, rules)
    here = manage_path(reference)

    if request.method == "POST":
        action = request.POST.get("action")
        if action == "delete_my_data":
            privacy.request_deletion(request_obj)
            messages.success(
                request,
                _(
                    "We have your request to delete your data. The clinic will carry it out "
                    "and confirm by email."
                ),
            )
            return HttpResponseRedirect(here)
        if action not in CLIENT_ACTIONS:
            messages.error(request, _("Choose one of the buttons on this page."))
            return HttpResponseRedirect(here)
        try:
            CLIENT_ACTIONS[action](request_obj, now=now)
        except booking.BookingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, DONE_MESSAGES[action]())
        return HttpResponseRedirect(here)

    focus = request.GET.get("action")
    return render(
        request,
        "clinic/booking_manage.html",
        {
            "booking": request_obj,
            "token": token,
            "actions": actions,
            "focus": focus if focus in actions else None,
            "focus_refused": focus in CLIENT_ACTIONS and focus not in actions,
            "page_url": here,
            "rules": rules,
            "zone_name": rules.time_zone,
            "after_cutoff": request_obj.status == BookingStatus.CONFIRMED
            and "cancel" not in actions,
            "answer_by": request_obj.status_changed_at + rules.request_expiry,
            "Status": BookingStatus,
            "book_url": reverse("booking_start"),
            "deletion_pending": request_obj.deletion_requests.filter(
                status=DataDeletionRequest.Status.PENDING
            ).exists(),
        },
    )
