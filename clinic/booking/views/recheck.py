"""/book/<reference>/recheck/?token=…: the pre-visit re-check, through the link in the reminder.

Step 1 asks the check-first questions, what has changed since the pre-visit check, and the
client's name as their signature; step 2, only when something changed, the catalogue's
questions for those changes. Answers travel by POST only; between the steps they wait in the
session under RECHECK_KEY (forgotten once sent, or after INTAKE_IDLE_MINUTES), never in the
address. An answer that means an emergency on step 1 is sent at once, so the clinic is told
while the client reads the 911 screen.

A link used again shows what was sent (and changes nothing); a link for a cancelled or past
booking says so and does nothing; a broken or altered link gets a page offering a new one.
The domain is clinic/booking/recheck.py; the forms recheck_forms.py.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from clinic.booking import recheck as rechecking
from clinic.booking import visit_checks
from clinic.booking.models import BookingRequest, BookingStatus
from clinic.booking.recheck_forms import ChangesForm, StartForm
from clinic.booking.tokens import (
    make_recheck_token,
    recheck_link_is_live,
    recheck_token_is_valid,
)
from clinic.core.form_guard import without_control_characters
from intake import recheck as domain
from intake import wording
from intake.triage import Level

RECHECK_KEY = "booking_recheck"
SENT_KEY = "booking_recheck_sent"


# --- the answers between the two steps (the session; nothing in the address) ------------------


def saved(request, reference: str) -> dict | None:
    stored = request.session.get(RECHECK_KEY)
    if not isinstance(stored, dict) or stored.get("reference") != reference:
        return None
    age = timezone.now().timestamp() - stored.get("updated_at", 0)
    if age > settings.INTAKE_IDLE_MINUTES * 60:
        forget(request)
        return None
    return stored


def save(request, reference: str, form: StartForm) -> None:
    request.session[RECHECK_KEY] = {
        "reference": reference,
        "answers": form.answers(),
        "changes": form.cleaned_data["changes"],
        "signature": form.cleaned_data["signature"],
        "updated_at": timezone.now().timestamp(),
    }


def forget(request) -> None:
    request.session.pop(RECHECK_KEY, None)


def emergency_now(booking: BookingRequest, answers: dict) -> bool:
    """The check-first answers alone already mean an emergency."""
    intake = booking.intake
    outcome = domain.recheck(intake.answers, intake.level, answers, [])
    return outcome.level == Level.EMERGENCY


def start_initial(stored: dict | None) -> dict:
    if not stored:
        return {}
    return {**stored["answers"], "changes": stored["changes"], "signature": stored["signature"]}


# --- the pages ----------------------------------------------------------------------------------


def _here(reference: str, **query) -> str:
    path = reverse("booking_recheck", args=[reference])
    return f"{path}?{urlencode({'token': make_recheck_token(reference), **query})}"


def _link_problem(request, problem: str, booking: BookingRequest | None = None, status=200):
    return render(
        request,
        "clinic/recheck_link.html",
        {"problem": problem, "booking": booking, "my_url": reverse("my_request")},
        status=status,
    )


def form_context(form, step: int) -> dict:
    """What recheck.html (and the door check) need to draw a step's form."""
    return {
        "form": form,
        "step": step,
        "rows": [(question, form[question.key]) for question in form.section.questions],
        "changes": domain.CHANGES,
    }


def _done(request, booking: BookingRequest, *, just_sent: bool):
    intake = booking.intake
    outcome = rechecking.outcome_of(booking, intake)
    context = {
        "booking": booking,
        "outcome": outcome,
        "just_sent": just_sent,
        "sent_at": intake.created_at,
        "changes": [
            domain.CHANGES_BY_KEY[key].label
            for key in intake.changes_reported
            if key in domain.CHANGES_BY_KEY
        ],
        "answers": [] if just_sent else rechecking.answers_sent(intake),
        "level": intake.level,
        "shown": wording.of_intake(intake, request.LANGUAGE_CODE),
        "Status": BookingStatus,
    }
    return render(request, "clinic/recheck_done.html", context)


def _send(request, booking: BookingRequest, answers: dict, changes, signature: str):
    try:
        rechecking.record(
            booking,
            answers,
            changes,
            signature=without_control_characters(signature),
            shown_in=request.LANGUAGE_CODE,
        )
    except rechecking.RecheckClosed:
        forget(request)
        return HttpResponseRedirect(_here(booking.reference))
    forget(request)
    request.session[SENT_KEY] = booking.reference
    return HttpResponseRedirect(_here(booking.reference))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def recheck(request, reference: str):
    token = request.POST.get("token") if request.method == "POST" else request.GET.get("token")
    if not recheck_token_is_valid(reference, token or ""):
        return _link_problem(request, "broken", status=404)
    booking = (
        BookingRequest.objects.select_related("service", "therapist", "intake")
        .filter(reference=reference)
        .first()
    )
    if booking is None:
        return _link_problem(request, "broken", status=404)
    now = timezone.now()
    if booking.status == BookingStatus.CANCELLED:
        forget(request)
        return _link_problem(request, "cancelled", booking, status=410)
    if booking.status not in rechecking.RECHECK_STATUSES or not recheck_link_is_live(
        booking, now=now
    ):
        forget(request)
        return _link_problem(request, "over", booking, status=410)
    if booking.intake is None:
        return _link_problem(request, "no_check", booking)
    if visit_checks.rechecked_for_visit(booking) is not None:
        just_sent = request.session.pop(SENT_KEY, None) == reference
        return _done(request, booking, just_sent=just_sent)

    stored = saved(request, reference)
    step = request.POST.get("step") if request.method == "POST" else request.GET.get("step")
    context = {"booking": booking, "token": token}

    if step == "2" and stored and stored["changes"]:
        if request.method == "POST" and request.POST.get("action") == "back":
            return HttpResponseRedirect(_here(reference))
        form = ChangesForm(stored["changes"], request.POST or None)
        if request.method == "POST" and form.is_valid():
            answers = {**stored["answers"], **form.answers()}
            return _send(request, booking, answers, stored["changes"], stored["signature"])
        return render(
            request,
            "clinic/recheck.html",
            {**context, **form_context(form, 2), "signature": stored["signature"]},
        )

    if request.method == "POST" and step == "2":
        # The first answers were forgotten (left too long, or another device): start again.
        form = StartForm(initial=start_initial(stored))
        return render(
            request, "clinic/recheck.html", {**context, **form_context(form, 1), "restart": True}
        )

    if request.method == "POST":
        form = StartForm(request.POST)
        if form.is_valid():
            answers = form.answers()
            changes = form.cleaned_data["changes"]
            if not changes or emergency_now(booking, answers):
                return _send(request, booking, answers, changes, form.cleaned_data["signature"])
            save(request, reference, form)
            return HttpResponseRedirect(_here(reference, step=2))
    else:
        form = StartForm(initial=start_initial(stored))
    return render(request, "clinic/recheck.html", {**context, **form_context(form, 1)})
