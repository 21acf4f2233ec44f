from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from clinic.core.roles import FRONT_DESK, THERAPISTS


class CoreConfig(AppConfig):
    name = "clinic.core"
    label = "core"
    verbose_name = _("Clinic settings")
    staff_permissions = {
        THERAPISTS: ["view_clinicsettings"],
        FRONT_DESK: ["view_clinicsettings"],
    }

    def ready(self):
        from clinic.core import page_cache

        page_cache.connect_signals()
