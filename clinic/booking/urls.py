from django.urls import include, path, re_path

from clinic.booking.models import REFERENCE_REGEX
from clinic.booking.views import book, manage, sent

urlpatterns = [
    path("", book.book, name="booking_start"),
    path("sent/", sent.sent, name="booking_sent"),
    re_path(rf"^(?P<reference>{REFERENCE_REGEX})/$", manage.manage, name="booking_manage"),
    path("", include("clinic.booking.recheck_urls")),
]
