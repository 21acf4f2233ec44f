import logging
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from clinic.backoffice import notices
from clinic.booking import pipeline, privacy
from clinic.program import enrolment as program_enrolment
from clinic.program import retention as program_retention
from intake import retention

logger = logging.getLogger(__name__)


def prune_finished_tasks() -> int:
    """Finished email tasks hold ids (and, for a deleted client's last email, an address):
    keep them a day for troubleshooting, then drop them."""
    if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
        call_command("prune_db_task_results", min_age_days=1, verbosity=0)
    return 0


# Each job is idempotent and returns how many things it did; the labels are for the output.
JOBS = {
    "Re-check requests queued": lambda: pipeline.send_due_rechecks(),
    "Reminders queued": lambda: pipeline.send_due_reminders(),
    "Requests expired": lambda: pipeline.expire_stale_requests(),
    "Intakes purged": lambda: retention.purge_expired_intakes(release=privacy.release_intake),
    "Unfinished forms dropped": lambda: retention.purge_abandoned_forms(),
    "Booking requests anonymised": lambda: privacy.anonymise_expired_bookings(),
    "Staff digests sent": lambda: notices.send_daily_digest(),
    "Program lesson emails queued": lambda: program_enrolment.send_due_lesson_emails(),
    "Program enrolments purged": lambda: program_retention.purge_expired_enrolments(),
    "": prune_finished_tasks,
}


def run_once() -> dict[str, int | None]:
    """Run every job once. A job that fails is logged (its name and the kind of error, never
    the message, which can quote a client's row) and counted as None; the others still run,
    so one failure never stops the loop."""
    done: dict[str, int | None] = {}
    for label, job in JOBS.items():
        try:
            done[label] = job()
        except Exception as error:  # the next job, and the next run, go on
            logger.error("Periodic job %r failed (%s).", label or "prune", type(error).__name__)
            done[label] = None
    return done


class Command(BaseCommand):
    help = (
        "Periodic work: ask for the pre-visit re-check before sessions that need it, queue "
        "reminders for sessions in the next 24 hours, expire requests "
        "nobody answered in time, purge intakes past the retention period and unfinished intake "
        "forms, blank client details on booking requests past theirs, send the staff's daily "
        "digest, send the program's weekly lesson emails, purge program enrolments past their "
        "retention period, and drop finished task results after a day. Idempotent and safe to "
        "run from several places at once; a failing job is logged and the others go on; "
        "--loop SECONDS repeats it (compose's scheduler service)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Run again every SECONDS seconds until stopped (default: run once).",
        )

    def handle(self, *args, loop: int = 0, **options):
        while True:
            done = {label: count for label, count in run_once().items() if label}
            if any(done.values()) or None in done.values() or options["verbosity"] > 1:
                self.stdout.write(
                    " ".join(
                        f"{label}: {'failed' if count is None else count}."
                        for label, count in done.items()
                    )
                )
            if loop <= 0:
                return
            time.sleep(loop)
            close_old_connections()  # as between requests: drop a broken or expired connection
