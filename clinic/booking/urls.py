from django.urls import include, path, re_path

from clinic.booking.models import REFERENCE_REGEX
from clinic.booking.views import book, cancel, manage, reschedule, sent

urlpatterns = [
    path("", book.book, name="booking_start"),
    path("sent/", sent.sent, name="booking_sent"),
    re_path(rf"^(?P<reference>{REFERENCE_REGEX})/$", manage.manage, name="booking_manage"),
    re_path(rf"^(?P<reference>{REFERENCE_REGEX})/cancel/$", cancel.cancel, name="booking_cancel"),
    re_path(
        rf"^(?P<reference>{REFERENCE_REGEX})/reschedule/$",
        reschedule.reschedule,
        name="booking_reschedule",
    ),
    re_path(
        rf"^(?P<reference>{REFERENCE_REGEX})/calendar\.ics$",
        manage.calendar,
        name="booking_calendar",
    ),
    path("", include("clinic.booking.recheck_urls")),
]
