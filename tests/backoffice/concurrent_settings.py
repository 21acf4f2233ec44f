"""Settings for the task workers that tests/backoffice/test_concurrent_periodic.py starts as
separate processes: the production settings, with the database task queue and every email
written as a file into UNKNOT_TEST_MAIL_DIR, so the test can count what the workers sent."""

import os

from clinic.settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": os.environ["UNKNOT_TEST_MAIL_DIR"]},
    }
}
