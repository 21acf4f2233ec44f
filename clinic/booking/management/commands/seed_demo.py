from django.core.management.base import BaseCommand
from django.db import transaction

from clinic.booking import demo
from education import demo as education_demo
from intake import demo as intake_demo


class Command(BaseCommand):
    help = "Load the demo content (idempotent): staff groups, demo therapist, articles, intakes."

    def handle(self, *args, **options):
        with transaction.atomic():
            therapist = demo.seed_staff()
            demo.seed_booking()
            education_demo.seed(answered_by=therapist)
            intake_demo.seed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content ready. Demo therapist login: {demo.DEMO_USERNAME} / "
                f"{demo.DEMO_PASSWORD}\n"
                "Second step: add the key GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ to an "
                "authenticator app, or print the current code with `make demo-code`."
            )
        )
