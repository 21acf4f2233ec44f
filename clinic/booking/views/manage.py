"""/book/<reference>/: the client's own request, reached through the signed link in their
email: see it, accept or decline a proposed time, add it to a calendar, change its time
(views/reschedule.py), cancel it after a confirmation step (views/cancel.py), or ask for their
data to go.

A forged link is a 404. A genuine link past its end (tokens.link_ends_at) gets a 410 page saying
how to reach the clinic instead, and does nothing, whatever it was asked to do."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from clinic.booking import emails, pipeline, privacy
from clinic.booking.models import BookingRequest, BookingStatus, DataDeletionRequest
from clinic.booking.tokens import link_is_live, manage_path, token_is_valid
from clinic.booking.views.times import zone_in_words
from clinic.core.models import ClinicSettings

CLIENT_ACTIONS = {
    "accept": pipeline.accept_proposal,
    "decline": pipeline.decline_proposal,
}
# Actions with a page of their own: a link (or an old email's ?action=) leads there.
OWN_PAGES = {"cancel": "booking_cancel", "reschedule": "booking_reschedule"}
DONE_MESSAGES = {
    "accept": lambda: _("Thank you: your appointment is confirmed. We have sent you an email."),
    "decline": lambda: _(
        "Thank you for letting us know. We will suggest another time or get in touch."
    ),
}


def allowed_actions(booking: BookingRequest, now, rules) -> list[str]:
    actions = []
    if booking.status == BookingStatus.PROPOSED:
        actions += ["accept", "decline"]
    if pipeline.changeable_by_client(booking, now, rules):
        actions.append("reschedule")
    if pipeline.cancellable_by_client(booking, now, rules):
        actions.append("cancel")
    return actions


def own_page(name: str, reference: str) -> str:
    """The path of a page of the booking's link (cancel, reschedule, calendar), token included."""
    return manage_path(reference).replace(
        reverse("booking_manage", args=[reference]), reverse(name, args=[reference]), 1
    )


def open_link(request, reference: str, *, now):
    """The booking behind a link (`token` in the query, or in the form for a POST): a 404 for
    a forged one; (booking, token, None) for a genuine live one; (booking, token, response)
    with the 410 page for an ended one, which then changes nothing."""
    token = request.POST.get("token") if request.method == "POST" else request.GET.get("token")
    if not token_is_valid(reference, token or ""):
        raise Http404("No such booking request.")
    booking = get_object_or_404(
        BookingRequest.objects.select_related(
            "service", "therapist", "requested_therapist", "intake", "reschedules"
        ),
        reference=reference,
    )
    if link_is_live(booking, now=now):
        return booking, token, None
    response = render(
        request,
        "clinic/booking_link_expired.html",
        {
            "reference": booking.reference,
            "link_days": settings.BOOKING_LINK_DAYS_AFTER,
            "book_url": reverse("booking_start"),
        },
        status=410,
    )
    return booking, token, response


@never_cache
@require_safe
def calendar(request, reference: str):
    """A confirmed session as a calendar file (.ics), through the booking's own link."""
    booking, _token, ended = open_link(request, reference, now=timezone.now())
    if ended is not None:
        return ended
    if booking.status != BookingStatus.CONFIRMED:
        raise Http404("Only a confirmed appointment has a calendar file.")
    response = HttpResponse(emails.calendar_file(booking), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="{booking.reference}.ics"'
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, reference: str):
    rules = ClinicSettings.load()
    now = timezone.now()
    booking, token, ended = open_link(request, reference, now=now)
    if ended is not None:
        return ended
    actions = allowed_actions(booking, now, rules)
    here = manage_path(reference)

    if request.method == "POST":
        action = request.POST.get("action")
        if action in OWN_PAGES:
            # Cancelling and moving ask first, on their own page; a POST here changes nothing.
            return HttpResponseRedirect(own_page(OWN_PAGES[action], reference))
        if action == "delete_my_data":
            privacy.request_deletion(booking)
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
            CLIENT_ACTIONS[action](booking, now=now)
        except pipeline.BookingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, DONE_MESSAGES[action]())
        return HttpResponseRedirect(here)

    focus = request.GET.get("action")
    if focus in OWN_PAGES and focus in actions:
        return HttpResponseRedirect(own_page(OWN_PAGES[focus], reference))
    pending = (
        pipeline.open_reschedule(booking) if booking.status == BookingStatus.CONFIRMED else None
    )
    return render(
        request,
        "clinic/booking_manage.html",
        {
            "booking": booking,
            "token": token,
            "actions": actions,
            "focus": focus if focus in actions else None,
            "focus_refused": (focus in CLIENT_ACTIONS or focus in OWN_PAGES)
            and focus not in actions,
            "pending": pending,
            "pending_url": manage_path(pending.reference) if pending else None,
            "replaced_url": manage_path(booking.reschedules.reference)
            if booking.reschedules
            else None,
            "cancel_url": own_page("booking_cancel", reference),
            "reschedule_url": own_page("booking_reschedule", reference),
            "calendar_url": own_page("booking_calendar", reference),
            "page_url": here,
            "rules": rules,
            "zone_name": rules.time_zone,
            "zone_words": zone_in_words(rules.time_zone),
            "after_cutoff": booking.status == BookingStatus.CONFIRMED and "cancel" not in actions,
            "answer_by": booking.answer_due(rules),
            "Status": BookingStatus,
            "book_url": reverse("booking_start"),
            "deletion_pending": booking.deletion_requests.filter(
                status=DataDeletionRequest.Status.PENDING
            ).exists(),
        },
    )
