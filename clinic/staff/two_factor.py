"""The second factor for staff: enrol an authenticator app (QR code drawn on our own server),
receive backup codes once, and enter a code at every sign-in.

Enrolment: each session that reaches the set-up page gets its own fresh secret, kept only in
that (server-side) session. No device row exists until a code from the app confirms it, so a
second session signing in with the same password never sees the first one's secret, and only
the secret that is confirmed first is kept. The user is emailed when a device is set up or
removed (tasks.py, enqueued inside the change's transaction), with no secret or code in it.

Sign-in: django-otp's back-off doubles the pause after each wrong code; `verify_sign_in` caps it
at OTP_THROTTLE_MAX_SECONDS and tells the person how long to wait instead of failing silently.
"""

import math
from base64 import b32encode

import segno
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model, logout
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from clinic.staff import passkeys, tasks

BACKUP_CODE_COUNT = 10
BACKUP_CODES_SESSION_KEY = "two_factor_new_backup_codes"
ENROLMENT_SESSION_KEY = "two_factor_enrolment"  # {"user": pk, "key": hex}: this session's only
DEVICE_NAME = "Authenticator app"
DEFAULT_MAX_WAIT_SECONDS = 300  # unless OTP_THROTTLE_MAX_SECONDS says otherwise
WAIT_NOTICE_SECONDS = 5  # after a wrong code, a pause this long or longer is announced


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


def wait_message(seconds: int) -> str:
    return ngettext(
        "Too many wrong codes. Please wait %(seconds)d second and try again.",
        "Too many wrong codes. Please wait %(seconds)d seconds and try again.",
        seconds,
    ) % {"seconds": seconds}


@never_cache
@sensitive_post_parameters("token")
def second_factor(request):
    if not request.user.is_authenticated or not request.user.is_staff:
        return redirect("admin:login")
    if not needs_second_factor(request.user):
        return redirect(_next_url(request))
    user = request.user
    # Enrol when there is no confirmed authenticator, even if old backup codes remain (a
    # superuser removed a lost phone): enrolment replaces them.
    enrolling = not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    pending = _pending_device(request) if enrolling else None
    if not enrolling:
        request.session.pop(ENROLMENT_SESSION_KEY, None)  # another session enrolled first

    form = CodeForm(request.POST or None)
    wait = 0
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        if enrolling:
            device = _confirm(pending, token) if _matches(pending, token) else None
            if device is not None:
                request.session.pop(ENROLMENT_SESSION_KEY, None)
                login(request, device)
                request.session[BACKUP_CODES_SESSION_KEY] = device.new_backup_codes
                return redirect("admin:backup_codes")
            if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                # Another session confirmed first: this session's secret is void; sign in.
                request.session.pop(ENROLMENT_SESSION_KEY, None)
                enrolling, pending = False, None
            _wrong_code(form)
        else:
            device, wait = verify_sign_in(user, token)
            if device is not None:
                login(request, device)
                return redirect(_next_url(request))
            if not wait:
                _wrong_code(form)
                pause = seconds_to_wait_for(user)
                if pause >= WAIT_NOTICE_SECONDS:
                    form.add_error("token", wait_message(pause))
            else:
                form.add_error("token", wait_message(wait))

    context = {
        **admin.site.each_context(request),
        "title": _("Set up two-step sign-in") if enrolling else _("Two-step sign-in"),
        "form": form,
        "device": pending,
        "qr_svg": _qr_svg(pending.config_url) if pending else "",
        "secret": _grouped(pending.bin_key) if pending else "",
        "next": _next_url(request),
        "passkey": not enrolling and passkeys.has_passkey(user),
    }
    template = "admin/two_factor/second_factor.html"
    response = TemplateResponse(request, template, context, status=429 if wait else 200)
    if wait:
        response["Retry-After"] = str(wait)
    return response


def _wrong_code(form) -> None:
    form.add_error(
        "token",
        _("That code did not work. Check the time on your phone and try the newest code."),
    )


# --- enrolment -------------------------------------------------------------------------------


def _pending_device(request) -> TOTPDevice:
    """This session's enrolment: an unsaved device around a secret made for this session alone."""
    pending = request.session.get(ENROLMENT_SESSION_KEY)
    if not pending or pending.get("user") != request.user.pk:
        pending = {"user": request.user.pk, "key": random_hex(20)}
        request.session[ENROLMENT_SESSION_KEY] = pending
    return TOTPDevice(user=request.user, name=DEVICE_NAME, key=pending["key"], confirmed=False)


def _matches(device: TOTPDevice, token: str) -> bool:
    """Check a code against the unsaved device (its verify_token() would save the row)."""
    if not token.isdigit():
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if not totp.verify(int(token), device.tolerance):
        return False
    device.last_t, device.drift = totp.t(), totp.drift  # the code cannot be used again
    return True


def _confirm(pending: TOTPDevice, token: str) -> TOTPDevice | None:
    """Keep the pending device and issue new backup codes, unless another session got there
    first (the user's row is locked, so two sessions cannot both confirm)."""
    user = pending.user
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        devices = TOTPDevice.objects.filter(user=user)
        if devices.filter(confirmed=True).exists():
            return None
        devices.delete()  # unconfirmed rows left by the old enrolment, secrets and all
        pending.confirmed = True
        pending.set_last_used_timestamp(commit=False)
        pending.save()
        backup, _created = StaticDevice.objects.get_or_create(user=user, name="Backup codes")
        backup.token_set.all().delete()
        backup.throttle_reset(commit=False)
        backup.confirmed = True
        backup.save()
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=backup, token=code) for code in codes)
        tasks.send_two_factor_enrolled.enqueue(user.pk, timezone.now().isoformat())
    pending.new_backup_codes = codes
    return pending


def _grouped(key: bytes) -> str:
    text = b32encode(key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def tell_of_removed_device(sender, instance: TOTPDevice, **kwargs) -> None:
    """A confirmed authenticator was removed (a superuser, for a lost phone): tell its owner.
    Connected to post_delete by StaffConfig.ready(), so it holds however the device goes.
    post_delete runs inside the deletion's transaction, so the email goes only if it commits."""
    if instance.confirmed:
        tasks.send_two_factor_reset.enqueue(instance.user_id, timezone.now().isoformat())


# --- sign-in, with a capped back-off ---------------------------------------------------------


def _max_wait() -> int:
    return int(getattr(settings, "OTP_THROTTLE_MAX_SECONDS", DEFAULT_MAX_WAIT_SECONDS))


def _delay(device, failures: int) -> float:
    """django-otp's pause after `failures` wrong codes (factor * 2^(n-1)), capped."""
    factor = device.get_throttle_factor()
    if factor <= 0 or failures <= 0:
        return 0
    return min(factor * 2 ** min(failures - 1, 64), _max_wait())


def seconds_to_wait(device, now=None) -> int:
    if not device.throttling_failure_timestamp:
        return 0
    now = now or timezone.now()
    elapsed = (now - device.throttling_failure_timestamp).total_seconds()
    return max(0, math.ceil(_delay(device, device.throttling_failure_count) - elapsed))


def _sign_in_devices(user, lock: bool = False) -> list:
    totp, static = TOTPDevice.objects, StaticDevice.objects
    if lock:
        totp, static = totp.select_for_update(), static.select_for_update()
    return [*totp.filter(user=user, confirmed=True), *static.filter(user=user, confirmed=True)]


def seconds_to_wait_for(user, now=None) -> int:
    """How long this user's next code must wait (the longest pause of their devices)."""
    return max((seconds_to_wait(device, now) for device in _sign_in_devices(user)), default=0)


def _clamp_failures(device) -> None:
    """Lower the failure count to the most that django-otp's own uncapped check lets through
    once our capped pause is over, so the cap holds however many codes were wrong."""
    factor, cap = device.get_throttle_factor(), _max_wait()
    if factor <= 0:
        return
    most = 0
    while factor * 2**most <= cap:
        most += 1
    if device.throttling_failure_count > most:
        device.throttling_failure_count = most
        device.save(update_fields=["throttling_failure_count"])


def verify_sign_in(user, token: str, now=None) -> tuple[object | None, int]:
    """Check a code against the user's authenticator and backup codes, rows locked. Returns
    (the device that accepted it, 0), (None, seconds to wait) while paused, or (None, 0)."""
    with transaction.atomic():
        devices = _sign_in_devices(user, lock=True)
        wait = max((seconds_to_wait(device, now) for device in devices), default=0)
        if wait:
            return None, wait
        for device in devices:
            _clamp_failures(device)
        matched = next((device for device in devices if device.verify_token(token)), None)
        if matched is None:
            return None, 0
        for device in devices:  # every device counted the failures; a success clears them all
            if device is not matched and device.throttling_failure_count:
                device.throttle_reset()
        return matched, 0


# --- after enrolment, and signing out --------------------------------------------------------


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
