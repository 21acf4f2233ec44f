"""Listening to the lower layers: intake and booking never import this app."""

from django.db.models.signals import post_delete, post_save


def connect() -> None:
    from clinic.booking import privacy
    from clinic.booking.models import BookingRequest
    from clinic.clients import records
    from clinic.clients.models import Client, ClientBooking, ClientIntake, VisitNote
    from intake.models import Intake

    def intake_saved(sender, instance, created, raw=False, **kwargs):
        if not raw:
            records.link_intake(instance)

    def booking_saved(sender, instance, raw=False, **kwargs):
        if not raw:
            records.link_booking(instance)

    def bookings_blanked(sender, booking_ids, **kwargs):
        records.forget_bookings(booking_ids)

    def link_removed(sender, instance, origin=None, **kwargs):
        # Deleting the client itself removes its links: nothing more to forget then.
        model = getattr(origin, "model", type(origin))
        if model is not Client:
            records.forget_if_empty(instance.client_id)

    post_save.connect(intake_saved, sender=Intake, dispatch_uid="clients_intake_saved")
    post_save.connect(booking_saved, sender=BookingRequest, dispatch_uid="clients_booking_saved")
    privacy.bookings_anonymised.connect(bookings_blanked, dispatch_uid="clients_bookings_blanked")
    for model in (ClientIntake, ClientBooking, VisitNote):
        post_delete.connect(
            link_removed, sender=model, dispatch_uid=f"clients_{model._meta.model_name}_removed"
        )
