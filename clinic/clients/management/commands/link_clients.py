from django.core.management.base import BaseCommand

from clinic.clients import records


class Command(BaseCommand):
    help = (
        "File every intake and booking request under its client (one per email, matched "
        "without regard to case or surrounding spaces), and let go of requests whose client "
        "data was blanked. Idempotent: a second run changes nothing."
    )

    def handle(self, *args, **options):
        done = records.link_all()
        self.stdout.write(
            f"Intakes linked: {done['intakes']}. Booking requests linked: {done['bookings']}. "
            f"Booking requests let go: {done['forgotten']}."
        )
