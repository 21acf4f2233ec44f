"""Passkeys (WebAuthn, django-otp-webauthn) as a second factor beside the authenticator app.

A passkey never replaces the password: it is registered only by staff who are already signed
in with both factors (the Passkeys page), and it is offered at sign-in only on the second-step
page, to someone who has just given their password. The ceremony's scripts are the package's
own static files (the strict CSP allows 'self' only); its settings reach them in a JSON data
block. The owner is emailed when a passkey is added or removed (tasks.py, enqueued inside the
change's transaction), with nothing in it that could sign anyone in.
"""

from django.contrib import admin
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions
from django_otp_webauthn import views as webauthn
from django_otp_webauthn.models import WebAuthnCredential

from clinic.staff import tasks

URL_NAMESPACE = "otp_webauthn"  # the package's script tags reverse their endpoints by it


def has_passkey(user) -> bool:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


class NotStaff(exceptions.OTPWebAuthnApiError):
    status_code = 403
    code = "not_staff"
    default_detail = _("Passkeys are for the back office's staff.")


class NotSignedInWithBothFactors(exceptions.OTPWebAuthnApiError):
    status_code = 403
    code = "user_not_verified"
    default_detail = _("Sign in with your password and your authenticator app first.")


# --- registering: only staff already signed in with both factors -----------------------------


class _StaffRegistration:
    def check_can_register(self):
        user = self.request.user
        if not user.is_staff or not user.is_active:
            raise NotStaff()
        # The package lets someone with no device at all register without a second factor;
        # here a passkey is only ever added on top of a confirmed sign-in with both.
        if not user.is_verified():
            raise NotSignedInWithBothFactors()


class BeginRegistration(_StaffRegistration, webauthn.BeginCredentialRegistrationView):
    pass


class CompleteRegistration(_StaffRegistration, webauthn.CompleteCredentialRegistrationView):
    pass


# --- signing in: the second step after the password, never instead of it --------------------


class _SecondStep:
    def check_can_authenticate(self):
        user = self.request.user
        if not user.is_authenticated:
            raise exceptions.PasswordlessLoginDisabled()
        if not user.is_staff or not user.is_active:
            raise NotStaff()

    def get_success_url(self):
        target = self.request.GET.get("next") or ""
        safe = url_has_allowed_host_and_scheme(
            target, {self.request.get_host()}, self.request.is_secure()
        )
        return target if safe else reverse("admin:index")


class BeginAuthentication(_SecondStep, webauthn.BeginCredentialAuthenticationView):
    pass


class CompleteAuthentication(_SecondStep, webauthn.CompleteCredentialAuthenticationView):
    pass


urlpatterns = [
    path(
        "registration/begin/",
        BeginRegistration.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        CompleteRegistration.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        BeginAuthentication.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        CompleteAuthentication.as_view(),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]


# --- the Passkeys page: list, add, remove ----------------------------------------------------


@never_cache
def manage(request):
    """Staff signed in with both factors see their passkeys, add one, or remove one."""
    user = request.user
    if not user.is_authenticated or not user.is_staff or not user.is_verified():
        return redirect("admin:login")
    if request.method == "POST":
        passkey = get_object_or_404(WebAuthnCredential, pk=request.POST.get("remove"), user=user)
        passkey.delete()  # the post_delete signal emails the owner
        return redirect("admin:passkeys")
    passkeys = WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at")
    context = {
        **admin.site.each_context(request),
        "title": _("Passkeys"),
        "passkeys": passkeys,
    }
    return TemplateResponse(request, "admin/two_factor/passkeys.html", context)


# --- telling the owner -----------------------------------------------------------------------


def tell_of_added_passkey(sender, instance: WebAuthnCredential, created: bool, **kwargs) -> None:
    """A passkey was registered: tell its owner. Connected to post_save by StaffConfig.ready();
    like the authenticator's emails, the task is enqueued inside the saving transaction."""
    if created and instance.confirmed:
        tasks.send_passkey_added.enqueue(instance.user_id, timezone.now().isoformat())


def tell_of_removed_passkey(sender, instance: WebAuthnCredential, **kwargs) -> None:
    """A passkey was removed (by its owner, or a superuser in the admin): tell its owner."""
    if instance.confirmed:
        tasks.send_passkey_removed.enqueue(instance.user_id, timezone.now().isoformat())
