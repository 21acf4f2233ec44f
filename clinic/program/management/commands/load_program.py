from django.core.management.base import BaseCommand, CommandError

from clinic.program import loader
from education.demo import ContentError


class Command(BaseCommand):
    help = (
        "Load the self-care program's lessons from education/content/program/ and their "
        "translations from its es/ folder (run after the articles: a lesson names related "
        "articles). Idempotent; a broken lesson file stops the load with its name, and nothing "
        "is written."
    )

    def handle(self, *args, **options):
        try:
            results = loader.load()
        except ContentError as error:  # LessonError, or a front matter value education reads
            raise CommandError(str(error)) from None
        for language, result in results.items():
            line = (
                f"Program lessons ({language}): {result.created} created, "
                f"{result.updated} updated, {result.unchanged} unchanged"
            )
            if result.deleted:
                line += f", {result.deleted} removed"
            self.stdout.write(line + ".")
