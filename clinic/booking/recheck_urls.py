"""/book/<reference>/recheck/: the pre-visit re-check through the reminder's link
(views/recheck.py). Included by clinic/booking/urls.py as
path("", include("clinic.booking.recheck_urls"))."""

from django.urls import re_path

from clinic.booking.models import REFERENCE_REGEX
from clinic.booking.views import recheck

urlpatterns = [
    re_path(
        rf"^(?P<reference>{REFERENCE_REGEX})/recheck/$", recheck.recheck, name="booking_recheck"
    ),
]
