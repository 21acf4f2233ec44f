"""Staff sessions: signed out after a quiet spell, and a clear page when sign-in is paused
after too many wrong passwords (django-axes calls `locked_out`)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

LAST_SEEN_KEY = "staff_last_seen"


def staff_idle_timeout(get_response):
    """End a staff session after STAFF_IDLE_MINUTES without a request."""

    def middleware(request):
        user = request.user
        if user.is_authenticated and user.is_staff:
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


def locked_out(request, credentials, *args, **kwargs):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response = render(request, "admin/locked_out.html", {"cooloff_minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
