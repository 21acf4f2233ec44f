"""The page shown when sign-in is paused after too many wrong passwords (django-axes calls
`locked_out`)."""

from django.conf import settings
from django.shortcuts import render


def locked_out(request, credentials, *args, **kwargs):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response = render(request, "admin/locked_out.html", {"cooloff_minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
