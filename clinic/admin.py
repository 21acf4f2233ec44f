from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from clinic.models import ClinicSettings

admin.site.site_header = _("Unknot back office")
admin.site.site_title = _("Unknot back office")
admin.site.index_title = _("Clinic administration")


@admin.register(ClinicSettings)
class ClinicSettingsAdmin(admin.ModelAdmin):
    fieldsets = [
        (None, {"fields": ["name", "tagline", "time_zone"]}),
        (_("Contact details"), {"fields": ["address", "phone", "email", "opening_hours"]}),
    ]

    def has_add_permission(self, request):
        return not ClinicSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
