"""Seed, or remove, the made-up rows the pages are measured against at a busy clinic's size."""

import time

from django.core.management.base import BaseCommand, CommandError

from clinic.backoffice import scale


class Command(BaseCommand):
    help = (
        "--add: top the scale data up to 2,000 published articles (500 with a Spanish "
        "translation), 20,000 intakes and 10,000 booking requests, with their client records; "
        "running it again adds nothing. --remove: delete exactly those rows. Needs the demo "
        "(manage.py setup_demo)."
    )

    def add_arguments(self, parser):
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--add", action="store_true", help="Add the scale data.")
        what.add_argument("--remove", action="store_true", help="Remove the scale data.")
        parser.add_argument("--articles", type=int, default=scale.DEFAULT_ARTICLES)
        parser.add_argument(
            "--translated",
            type=int,
            default=scale.DEFAULT_TRANSLATED,
            help="How many of the articles have a Spanish translation.",
        )
        parser.add_argument("--intakes", type=int, default=scale.DEFAULT_INTAKES)
        parser.add_argument("--bookings", type=int, default=scale.DEFAULT_BOOKINGS)

    def handle(self, *args, **options):
        started = time.monotonic()
        if options["remove"]:
            removed = scale.remove()
            self.stdout.write(f"Removed {removed} ({time.monotonic() - started:.1f} s).")
            return
        for name in ("articles", "translated", "intakes", "bookings"):
            if options[name] < 0:
                raise CommandError(f"--{name} cannot be negative.")
        try:
            added = scale.add(
                articles=options["articles"],
                translated=options["translated"],
                intakes=options["intakes"],
                bookings=options["bookings"],
            )
        except scale.DemoMissing as missing:
            raise CommandError(str(missing)) from None
        self.stdout.write(f"Added {added} ({time.monotonic() - started:.1f} s).")
        self.stdout.write(f"Scale data now: {scale.present()}.")
