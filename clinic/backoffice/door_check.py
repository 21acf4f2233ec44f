"""The door check: the pre-visit re-check asked on the therapist's tablet when the client
arrives (spec section 3, rule 6: the check-first questions at the start of every visit).

The same forms, the same recording and the same outcomes as the client's link
(clinic/booking/recheck.py): changes are none unless the therapist ticks what the client
reports, and then their questions follow on a second step. Staff only, and only those who may
read intakes (intake.view_intake) and bookings. The answers wait between the steps in the
session under DOOR_KEY, never in the address; the result page shows the outcome, not the
answers (those are in the intake, where every view is recorded).
"""

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from clinic.booking import recheck as rechecking
from clinic.booking.models import BookingRequest
from clinic.booking.recheck_forms import ChangesForm, StartForm
from clinic.booking.views.recheck import emergency_now, form_context, start_initial
from clinic.core.form_guard import without_control_characters

DOOR_KEY = "backoffice_door_check"
DONE_KEY = "backoffice_door_check_done"
PERMISSIONS = ("intake.view_intake", "clinic.view_bookingrequest")


def _saved(request, reference: str) -> dict | None:
    stored = request.session.get(DOOR_KEY)
    if not isinstance(stored, dict) or stored.get("reference") != reference:
        return None
    if timezone.now().timestamp() - stored.get("updated_at", 0) > (
        settings.INTAKE_IDLE_MINUTES * 60
    ):
        request.session.pop(DOOR_KEY, None)
        return None
    return stored


def _here(reference: str, step: int | None = None) -> str:
    path = reverse("backoffice_door_check", args=[reference])
    return f"{path}?step={step}" if step else path


def _page(request, booking, **context):
    return render(
        request,
        "admin/backoffice/door_check.html",
        {
            **admin.site.each_context(request),
            "title": _("Door check for %(reference)s") % {"reference": booking.reference},
            "booking": booking,
            "local_start": timezone.localtime(booking.shown_start),
            **context,
        },
    )


def _send(request, booking, answers: dict, changes, signature: str):
    request.session.pop(DOOR_KEY, None)
    try:
        rechecking.record(
            booking,
            answers,
            changes,
            signature=without_control_characters(signature),
            shown_in=booking.language,
            by=request.user,
        )
    except rechecking.RecheckClosed:
        return HttpResponseRedirect(_here(booking.reference))
    request.session[DONE_KEY] = booking.reference
    return HttpResponseRedirect(_here(booking.reference))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def door_check(request, reference: str):
    if not all(request.user.has_perm(permission) for permission in PERMISSIONS):
        raise PermissionDenied
    booking = get_object_or_404(
        BookingRequest.objects.select_related("service", "therapist", "intake"),
        reference=reference,
    )
    if request.session.get(DONE_KEY) == reference and request.method == "GET":
        request.session.pop(DONE_KEY)
        outcome = rechecking.outcome_of(booking, booking.intake)
        return _page(request, booking, done=True, outcome=outcome)
    now = timezone.now()
    closed = (
        booking.status not in rechecking.RECHECK_STATUSES
        or booking.intake is None
        or (booking.start is not None and (booking.end or booking.start) <= now)
    )
    if closed:
        request.session.pop(DOOR_KEY, None)
        return _page(request, booking, closed=True)

    stored = _saved(request, reference)
    step = request.POST.get("step") if request.method == "POST" else request.GET.get("step")
    if step == "2" and stored and stored["changes"]:
        if request.method == "POST" and request.POST.get("action") == "back":
            return HttpResponseRedirect(_here(reference))
        form = ChangesForm(stored["changes"], request.POST or None)
        if request.method == "POST" and form.is_valid():
            answers = {**stored["answers"], **form.answers()}
            return _send(request, booking, answers, stored["changes"], stored["signature"])
        return _page(request, booking, **form_context(form, 2), signature=stored["signature"])

    if request.method == "POST" and step == "1":
        form = StartForm(request.POST, at_door=True)
        if form.is_valid():
            answers = form.answers()
            changes = form.cleaned_data["changes"]
            if not changes or emergency_now(booking, answers):
                return _send(request, booking, answers, changes, form.cleaned_data["signature"])
            request.session[DOOR_KEY] = {
                "reference": reference,
                "answers": answers,
                "changes": changes,
                "signature": form.cleaned_data["signature"],
                "updated_at": now.timestamp(),
            }
            return HttpResponseRedirect(_here(reference, 2))
    else:
        form = StartForm(initial=start_initial(stored), at_door=True)
    return _page(request, booking, **form_context(form, 1))
