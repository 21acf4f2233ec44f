"""/my/: a client's appointments through a timed link (views/my.py). Included by clinic/urls.py
as path("my/", include("clinic.booking.my_urls"))."""

from django.urls import path, re_path

from clinic.booking.models import REFERENCE_REGEX
from clinic.booking.views import my

urlpatterns = [
    path("", my.request_link, name="my_request"),
    path("sent/", my.sent, name="my_sent"),
    path("appointments/", my.appointments, name="my_appointments"),
    re_path(
        rf"^appointments/(?P<reference>{REFERENCE_REGEX})\.ics$",
        my.calendar,
        name="my_calendar",
    ),
]
