"""Demo content for a fresh clinic: staff groups, the demo therapist login, and the booking
set-up (two therapists with weekly hours, three services)."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.booking.models import Service, Therapist, WorkingHours
from clinic.core.models import ClinicSettings
from clinic.core.roles import THERAPISTS, sync_groups

DEMO_USERNAME = "therapist"
DEMO_PASSWORD = "knots-demo-2026"
# The demo therapist's authenticator key (published: DEBUG only). Base32 for an app:
# GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"


def seed_staff():
    """The staff groups and the demo therapist's login (with its second factor); returns it."""
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
    TOTPDevice.objects.get_or_create(
        user=user, name="Demo authenticator", defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
    )
    return user


def demo_code() -> str:
    """The demo therapist's current 6-digit code, as an authenticator app would show it."""
    return f"{TOTP(bytes.fromhex(DEMO_TOTP_KEY)).token():06d}"


DEMO_SERVICES = [
    {
        "slug": "deep-tissue-60",
        "name": "Deep tissue 60",
        "duration_minutes": 60,
        "recovery_buffer_minutes": 15,
        "price": Decimal("95.00"),
        "description": "Our usual session: slow, firm work on the upper back, shoulders and "
        "neck, with a few minutes at the start to talk about where it hurts.",
    },
    {
        "slug": "deep-tissue-90",
        "name": "Deep tissue 90",
        "duration_minutes": 90,
        "recovery_buffer_minutes": 15,
        "price": Decimal("135.00"),
        "description": "Time for the whole back and neck, with extra attention where the "
        "knots are. A good choice if pain spreads or you have not had massage before.",
    },
    {
        "slug": "focused-upper-back-45",
        "name": "Focused upper back 45",
        "duration_minutes": 45,
        "recovery_buffer_minutes": 15,
        "price": Decimal("75.00"),
        "description": "The area between the shoulder blades only, for a knot you already "
        "know well, or a follow-up after a longer session.",
    },
]

# (weekday, start, end) in clinic time; Monday is 0.
DEMO_THERAPISTS = [
    {
        "slug": "alex-morgan",
        "display_name": "Alex Morgan",
        "specialties": "Upper back and neck, desk workers",
        "credentials": "Licensed Massage Therapist (LMT), 12 years",
        "bio": "Alex spent years at a desk before training as a therapist, and knows the "
        "shoulder-blade ache that builds through a working week. Alex works steadily and "
        "explains what they find as they go, so you leave knowing what to do at home.",
        "login": DEMO_USERNAME,
        "hours": [
            *((day, "09:00", "12:30") for day in range(5)),
            *((day, "13:30", "18:00") for day in range(5)),
        ],
    },
    {
        "slug": "sam-rivera",
        "display_name": "Sam Rivera",
        "specialties": "Shoulders, climbers and swimmers",
        "credentials": "Licensed Massage Therapist (LMT), 8 years; sports massage certificate",
        "bio": "Sam works with people whose shoulders do a lot: climbers, swimmers, parents "
        "who carry children all day. Slow, firm pressure, checked with you often. Sam habla "
        "español y puede hacer toda la sesión en español.",
        "login": None,
        "hours": [
            *((day, "10:00", "14:00") for day in range(1, 5)),
            *((day, "15:00", "19:00") for day in range(1, 5)),
            (5, "09:00", "13:00"),
        ],
    },
]


def seed_booking() -> None:
    """Services, therapists and their weekly hours; running it again changes nothing."""
    for service in DEMO_SERVICES:
        Service.objects.update_or_create(slug=service["slug"], defaults=service)
    for item in DEMO_THERAPISTS:
        user = (
            get_user_model().objects.filter(username=item["login"]).first()
            if item["login"]
            else None
        )
        therapist, _created = Therapist.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "display_name": item["display_name"],
                "specialties": item["specialties"],
                "credentials": item["credentials"],
                "bio": item["bio"],
                "user": user,
            },
        )
        for weekday, start, end in item["hours"]:
            WorkingHours.objects.get_or_create(
                therapist=therapist,
                weekday=weekday,
                start=dt.time.fromisoformat(start),
                end=dt.time.fromisoformat(end),
            )
