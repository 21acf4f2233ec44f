from django.core.management.base import BaseCommand

from clinic.roles import GROUP_PERMISSIONS, sync_groups


class Command(BaseCommand):
    help = "Create the staff groups (Therapists, Front desk) with their permissions. Idempotent."

    def handle(self, *args, **options):
        sync_groups()
        self.stdout.write(f"Staff groups ready: {', '.join(GROUP_PERMISSIONS)}.")
