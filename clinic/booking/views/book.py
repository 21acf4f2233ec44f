"""/book/: choose a session, then a time, then send the request.

The steps: `choose` (a GET form) until a session and therapist are chosen; then the time page.
A client without a pre-visit check is sent to it with their chosen time kept (`hold_for_check`);
with one, the time page also asks their details and sends the request (`send`). What a request
may become is pipeline.py's business."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from clinic.booking import availability, pipeline
from clinic.booking.forms import ANY_THERAPIST, BookingForm, ChooseServiceForm, ChooseTimeForm
from clinic.booking.views.gate import Gate, intake_gate
from clinic.booking.views.times import time_page_context
from clinic.core import form_guard, ratelimit
from clinic.core.models import ClinicSettings
from intake import session as intake_session

DRAFT_KEY = "booking_draft"
SUBMITTED_KEY = "booking_submitted"


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def book(request):
    if request.method == "POST" and form_guard.already_sent(request.POST, "booking"):
        # A double click or a resent page: the first sending counted, and it ended the
        # journey (the intake is no longer linked), so answer with its receipt.
        return redirect("booking_sent")
    gate = intake_gate(request)
    if gate.state == "emergency":
        return render(request, "clinic/booking_emergency.html")

    draft = request.session.get(DRAFT_KEY) or {}
    source = request.POST if request.method == "POST" else request.GET
    if request.method == "GET" and not request.GET and draft:
        source = draft  # back from the pre-visit check: restore their choice
    choice = _choice_form(request, source)
    if not choice.is_bound or not choice.is_valid():
        return _choose_page(request, choice, gate)

    rules = ClinicSettings.load()
    now = timezone.now()
    form_class = ChooseTimeForm if gate.state == "none" else BookingForm
    if request.method == "POST":
        form = form_class(request.POST)
    else:
        form = form_class(initial=_contact_initial(gate))

    refused_for = None
    if request.method == "POST" and form.is_valid():
        if gate.state == "none":
            response = hold_for_check(request, choice, form, now=now, rules=rules)
        else:
            response, refused_for = send(request, choice, form, gate, now=now)
        if response is not None:
            return response

    context = time_page_context(
        request, choice, form, source=source, draft=draft, now=now, rules=rules
    )
    response = render(request, "clinic/booking_times.html", {**context, "gate": gate})
    return ratelimit.refuse(response, refused_for) if refused_for else response


def _choice_form(request, source) -> ChooseServiceForm:
    if "change" in request.GET:  # back to step one, with their choice selected
        return ChooseServiceForm(
            initial={k: request.GET.get(k) for k in ("service", "therapist") if k in request.GET}
        )
    return ChooseServiceForm(source if "service" in source else None)


def _choose_page(request, choice: ChooseServiceForm, gate: Gate):
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
            "gate": gate,
        },
    )


def _contact_initial(gate: Gate) -> dict:
    if gate.intake is None:
        return {}
    return {"client_name": gate.intake.name, "email": gate.intake.email, "phone": gate.intake.phone}


def _language(request) -> str:
    """The language of this page view (emails follow the intake's preferred one first)."""
    code = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def hold_for_check(request, choice: ChooseServiceForm, form, *, now, rules):
    """No pre-visit check yet: keep the chosen time and send the client to the check, which
    brings them back here when it is done. None when the time is no longer open."""
    service, start = choice.cleaned_data["service"], form.cleaned_data["start"]
    found = availability.find_slot(service, choice.chosen_therapist(), start, now=now, rules=rules)
    if isinstance(found, availability.Unavailable):
        form.add_error("start", pipeline.slot_error(found, rules).message)
        return None
    request.session[DRAFT_KEY] = {
        "service": service.slug,
        "therapist": choice.cleaned_data["therapist"],
        "start": availability.slot_value(start),
    }
    intake_session.return_after_check(request, reverse("booking_start"))
    messages.info(
        request,
        _(
            "Before we can take your request, please answer the pre-visit check. "
            "Your chosen time is kept for when you come back (it is not held for "
            "you until you send the request)."
        ),
    )
    return redirect("intake:form")


def send(request, choice: ChooseServiceForm, form, gate: Gate, *, now):
    """Send the request once per rendered form and within the rate limit. Returns (response,
    None) when sent or already sent, (None, seconds) when refused for a while, (None, None)
    when the pipeline refused it (the message is on the form)."""
    admission = form_guard.admit(
        request,
        form,
        ratelimit.BOOKINGS,
        _(
            "Several booking requests were sent from this connection in the last hour. "
            "Your choices are kept: please send again in %(minutes)s minutes, or call us."
        ),
    )
    if admission.resent:
        return redirect("booking_sent"), None  # the same form sent twice: one request only
    if admission.wait is not None:
        return None, admission.wait
    try:
        created = pipeline.submit(
            service=choice.cleaned_data["service"],
            requested_therapist=choice.chosen_therapist(),
            requested_start=form.cleaned_data["start"],
            client_name=form.cleaned_data["client_name"],
            email=form.cleaned_data["email"],
            phone=form.cleaned_data["phone"],
            note=form.cleaned_data["note"],
            intake=gate.intake,
            language=gate.intake.language or _language(request),
            now=now,
        )
    except pipeline.BookingError as error:
        form_guard.give_back(request, form, ratelimit.BOOKINGS)
        form.add_error("start" if error.code.startswith("slot_") else None, error.message)
        return None, None
    request.session.pop(DRAFT_KEY, None)
    intake_session.forget_return(request)
    intake_session.forget_result(request)
    request.session[SUBMITTED_KEY] = {
        "reference": created.reference,
        "at": timezone.now().timestamp(),
    }
    return redirect("booking_sent"), None
