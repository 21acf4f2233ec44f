from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Everything `make run` does before serving, in one process: make sure the database "
        "exists, migrate it and load the demo content."
    )

    def handle(self, *args, **options):
        call_command("prepare_database", stdout=self.stdout, stderr=self.stderr)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo", stdout=self.stdout)
        # After the articles: lessons name the articles they relate to.
        call_command("load_program", stdout=self.stdout)
