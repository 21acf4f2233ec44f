from django.core.management.base import BaseCommand

from clinic.core.roles import sync_groups


class Command(BaseCommand):
    help = "Create the staff groups (Therapists, Front desk) with their permissions. Idempotent."

    def handle(self, *args, **options):
        self.stdout.write(f"Staff groups ready: {', '.join(sync_groups())}.")
