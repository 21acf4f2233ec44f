"""The working day's pages, mounted by the project under the admin's address (before the
admin's own URLs) and wrapped by the admin: signed in with both factors, staff only."""

from django.contrib import admin
from django.urls import path, re_path

from clinic.backoffice import door_check, views
from clinic.booking.models import REFERENCE_REGEX

urlpatterns = [
    path("", admin.site.admin_view(views.today), name="backoffice_today"),
    path("calendar/", admin.site.admin_view(views.calendar_day), name="backoffice_calendar"),
    path(
        "calendar/week/",
        admin.site.admin_view(views.calendar_week),
        name="backoffice_calendar_week",
    ),
    re_path(
        rf"^door-check/(?P<reference>{REFERENCE_REGEX})/$",
        admin.site.admin_view(door_check.door_check),
        name="backoffice_door_check",
    ),
]
