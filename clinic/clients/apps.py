from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from clinic.core.roles import THERAPISTS


class ClientsConfig(AppConfig):
    """Client records (one per verified email) and visit notes: health information, so
    therapists only; the front desk gets nothing of this app."""

    name = "clinic.clients"
    label = "clients"
    verbose_name = _("Clients")
    staff_permissions = {
        THERAPISTS: [
            "view_client",
            "view_visitnote",
            "add_visitnote",
            "change_visitnote",
            "view_visitnoteaddendum",
            "add_visitnoteaddendum",
            "view_clientaccess",
        ],
    }

    def ready(self):
        # Booking and intake never import this app: it listens to what they save and delete.
        from clinic.clients import signals

        signals.connect()
