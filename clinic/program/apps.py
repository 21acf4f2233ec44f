from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from clinic.core.roles import FRONT_DESK, THERAPISTS


class ProgramConfig(AppConfig):
    """The six-week self-care program: lessons in order, a safety gate through triage, progress
    and check-ins. Its lessons are written beside the articles (education/content/program/).

    Baseline scores and check-ins are health information: therapists see them
    (`view_program_health`, `view_checkin`); the front desk sees who is enrolled and how far
    they have got, never a score."""

    name = "clinic.program"
    label = "program"
    verbose_name = _("Self-care program")
    staff_permissions = {
        THERAPISTS: [
            "view_lesson",
            "change_lesson",
            "view_enrolment",
            "view_program_health",
            "view_lessondone",
            "view_checkin",
            "view_programaccess",
        ],
        FRONT_DESK: ["view_lesson", "view_enrolment"],
    }
