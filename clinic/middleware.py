import zoneinfo

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from clinic.models import ClinicSettings


def clinic_time_zone(get_response):
    """Show every time in the clinic's own zone, as set in the admin.

    When the database cannot be read, the default zone is used so that /healthz and the error
    pages can still answer.
    """

    def middleware(request):
        try:
            zone = ClinicSettings.load().time_zone
        except DatabaseError:
            zone = settings.TIME_ZONE
        timezone.activate(zoneinfo.ZoneInfo(zone))
        try:
            return get_response(request)
        finally:
            timezone.deactivate()

    return middleware


def permissions_policy(get_response):
    """No page may use the camera, microphone, location or payment APIs."""

    def middleware(request):
        response = get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware
