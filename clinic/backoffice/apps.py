from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    """The therapists' working day: the Today page, the calendar and the notices to staff.

    The top layer: it may use every app of ours, and none imports it (the admin index finds
    its page by URL name only)."""

    name = "clinic.backoffice"
    label = "backoffice"
    verbose_name = _("Working day")

    def ready(self):
        from django.db.models.signals import post_save

        from clinic.backoffice import notices
        from education.models import ReaderQuestion

        post_save.connect(
            notices.question_saved, sender=ReaderQuestion, dispatch_uid="backoffice_question"
        )
