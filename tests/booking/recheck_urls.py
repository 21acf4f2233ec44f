"""The project's URLs with the re-check's, for the re-check tests until clinic/booking/urls.py
includes clinic.booking.recheck_urls (then this adds nothing: the first match wins)."""

from django.urls import include, path

from clinic.urls import urlpatterns as project

urlpatterns = [path("book/", include("clinic.booking.recheck_urls")), *project]
