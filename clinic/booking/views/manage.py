"""/book/<reference>/: the client's own request, reached through the signed link in their
email: see it, accept or decline a proposed time, cancel, or ask for their data to go.

A forged link is a 404. A genuine link past its end (tokens.link_ends_at) gets a 410 page saying
how to reach the clinic instead, and does nothing, whatever it was asked to do."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from clinic.booking import pipeline, privacy
from clinic.booking.models import BookingRequest, BookingStatus, DataDeletionRequest
from clinic.booking.tokens import link_is_live, manage_path, token_is_valid
from clinic.booking.views.times import zone_in_words
from clinic.core.models import ClinicSettings

CLIENT_ACTIONS = {
    "cancel": pipeline.cancel_by_client,
    "accept": pipeline.accept_proposal,
    "decline": pipeline.decline_proposal,
}
DONE_MESSAGES = {
    "cancel": lambda: _("Done: it is cancelled. We have sent you an email."),
    "accept": lambda: _("Thank you: your appointment is confirmed. We have sent you an email."),
    "decline": lambda: _(
        "Thank you for letting us know. We will suggest another time or get in touch."
    ),
}


def allowed_actions(booking: BookingRequest, now, rules) -> list[str]:
    actions = []
    if booking.status == BookingStatus.PROPOSED:
        actions += ["accept", "decline"]
    if pipeline.cancellable_by_client(booking, now, rules):
        actions.append("cancel")
    return actions


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, reference: str):
    token = request.POST.get("token") if request.method == "POST" else request.GET.get("token")
    if not token_is_valid(reference, token or ""):
        raise Http404("No such booking request.")
    booking = get_object_or_404(
        BookingRequest.objects.select_related("service", "therapist", "requested_therapist"),
        reference=reference,
    )
    rules = ClinicSettings.load()
    now = timezone.now()
    if not link_is_live(booking, now=now):
        return render(
            request,
            "clinic/booking_link_expired.html",
            {
                "reference": booking.reference,
                "link_days": settings.BOOKING_LINK_DAYS_AFTER,
                "book_url": reverse("booking_start"),
            },
            status=410,
        )
    actions = allowed_actions(booking, now, rules)
    here = manage_path(reference)

    if request.method == "POST":
        action = request.POST.get("action")
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
    return render(
        request,
        "clinic/booking_manage.html",
        {
            "booking": booking,
            "token": token,
            "actions": actions,
            "focus": focus if focus in actions else None,
            "focus_refused": focus in CLIENT_ACTIONS and focus not in actions,
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
