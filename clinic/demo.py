"""Demo content for a fresh clinic: staff groups and the demo therapist login."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from clinic.models import ClinicSettings
from clinic.roles import THERAPISTS, sync_groups

DEMO_USERNAME = "therapist"
DEMO_PASSWORD = "knots-demo-2026"


def seed_staff() -> None:
    if not settings.DEBUG:
        raise CommandError(
            "seed_demo creates a demo login with a published password, so it only runs with "
            "DEBUG=1. In production run `manage.py sync_roles` and create real staff accounts "
            "with `manage.py createsuperuser`."
        )
    ClinicSettings.load()
    groups = sync_groups()
    user, created = get_user_model().objects.get_or_create(
        username=DEMO_USERNAME,
        defaults={
            "first_name": "Demo",
            "last_name": "Therapist",
            "email": "therapist@clinic.example",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
    user.is_staff = True
    user.save()
    user.groups.add(groups[THERAPISTS])
