"""/book/: choose a session, then a time, then give your details and send the request.

The steps: `choose` (a GET form) until a session and therapist are chosen; then the time page
(views/times.py: GET links and a GET jump to a date, and a POST form with the times). A chosen
time is kept in the session's draft. A client without a pre-visit check is sent to it from
there and comes back to /book/; a client with one goes on to the details step
(views/details.py), which shows what they are requesting and the cancellation policy, and
sends the request (`send`). What a request may become is pipeline.py's business."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from clinic.booking import availability, pipeline
from clinic.booking.forms import ANY_THERAPIST, BookingForm, ChooseServiceForm, ChooseTimeForm
from clinic.booking.views.details import details_page_context, typed_details
from clinic.booking.views.gate import Gate, intake_gate
from clinic.booking.views.times import time_page_context
from clinic.core import form_guard, ratelimit
from clinic.core.models import ClinicSettings
from intake import session as intake_session

DRAFT_KEY = "booking_draft"
SUBMITTED_KEY = "booking_submitted"
DETAILS_STEP = "details"


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
    rules = ClinicSettings.load()
    now = timezone.now()
    posted_details = request.method == "POST" and request.POST.get("step") == DETAILS_STEP
    if posted_details and request.POST.get("change") in ("time", "session"):
        return change_choice(request, rules=rules)
    resuming = request.method == "GET" and not request.GET and bool(draft.get("start"))
    if gate.state != "none" and (posted_details or resuming):
        return details_step(request, gate, draft, now=now, rules=rules)

    source = request.POST if request.method == "POST" else request.GET
    if resuming:
        source = draft  # back from the pre-visit check before it was done: their choice
    choice = _choice_form(request, source)
    if not choice.is_bound or not choice.is_valid():
        return _choose_page(request, choice, gate)

    form = ChooseTimeForm(request.POST if request.method == "POST" else None)
    if (
        request.method == "POST"
        and form.is_valid()
        and keep_time(request, choice, form, draft, now=now, rules=rules)
    ):
        return to_the_check(request) if gate.state == "none" else redirect("booking_start")
    context = time_page_context(
        request, choice, form, source=source, draft=draft, now=now, rules=rules
    )
    return render(request, "clinic/booking_times.html", {**context, "gate": gate})


def _choice_form(request, source) -> ChooseServiceForm:
    if "change" in request.GET:  # back to step one, with their choice selected
        return ChooseServiceForm(
            initial={k: request.GET.get(k) for k in ("service", "therapist") if k in request.GET}
        )
    return ChooseServiceForm(source if "service" in source else None)


def _choose_page(request, choice: ChooseServiceForm, gate: Gate):
    values = choice.data if choice.is_bound else choice.initial
    services = choice.services
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


def keep_time(request, choice: ChooseServiceForm, form, draft: dict, *, now, rules) -> bool:
    """Keep the chosen time in the draft (with any details typed before a change of time).
    False, with the message on the form, when the time is no longer open."""
    service, start = choice.cleaned_data["service"], form.cleaned_data["start"]
    found = availability.find_slot(
        service,
        choice.chosen_therapist(),
        start,
        now=now,
        rules=rules,
        therapists=choice.therapists,
    )
    if isinstance(found, availability.Unavailable):
        form.add_error("start", pipeline.slot_error(found, rules).message)
        return False
    kept = {
        "service": service.slug,
        "therapist": choice.cleaned_data["therapist"],
        "start": availability.slot_value(start),
    }
    if draft.get("details"):
        kept["details"] = draft["details"]
    request.session[DRAFT_KEY] = kept
    return True


def to_the_check(request):
    """No pre-visit check yet: the chosen time is kept, and the check brings the client back
    here when it is done."""
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


def change_choice(request, *, rules):
    """ "Change the time" or "Change session or therapist" on the details step: what the client
    typed goes into the draft, and comes back on the details step once they have chosen."""
    data = request.POST
    service, therapist = data.get("service", ""), data.get("therapist", "")
    start = availability.parse_slot_value(data.get("start"))
    draft = {"service": service, "therapist": therapist, "details": typed_details(data)}
    query = {"service": service, "therapist": therapist}
    if start is not None:
        draft["start"] = availability.slot_value(start)
        query["day"] = timezone.localtime(start, rules.zone).date().isoformat()
    if data.get("change") == "session":
        query = {"service": service, "therapist": therapist, "change": "1"}
    request.session[DRAFT_KEY] = draft
    return redirect(f"{reverse('booking_start')}?{urlencode(query)}")


def details_step(request, gate: Gate, draft: dict, *, now, rules):
    """The details page (GET: back with a kept time; POST: sending it)."""
    if request.method == "POST":
        choice = ChooseServiceForm(request.POST)
        form = BookingForm(request.POST)
    else:
        choice = ChooseServiceForm(draft)
        form = None
    if not choice.is_valid():
        return _choose_page(request, choice, gate)

    if form is None:
        start = availability.parse_slot_value(draft.get("start"))
        found = (
            availability.find_slot(
                choice.cleaned_data["service"],
                choice.chosen_therapist(),
                start,
                now=now,
                rules=rules,
                therapists=choice.therapists,
            )
            if start is not None
            else availability.Unavailable.TAKEN
        )
        if isinstance(found, availability.Unavailable):
            # The kept time was taken meanwhile: the time page says so, with that day's times.
            context = time_page_context(
                request, choice, ChooseTimeForm(), source=draft, draft=draft, now=now, rules=rules
            )
            return render(request, "clinic/booking_times.html", {**context, "gate": gate})
        form = BookingForm(
            initial={
                "start": draft["start"],
                **_contact_initial(gate),
                **draft.get("details", {}),
            }
        )

    refused_for = None
    if form.is_bound and form.is_valid():
        response, refused_for = send(request, choice, form, gate, now=now)
        if response is not None:
            return response
    start = availability.parse_slot_value(
        form.data.get("start") if form.is_bound else draft.get("start")
    )
    context = details_page_context(choice, form, start=start, now=now, rules=rules)
    response = render(request, "clinic/booking_request.html", {**context, "gate": gate})
    return ratelimit.refuse(response, refused_for) if refused_for else response


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
