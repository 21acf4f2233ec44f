from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from clinic.core.roles import THERAPISTS


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("Intake")
    # Intakes are health information: therapists only, never the front desk.
    staff_permissions = {
        THERAPISTS: ["view_intake", "change_intake", "view_intakeaccess", "export_intake"],
    }
