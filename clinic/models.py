import zoneinfo

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def default_time_zone() -> str:
    return settings.TIME_ZONE


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(zone)s” is not a time zone name."), params={"zone": value})


class ClinicSettings(models.Model):
    """The clinic's public details, edited by the owner in the admin. There is one row."""

    CACHE_KEY = "clinic-settings"

    name = models.CharField(_("clinic name"), max_length=120, default="Unknot Demo Clinic")
    tagline = models.CharField(
        _("tagline"),
        max_length=200,
        blank=True,
        default="Deep tissue therapy for upper back knots",
    )
    address = models.TextField(_("address"), default="100 Example Street, Suite 1\nAnytown")
    phone = models.CharField(_("phone"), max_length=40, default="(555) 010-0100")
    email = models.EmailField(_("email"), default="hello@clinic.example")
    opening_hours = models.TextField(
        _("opening hours"),
        default="Monday to Friday 9:00-18:00\nSaturday 9:00-13:00",
        help_text=_("Shown in the footer as written, one line per row."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text=_("Times on the site and in emails are shown in this zone, e.g. America/Denver."),
    )

    class Meta:
        verbose_name = _("clinic settings")
        verbose_name_plural = _("clinic settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="clinic_settings_single_row")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)

    @classmethod
    def load(cls) -> "ClinicSettings":
        """The clinic's settings, from the cache when possible (one query after a change)."""
        current = cache.get(cls.CACHE_KEY)
        if current is None:
            current, _created = cls.objects.get_or_create(pk=1)
            cache.set(cls.CACHE_KEY, current, 300)
        return current
