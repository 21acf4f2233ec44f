"""The bookable sessions and therapists each process keeps (clinic/booking/catalogue.py): read
once per change, a change saved here shows on the next page, one saved by another process
within a second, and each language keeps its own order."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinic.booking import catalogue
from clinic.booking.availability import open_slots
from clinic.booking.models import Therapist, TimeOff
from clinic.core.models import ClinicSettings
from tests.booking.support import DENVER, local
from tests.factories import make_service, make_therapist

pytestmark = pytest.mark.django_db


def catalogue_queries(captured) -> list[str]:
    return [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "clinic_service"' in q["sql"] or 'FROM "clinic_therapist"' in q["sql"]
    ]


def choose_page(client, path="/book/") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_the_next_choose_page_reads_neither_list(client, deep60, alex, sam):
    with CaptureQueriesContext(connection) as first:
        choose_page(client)
    with CaptureQueriesContext(connection) as second:
        html = choose_page(client)
    assert len(catalogue_queries(first)) == 2
    assert catalogue_queries(second) == []
    assert "Deep tissue 60" in html and "Alex Morgan" in html and "Sam Rivera" in html


def test_a_renamed_service_shows_on_the_next_page(client, deep60, alex):
    choose_page(client)
    deep60.name = "Deep tissue, one hour"
    deep60.save()
    assert "Deep tissue, one hour" in choose_page(client)


@pytest.mark.parametrize("change", ["deactivated", "deleted"])
def test_a_service_no_longer_offered_is_gone_from_the_next_page(client, deep60, alex, change):
    neck = make_service("neck-30", minutes=30, name="Neck 30")
    assert "Neck 30" in choose_page(client)
    if change == "deleted":
        neck.delete()
    else:
        neck.active = False
        neck.save()
    html = choose_page(client)
    assert "Neck 30" not in html and "Deep tissue 60" in html


@pytest.mark.parametrize("change", [{"active": False}, {"accepts_new_clients": False}])
def test_a_therapist_no_longer_bookable_is_gone_from_the_next_page(
    client, deep60, alex, sam, change
):
    assert "Sam Rivera" in choose_page(client)
    for field, value in change.items():
        setattr(sam, field, value)
    sam.save()
    html = choose_page(client)
    assert "Sam Rivera" not in html and "Alex Morgan" in html
    # and "Sam" is no longer a valid choice on the next step
    chosen = client.get("/book/", {"service": "deep-tissue-60", "therapist": "sam"})
    assert "Choose one of the therapists listed." in chosen.content.decode()


def test_a_save_makes_a_new_version_again_when_committed(
    deep60, django_capture_on_commit_callbacks
):
    """A process that read the rows between the save and the commit kept the old ones under
    the first new version: the commit replaces it once more."""
    before = catalogue.VERSION.current()
    with django_capture_on_commit_callbacks(execute=True):
        deep60.save()
        at_save = cache.get(catalogue.VERSION.key)
    assert before != at_save != cache.get(catalogue.VERSION.key)


def test_a_change_saved_by_another_process_shows_within_a_second(client, clock, deep60, alex):
    choose_page(client)
    Therapist.objects.filter(slug="alex").update(display_name="Alex Changed")  # no signal here
    cache.set(catalogue.VERSION.key, "another-process-saved")  # what its save() did
    clock[0] += catalogue.VERSION.recheck_seconds / 2
    assert "Alex Changed" not in choose_page(client)
    clock[0] += catalogue.VERSION.recheck_seconds / 2
    assert "Alex Changed" in choose_page(client)


def test_spanish_pages_show_the_spanish_names_in_their_order(client, alex):
    make_service("neck-45", minutes=45, name="Neck 45", name_es="Cuello 45")
    make_service("back-45", minutes=45, name="Back 45", name_es="Espalda 45")
    make_therapist("rosa", display_name="Rosa Vega", bio="Calm hands.", bio_es="Manos tranquilas.")
    english = choose_page(client)
    assert english.index("Back 45") < english.index("Neck 45")
    spanish = choose_page(client, "/es/book/")
    assert spanish.index("Cuello 45") < spanish.index("Espalda 45")
    assert "Manos tranquilas." in spanish and "Calm hands." not in spanish
    assert "Back 45" in choose_page(client)  # and English is still English


def test_each_caller_gets_its_own_lists(deep60, alex):
    catalogue.bookable_services().clear()
    catalogue.bookable_therapists().append("not a therapist")
    assert catalogue.bookable_services() == [deep60]
    assert catalogue.bookable_therapists() == [alex]


def test_a_therapist_away_from_new_clients_stays_on_the_front_pages_but_not_in_booking(
    client, deep60, alex, sam
):
    client.get("/therapists/")
    choose_page(client)
    sam.accepts_new_clients = False
    sam.save()
    therapists = client.get("/therapists/").content.decode()
    assert "Sam Rivera" in therapists and "Not taking new clients at the moment." in therapists
    assert "Sam Rivera" not in choose_page(client)


def test_the_front_pages_read_the_kept_lists(client, deep60, alex, settings):
    settings.PAGE_CACHE_ENABLED = False
    client.get("/")
    with CaptureQueriesContext(connection) as again:
        for path in ("/", "/services/", "/therapists/", "/es/services/"):
            assert client.get(path).status_code == 200
    assert catalogue_queries(again) == [
        q["sql"] for q in again.captured_queries if 'FROM "clinic_service"' in q["sql"]
    ]  # only the Spanish list of services, read once for its own order
    assert len(catalogue_queries(again)) == 1


def test_the_home_page_shows_a_changed_session_or_therapist_at_once(client, deep60, alex, settings):
    """The home page keeps its session and therapist cards per process (templates/clinic/
    home.html) under the lists' version: a change shows on the next home page."""
    settings.PAGE_CACHE_ENABLED = False
    assert "Deep tissue 60" in client.get("/").content.decode()
    deep60.name = "Deep tissue, one hour"
    deep60.save()
    alex.accepts_new_clients = False
    alex.save()
    html = client.get("/").content.decode()
    assert "Deep tissue, one hour" in html and "Deep tissue 60" not in html
    assert "Not taking new clients at the moment." in html


def test_the_home_page_shows_the_clinics_new_details_at_once(client, deep60, settings):
    settings.PAGE_CACHE_ENABLED = False
    ClinicSettings.objects.update_or_create(pk=1, defaults={"tagline": "Knots, undone"})
    assert "Knots, undone" in client.get("/").content.decode()
    ClinicSettings.objects.update_or_create(
        pk=1,
        defaults={"tagline": "Slow, firm work", "cancellation_policy": "Tell us two days ahead."},
    )
    html = client.get("/").content.decode()
    assert "Slow, firm work" in html and "Knots, undone" not in html
    assert "Tell us two days ahead." in html


def test_hours_or_time_off_changed_show_in_the_next_open_times(deep60, alex):
    """The weekly hours and time off are kept with the lists: a change shows at once."""
    now = local(2026, 11, 2, 8, 0)
    wednesday = dt.date(2026, 11, 4)

    def starts() -> list[str]:
        slots = open_slots(deep60, alex, first_day=wednesday, last_day=wednesday, now=now)
        return [timezone.localtime(slot.start, DENVER).strftime("%H:%M") for slot in slots]

    assert "10:00" in starts()
    TimeOff.objects.create(
        therapist=alex, start=local(2026, 11, 4, 9, 30), end=local(2026, 11, 4, 11, 0)
    )
    assert "10:00" not in starts() and "11:00" in starts()
    alex.working_hours.update(start=dt.time(13, 0))  # no signal: the module says to call changed()
    catalogue.changed()
    assert starts()[0] == "13:00"
    alex.working_hours.all().delete()
    assert starts() == []


def test_the_home_pages_lists_and_their_version_belong_together(clock, deep60, alex, monkeypatch):
    """Another process's change seen between reading the sessions and the therapists: both
    are read again under the new version, never kept under it from the old one."""
    catalogue.bookable_services()  # kept under the first version
    read_services = catalogue.bookable_services

    def services_then_a_change_elsewhere():
        found = read_services()
        if found and found[0].name == "Deep tissue 60":
            type(deep60).objects.filter(pk=deep60.pk).update(name="Deep tissue, one hour")
            cache.set(catalogue.VERSION.key, "another-process-saved")
            clock[0] += catalogue.VERSION.recheck_seconds
        return found

    monkeypatch.setattr(catalogue, "bookable_services", services_then_a_change_elsewhere)
    version, services, _therapists = catalogue.front_lists()
    assert version == "another-process-saved"
    assert [service.name for service in services] == ["Deep tissue, one hour"]
