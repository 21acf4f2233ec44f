from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from clinic.core.roles import THERAPISTS


class EducationConfig(AppConfig):
    name = "education"
    verbose_name = _("Education")
    staff_permissions = {
        THERAPISTS: [
            "add_article",
            "change_article",
            "view_article",
            "add_citation",
            "change_citation",
            "delete_citation",
            "view_citation",
            "add_topic",
            "change_topic",
            "view_topic",
            "change_readerquestion",
            "delete_readerquestion",
            "view_readerquestion",
        ],
    }

    def ready(self):
        from education import changes

        changes.connect_signals()
