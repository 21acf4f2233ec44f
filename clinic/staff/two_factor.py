"""The second factor for staff: enrol an authenticator app (QR code drawn on our own server),
receive backup codes once, and enter a code at every sign-in."""

from base64 import b32encode

import segno
from django import forms
from django.contrib import admin
from django.contrib.auth import logout
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login, match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODE_COUNT = 10
BACKUP_CODES_SESSION_KEY = "two_factor_new_backup_codes"


def needs_second_factor(user) -> bool:
    """Signed in with a password as active staff, but not yet with a second factor."""
    return user.is_authenticated and user.is_active and user.is_staff and not user.is_verified()


class CodeForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
        error_messages={"required": _("Enter the code.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split())


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("admin:index")


def _qr_svg(url: str) -> str:
    """An inline SVG QR code: made here, so the secret never goes to another site."""
    return mark_safe(segno.make(url, error="m").svg_inline(scale=5, dark="#1b1f24"))


@never_cache
@sensitive_post_parameters("token")
def second_factor(request):
    if not request.user.is_authenticated or not request.user.is_staff:
        return redirect("admin:login")
    if not needs_second_factor(request.user):
        return redirect(_next_url(request))
    user = request.user
    device = None
    # Enrol when there is no confirmed authenticator, even if old backup codes remain (a
    # superuser removed a lost phone): enrolment replaces them.
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)

    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        if device is not None:
            if device.verify_token(token):
                codes = _confirm(device)
                login(request, device)
                request.session[BACKUP_CODES_SESSION_KEY] = codes
                return redirect("admin:backup_codes")
        else:
            matched = match_token(user, token)
            if matched is not None:
                login(request, matched)
                return redirect(_next_url(request))
        form.add_error(
            "token",
            _("That code did not work. Check the time on your phone and try the newest code."),
        )

    context = {
        **admin.site.each_context(request),
        "title": _("Set up two-step sign-in") if device else _("Two-step sign-in"),
        "form": form,
        "device": device,
        "qr_svg": _qr_svg(device.config_url) if device else "",
        "secret": _grouped(device.bin_key) if device else "",
        "next": _next_url(request),
    }
    return TemplateResponse(request, "admin/two_factor/second_factor.html", context)


def _confirm(device: TOTPDevice) -> list[str]:
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        backup, _created = StaticDevice.objects.get_or_create(user=device.user, name="Backup codes")
        backup.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=backup, token=code) for code in codes)
    return codes


def _grouped(key: bytes) -> str:
    text = b32encode(key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@never_cache
def backup_codes(request):
    """Shown once, straight after enrolment."""
    codes = request.session.pop(BACKUP_CODES_SESSION_KEY, None)
    if not codes or not request.user.is_authenticated or not request.user.is_verified():
        return redirect("admin:index")
    context = {**admin.site.each_context(request), "title": _("Your backup codes"), "codes": codes}
    return TemplateResponse(request, "admin/two_factor/backup_codes.html", context)


@require_POST
def sign_out(request):
    """Sign out from the second-step page (the admin's own logout needs both factors)."""
    logout(request)
    return redirect("admin:login")
