"""The back office: Django's admin, reachable only with a password AND a second factor."""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import path, resolve, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from clinic.core import ratelimit
from clinic.staff import lockout, passkeys, two_factor


class ClinicAdminSite(admin.AdminSite):
    site_header = _("Unknot back office")
    site_title = _("Unknot back office")
    index_title = _("Clinic administration")
    # No sidebar: on a therapist's tablet (1024 px) every list and the week calendar get the
    # whole width. The Today page, the breadcrumbs and "All sections" lead everywhere.
    enable_nav_sidebar = False

    def has_permission(self, request):
        return super().has_permission(request) and request.user.is_verified()

    def login(self, request, extra_context=None):
        if two_factor.needs_second_factor(request.user):
            return redirect(self.second_factor_url(request.GET.get("next", "")))
        if request.method == "POST":
            # Many usernames tried from one address (password spraying): django-axes locks one
            # username at one address; this caps every attempt from the address.
            wait = ratelimit.acquire(ratelimit.STAFF_SIGN_IN, request)
            if wait is not None:
                return lockout.too_many_attempts(request, wait)
        return super().login(request, extra_context)

    def second_factor_url(self, next_url: str = "") -> str:
        url = reverse(f"{self.name}:second_factor")
        return f"{url}?{urlencode({'next': next_url})}" if next_url else url

    def index(self, request, extra_context=None):
        """The back office opens on the signed-in person's working day (the page named
        "backoffice_today"; staff sign-in knows it by URL name only). It is shown here rather
        than redirected to, so that /admin/ stays the address to bookmark; every section of
        the admin is at apps/ ("All sections")."""
        match = resolve(reverse("backoffice_today"))
        return match.func(request, *match.args, **match.kwargs)

    def all_sections(self, request, extra_context=None):
        """Django's own index: every app and model the user may open."""
        return super().index(request, extra_context)

    def get_urls(self):
        return [
            path("apps/", self.admin_view(self.all_sections), name="all_sections"),
            path("second-factor/", two_factor.second_factor, name="second_factor"),
            path("second-factor/backup-codes/", two_factor.backup_codes, name="backup_codes"),
            path("second-factor/sign-out/", two_factor.sign_out, name="second_factor_sign_out"),
            path("second-factor/passkeys/", passkeys.manage, name="passkeys"),
            *super().get_urls(),
        ]
