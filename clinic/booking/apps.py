from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from clinic.core.roles import FRONT_DESK, THERAPISTS


class BookingConfig(AppConfig):
    # The label stays "clinic" so that tables, permissions and migration history are unchanged.
    name = "clinic.booking"
    label = "clinic"
    verbose_name = _("Clinic")
    staff_permissions = {
        THERAPISTS: [
            "view_therapist",
            "change_therapist",
            "view_service",
            "view_workinghours",
            "add_workinghours",
            "change_workinghours",
            "delete_workinghours",
            "view_timeoff",
            "add_timeoff",
            "change_timeoff",
            "delete_timeoff",
            "view_bookingrequest",
            "change_bookingrequest",
            "view_bookingevent",
            # clients' requests to delete their data
            "view_datadeletionrequest",
            "change_datadeletionrequest",
        ],
        # The front desk manages requests but never sees intake answers.
        FRONT_DESK: [
            "view_therapist",
            "view_service",
            "view_workinghours",
            "view_timeoff",
            "add_timeoff",
            "change_timeoff",
            "delete_timeoff",
            "view_bookingrequest",
            "change_bookingrequest",
            "view_bookingevent",
        ],
    }

    def ready(self):
        from clinic.booking import availability, catalogue, pipeline
        from intake import reviewing

        # Each process's bookable sessions and therapists are read again after a change, and
        # its open times after a booking's.
        catalogue.connect_signals()
        availability.connect_signals()
        # Intake says when an intake is cleared or referred; it never imports booking.
        reviewing.intake_cleared.connect(
            pipeline.on_intake_cleared, dispatch_uid="booking_intake_cleared"
        )
        reviewing.intake_referred.connect(
            pipeline.on_intake_referred, dispatch_uid="booking_intake_referred"
        )
