from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    """Staff sign-in: the admin site, the second factor and the lockout page (no models)."""

    default = True
    name = "clinic.staff"
    label = "staff"
    verbose_name = _("Staff sign-in")

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from django_otp.plugins.otp_totp.models import TOTPDevice
        from django_otp_webauthn.models import WebAuthnCredential

        from clinic.staff import passkeys, two_factor

        post_delete.connect(
            two_factor.tell_of_removed_device,
            sender=TOTPDevice,
            dispatch_uid="staff_two_factor_reset",
        )
        post_save.connect(
            passkeys.tell_of_added_passkey,
            sender=WebAuthnCredential,
            dispatch_uid="staff_passkey_added",
        )
        post_delete.connect(
            passkeys.tell_of_removed_passkey,
            sender=WebAuthnCredential,
            dispatch_uid="staff_passkey_removed",
        )


class ClinicAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site: password AND a second factor."""

    default = False
    default_site = "clinic.staff.admin_site.ClinicAdminSite"
