"""How long open times take to compute as bookings pile up, and /book/'s time list (worked
out afresh each time: the week each process keeps is forgotten before every request).

    DEBUG=1 DATABASE_URL=... python bench/booking_availability.py [BOOKINGS]   (default 2000)

Runs in-process against the configured database, inside a transaction that is rolled back:
it creates three therapists working every day, BOOKINGS confirmed bookings over the next 60
days, then times open_slots for one day, one week (what /book/ shows) and the whole horizon,
for one therapist and for "any", and renders the time list through the test client.
"""

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from clinic.booking.availability import BOOKED, booked_changed, open_slots  # noqa: E402
from clinic.booking.models import BookingRequest, BookingStatus, Service, Therapist, WorkingHours  # noqa: E402
from clinic.core.models import ClinicSettings  # noqa: E402


class Rollback(Exception):
    pass


def timed(label: str, function, rounds: int = 20) -> None:
    function()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    size = f"{len(result)} slots" if isinstance(result, list) else ""
    print(f"{label:<44} median {statistics.median(times):7.1f} ms  "
          f"p90 {times[int(len(times) * 0.9) - 1]:7.1f} ms  {size}")  # fmt: skip


def main(bookings: int) -> None:
    rules = ClinicSettings.load()
    service = Service.objects.create(
        slug="bench-60", name="Bench 60", duration_minutes=60, recovery_buffer_minutes=15,
        price=90,
    )  # fmt: skip
    therapists = []
    for n in range(3):
        therapist = Therapist.objects.create(slug=f"bench-{n}", display_name=f"Bench {n}")
        WorkingHours.objects.bulk_create(
            WorkingHours(therapist=therapist, weekday=d, start=dt.time(8), end=dt.time(20))
            for d in range(7)
        )
        therapists.append(therapist)
    today = timezone.localdate(timezone=rules.zone)
    rows = []
    for n in range(bookings):
        therapist = therapists[n % 3]
        day = today + dt.timedelta(days=1 + (n // 3 // 8) % 60)
        start = dt.datetime.combine(day, dt.time(8), tzinfo=rules.zone) + dt.timedelta(
            minutes=90 * ((n // 3) % 8)
        )
        rows.append(
            BookingRequest(
                client_name="Bench",
                email="bench@example.com",
                phone="5550100",
                service=service,
                requested_start=start,
                status=BookingStatus.CONFIRMED,
                therapist=therapist,
                start=start,
                end=start + service.duration,
                blocked_until=start + service.duration + service.recovery_buffer,
            )
        )
    BookingRequest.objects.bulk_create(rows, ignore_conflicts=True)
    booked_changed()  # bulk_create sends no signal
    print(f"{BookingRequest.objects.booked().count()} confirmed bookings, 3 therapists")
    day = today + dt.timedelta(days=3)
    for label, therapist in (("one therapist", therapists[0]), ("any therapist", None)):
        for span, days in (("day", 0), ("week", 6), ("horizon", 60)):
            timed(
                f"open_slots {label}, {span}",
                lambda t=therapist, d=days: open_slots(
                    service, t, first_day=day, last_day=day + dt.timedelta(days=d)
                ),
            )
    client = Client()
    session = client.session
    session.save()
    url = f"/book/?service=bench-60&therapist=any&day={day.isoformat()}"
    timed("GET /book/ time list (test client)", lambda: (BOOKED.bump(), client.get(url))[1])
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    print(f"/book/ time list: {len(queries)} queries")


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    try:
        with transaction.atomic():
            main(count)
            raise Rollback
    except Rollback:
        pass
