import datetime as dt
import re

import pytest
from django.urls import reverse

from clinic.backoffice import calendar
from clinic.booking.models import BookingStatus, TimeOff
from clinic.core.models import ClinicSettings
from tests.backoffice.helpers import at, profile_for, today
from tests.factories import make_booking

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 8)  # a Tuesday


def change_url(booking) -> str:
    return reverse("admin:clinic_bookingrequest_change", args=[booking.pk])


def block(page: str, url: str) -> list[str]:
    """The opening tags of the blocks that link to `url`."""
    return re.findall(rf'<a class="([^"]*)" href="{re.escape(url)}">', page)


@pytest.fixture
def week(alex, sam, deep60):
    """Alex's Tuesday: a session at 10:00 (and its 15-minute buffer), a request for 13:00,
    time off 15:00-16:00; a session on Thursday; a request for any therapist."""
    return {
        "booked": make_booking(
            BookingStatus.CONFIRMED,
            service=deep60,
            therapist=alex,
            start=at(DAY, 10),
            client_name="Ana Client",
        ),
        "pending": make_booking(
            BookingStatus.REQUESTED,
            service=deep60,
            therapist=alex,
            start=at(DAY, 13),
            client_name="Bea Pending",
        ),
        "thursday": make_booking(
            BookingStatus.CONFIRMED,
            service=deep60,
            therapist=alex,
            start=at(DAY + dt.timedelta(days=2), 9, 30),
            client_name="Cai Thursday",
        ),
        "any": make_booking(
            BookingStatus.REQUESTED,
            service=deep60,
            therapist=None,
            start=at(DAY, 12),
            client_name="Dee Anyone",
        ),
        "off": TimeOff.objects.create(
            therapist=alex, start=at(DAY, 15), end=at(DAY, 16), note="Dentist"
        ),
        "sam": make_booking(
            BookingStatus.CONFIRMED,
            service=deep60,
            therapist=sam,
            start=at(DAY, 12),
            client_name="Eve Sam",
        ),
    }


def test_a_day_places_each_block_by_class_and_links_it(therapist_client, week):
    response = therapist_client.get(
        reverse("backoffice_calendar"), {"date": DAY.isoformat(), "therapist": "alex"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "style=" not in page
    # 8:00 is row 2, so 10:00 is row 10; an hour is four rows; the buffer follows it.
    assert block(page, change_url(week["booked"])) == [
        "cal-block cal-booked gr-10 gs-4 gc-2",
        "cal-block cal-buffer gr-14 gs-1 gc-2",
    ]
    # The pending request: its own lane, dashed and striped, and says so in words.
    assert block(page, change_url(week["pending"])) == ["cal-block cal-pending gr-22 gs-4 gc-3"]
    assert "Pending: Requested" in page and "Confirmed" in page
    # Time off spans both lanes and links to its own page.
    off_url = reverse("admin:clinic_timeoff_change", args=[week["off"].pk])
    assert block(page, off_url) == ["cal-block cal-off gr-30 gs-4 gc-2 gcs-2"]
    assert "Time off" in page and "Dentist" in page
    # Working hours 9:00-17:00 behind them; not the other therapists' bookings.
    assert 'cal-block cal-hours gr-6 gs-32 gc-2 gcs-2"' in page
    assert "Eve Sam" not in page and "Cai Thursday" not in page


def test_a_day_for_everyone_has_a_column_per_therapist_and_one_for_any(admin_client, week):
    page = admin_client.get(
        reverse("backoffice_calendar"), {"date": DAY.isoformat(), "therapist": "all"}
    ).content.decode()
    headers = re.findall(r'<h3 class="cal-name">([^<]*)', page)
    assert [header.strip() for header in headers] == ["Alex Morgan", "Sam Rivera", "Any therapist"]
    assert block(page, change_url(week["sam"])) == [
        "cal-block cal-booked gr-18 gs-4 gc-4",
        "cal-block cal-buffer gr-22 gs-1 gc-4",
    ]
    assert block(page, change_url(week["any"])) == ["cal-block cal-pending gr-18 gs-4 gc-7"]


def test_a_week_has_a_column_per_day(therapist_client, week):
    page = therapist_client.get(
        reverse("backoffice_calendar_week"), {"date": DAY.isoformat(), "therapist": "alex"}
    ).content.decode()
    assert "style=" not in page
    assert page.count('class="cal-name"') == 7
    # Monday's lanes are columns 2 and 3, Tuesday's 4 and 5, Thursday's 8 and 9.
    assert block(page, change_url(week["thursday"]))[0] == "cal-block cal-booked gr-8 gs-4 gc-8"
    assert block(page, change_url(week["booked"]))[0] == "cal-block cal-booked gr-10 gs-4 gc-4"
    assert block(page, change_url(week["pending"])) == ["cal-block cal-pending gr-22 gs-4 gc-5"]
    # Each day's header opens that day.
    day_link = reverse("backoffice_calendar") + f"?date={DAY.isoformat()}&amp;therapist=alex"
    assert day_link in page


def test_the_calendar_defaults_to_the_therapists_own_and_today(therapist_client, therapist):
    profile_for(therapist)
    response = therapist_client.get(reverse("backoffice_calendar"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="cal-name"') == 1 and "Tess Lane" in page
    assert today().strftime("%Y") in page


def test_the_front_desk_sees_names_but_no_level(front_desk_client, week):
    page = front_desk_client.get(
        reverse("backoffice_calendar"), {"date": DAY.isoformat()}
    ).content.decode()
    assert "Ana Client" in page and "level-badge" not in page


def test_an_unknown_therapist_or_date_does_not_fail(therapist_client, week):
    response = therapist_client.get(
        reverse("backoffice_calendar"), {"date": "not-a-date", "therapist": "nobody"}
    )
    assert response.status_code == 200
    assert "No therapist by that name." in response.content.decode()


def test_a_grid_widens_to_show_an_early_session(alex, deep60):
    make_booking(BookingStatus.CONFIRMED, service=deep60, therapist=alex, start=at(DAY, 6, 45))
    [grid] = calendar.day_grids(DAY, [alex], ClinicSettings.load())
    assert grid.first_minute == 6 * 60
    [booked] = [b for b in grid.columns[0].blocks if b.kind == "booked"]
    assert (booked.row, booked.span) == (5, 4)  # 6:45 is the fourth quarter after 6:00
