from django.core.management.base import BaseCommand, CommandError

from clinic.program import loader
from education.demo import ContentError


class Command(BaseCommand):
    help = (
        "Load the self-care program's lessons from education/content/program/ (run after the "
        "articles: a lesson names related articles). Idempotent; a broken lesson file stops "
        "the load with its name, and nothing is written."
    )

    def handle(self, *args, **options):
        try:
            result = loader.load()
        except ContentError as error:  # LessonError, or a front matter value education reads
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Program lessons: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )
