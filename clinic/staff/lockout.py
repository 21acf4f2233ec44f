"""The pages shown when sign-in is paused: too many wrong passwords for one account (django-axes
calls `locked_out`), or too many attempts from one address (`too_many_attempts`)."""

from django.conf import settings
from django.shortcuts import render


def locked_out(request, credentials, *args, **kwargs):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response = render(request, "admin/locked_out.html", {"cooloff_minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


def too_many_attempts(request, wait_seconds: int):
    minutes = max(1, -(-wait_seconds // 60))
    response = render(
        request,
        "admin/locked_out.html",
        {"cooloff_minutes": minutes, "from_address": True},
        status=429,
    )
    response["Retry-After"] = str(wait_seconds)
    return response
