"""Every URL pattern of the project answers with the security headers, and the pages that
show intake or booking details are never stored by a browser or proxy."""

import datetime as dt
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.booking.tokens import manage_path
from education import publishing
from education.models import Article
from tests.booking.support import in_days
from tests.factories import make_booking, make_service, make_therapist

pytestmark = pytest.mark.django_db


def patterns(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def concrete(pattern: str, values: dict) -> str:
    """A real path for a pattern: parameters filled from `values`, regex groups resolved."""
    path = re.sub(r"\(\?P<app_label>([^|)]+)[^)]*\)", r"\1", pattern)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values.get(m.group(1), "1"), path)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), "1"), path)
    path = path.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + path


@pytest.fixture
def values():
    article = publishing.save_article(
        Article(
            title="Doorway stretch",
            slug="doorway-stretch",
            summary="How to.",
            body="## Steps\n\nStand in a doorway.",
            status=Article.Status.PUBLISHED,
            published_at=timezone.now() - dt.timedelta(days=1),
        )
    )
    service, therapist = make_service(), make_therapist()
    booking = make_booking("requested", service=service, therapist=therapist, start=in_days(3, 10))
    return {
        "slug": article.slug,
        "reference": booking.reference,
        "app_label": "clinic",
        "_token": manage_path(booking.reference).split("?", 1)[1],
    }


def test_every_url_pattern_sends_the_security_headers(admin_client, values):
    # Object pages point at the signed-in user's own authenticator (it exists; django-otp's
    # device pages fail on a missing one) and at nothing for the other models.
    device = TOTPDevice.objects.get()
    values |= {"object_id": str(device.pk), "pk": str(device.pk)}
    paths = [concrete(p, values) for p in patterns()]
    assert len(paths) > 100  # the admin's own patterns are included
    for path in paths:
        if path.startswith("/book/UNK-"):
            path = f"{path}?{values['_token']}"
        response = admin_client.get(path)
        assert response.status_code < 500, path
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "unsafe-inline" not in policy, path
        assert "frame-ancestors 'none'" in policy, path
        permissions = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()"):
            assert feature in permissions, path
        assert response["Referrer-Policy"] == "same-origin", path
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert response["X-Frame-Options"] == "DENY", path
        assert response["X-Request-ID"], path
        if path.startswith(("/intake/", "/book/", "/admin/")):
            assert "no-store" in response.get("Cache-Control", ""), path


def test_anonymous_visitors_get_the_headers_on_public_pages(client, values):
    for path in ("/", "/articles/", f"/articles/{values['slug']}/", "/intake/", "/book/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Permissions-Policy" in response and "Content-Security-Policy" in response
