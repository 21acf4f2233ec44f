import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from clinic.booking import pipeline
from intake import retention


class Command(BaseCommand):
    help = (
        "Periodic work: queue reminders for sessions in the next 24 hours, expire requests "
        "nobody answered in time, purge intakes past the retention period and unfinished intake "
        "forms, and drop finished task results after a day. Idempotent and safe to run from "
        "several places at once; --loop SECONDS repeats it (compose's scheduler service)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Run again every SECONDS seconds until stopped (default: run once).",
        )

    def prune_finished_tasks(self) -> None:
        """Finished email tasks hold ids (and, for a deleted client's last email, an address):
        keep them a day for troubleshooting, then drop them."""
        if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
            call_command("prune_db_task_results", min_age_days=1, verbosity=0)

    def handle(self, *args, loop: int = 0, **options):
        while True:
            reminders = pipeline.send_due_reminders()
            expired = pipeline.expire_stale_requests()
            purged = retention.purge_expired_intakes()
            abandoned = retention.purge_abandoned_forms()
            self.prune_finished_tasks()
            if reminders or expired or purged or abandoned or options["verbosity"] > 1:
                self.stdout.write(
                    f"Reminders queued: {reminders}. Requests expired: {expired}. "
                    f"Intakes purged: {purged}. Unfinished forms dropped: {abandoned}."
                )
            if loop <= 0:
                return
            time.sleep(loop)
            close_old_connections()  # as between requests: drop a broken or expired connection
