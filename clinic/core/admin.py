from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from clinic.core.models import ClinicSettings


@admin.register(ClinicSettings)
class ClinicSettingsAdmin(admin.ModelAdmin):
    fieldsets = [
        (None, {"fields": ["name", "tagline", "time_zone"]}),
        (_("Contact details"), {"fields": ["address", "phone", "email", "opening_hours"]}),
        (
            _("Booking rules"),
            {
                "fields": [
                    "minimum_notice_hours",
                    "booking_horizon_days",
                    "slot_step_minutes",
                    "cancellation_cutoff_hours",
                    "request_expiry_hours",
                ]
            },
        ),
    ]

    def has_add_permission(self, request):
        return not ClinicSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
