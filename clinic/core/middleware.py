import time
import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import DatabaseError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from clinic.core.models import ClinicSettings


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


def signed_in(request) -> bool:
    """Whether a person is signed in, without loading a session for a visitor who has none:
    a response that looked at the session varies on Cookie, and no shared cache can keep it."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES and not request.session.modified:
        return False  # no session, and none started by this request (as signing in does)
    return request.user.is_authenticated


PRIVATE_PREFIXES = ("/intake/", "/book/", "/my/")
# The same pages in the other languages (/es/intake/…).
PRIVATE_PREFIXES += tuple(
    f"/{code}{prefix}" for code, _name in settings.LANGUAGES for prefix in PRIVATE_PREFIXES
)


def private_pages_not_stored(get_response):
    """Pages with intake or booking details, and everything staff see, are never stored by a
    browser or a proxy (the back button on a shared computer shows nothing)."""

    def middleware(request):
        response = get_response(request)
        if request.path.startswith(PRIVATE_PREFIXES) or signed_in(request):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response

    return middleware


LAST_SEEN_KEY = "staff_last_seen"


def staff_idle_timeout(get_response):
    """End a staff session after STAFF_IDLE_MINUTES without a request."""

    def middleware(request):
        user = request.user if signed_in(request) else None
        if user is not None and user.is_staff:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > settings.STAFF_IDLE_MINUTES * 60:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after %(minutes)s minutes without activity.")
                    % {"minutes": settings.STAFF_IDLE_MINUTES},
                )
                login = reverse("admin:login")
                return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
            if last_seen is None or now - last_seen > 30:
                request.session[LAST_SEEN_KEY] = now
        return get_response(request)

    return middleware
