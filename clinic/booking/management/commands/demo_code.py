from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from clinic.booking import demo


class Command(BaseCommand):
    help = "Print the demo therapist's current second-factor code (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("The demo login exists only with DEBUG=1.")
        self.stdout.write(demo.demo_code())
