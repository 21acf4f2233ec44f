"""/book/<reference>/cancel/: cancelling with care, through the booking's own link.

GET shows what would be cancelled, the clinic's policy and cutoff in plain words, an optional
reason and the two choices ("Yes, cancel it", "Keep my appointment"). Past the cutoff there is
no button: the clinic's phone number instead. The POST goes through pipeline.cancel_by_client;
a second POST (a double click, a resent page) changes nothing and shows the cancelled booking.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from clinic.booking import pipeline
from clinic.booking.forms import ClientCancelForm
from clinic.booking.models import BookingStatus
from clinic.booking.tokens import manage_path
from clinic.booking.views.manage import open_link, own_page
from clinic.booking.views.times import zone_in_words
from clinic.core.models import ClinicSettings


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request, reference: str):
    rules = ClinicSettings.load()
    now = timezone.now()
    booking, token, ended = open_link(request, reference, now=now)
    if ended is not None:
        return ended
    back = manage_path(reference)
    if booking.status not in pipeline.ALLOWED_FROM["cancel_by_client"]:
        if booking.status == BookingStatus.CANCELLED:
            messages.info(request, _("This booking is already cancelled. Nothing else changed."))
        else:
            messages.info(
                request,
                _("This booking is “%(status)s”, so there is nothing to cancel.")
                % {"status": booking.get_status_display()},
            )
        return redirect(back)
    allowed = pipeline.cancellable_by_client(booking, now, rules)
    form = ClientCancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and allowed and form.is_valid():
        try:
            pipeline.cancel_by_client(booking, reason=form.cleaned_data["reason"], now=now)
        except pipeline.BookingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Done: it is cancelled. We have sent you an email."))
        return redirect(back)
    return render(
        request,
        "clinic/booking_cancel.html",
        {
            "booking": booking,
            "token": token,
            "form": form,
            "allowed": allowed,
            "confirmed": booking.status == BookingStatus.CONFIRMED,
            "free_until": booking.start - rules.cancellation_cutoff
            if booking.status == BookingStatus.CONFIRMED
            else None,
            "rules": rules,
            "Status": BookingStatus,
            "zone_words": zone_in_words(rules.time_zone),
            "page_url": own_page("booking_cancel", reference),
            "back_url": back,
        },
        status=400 if form.is_bound and form.errors else 200,
    )
