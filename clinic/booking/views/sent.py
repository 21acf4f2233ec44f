"""/book/sent/: the receipt for the request this browser just sent, shown for a short while
only (a shared tablet must not show it to the next person)."""

from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from clinic.booking.models import BookingRequest, BookingStatus
from clinic.booking.tokens import manage_path
from clinic.booking.views.book import SUBMITTED_KEY
from clinic.booking.views.times import zone_in_words
from clinic.core.models import ClinicSettings
from intake.session import still_shown


@never_cache
def sent(request):
    stored = request.session.get(SUBMITTED_KEY)
    if not still_shown(stored):
        request.session.pop(SUBMITTED_KEY, None)
        return redirect("booking_start")
    reference = stored["reference"]
    booking = get_object_or_404(
        BookingRequest.objects.select_related("service", "requested_therapist"),
        reference=reference,
    )
    return render(
        request,
        "clinic/booking_sent.html",
        {
            "booking": booking,
            "manage_url": manage_path(reference),
            "Status": BookingStatus,
            "zone_words": zone_in_words(ClinicSettings.load().time_zone),
        },
    )
