"""The back office's lists at a busy clinic's size: the same number of queries with ten times
the rows, and searches and the intake list's order served by the indexes made for them."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from clinic.backoffice import scale
from clinic.booking import demo
from clinic.booking.models import BookingRequest
from clinic.clients.models import Client
from intake.models import Intake
from intake.triage import RULES_VERSION

pytestmark = pytest.mark.django_db

PAGES = [
    "/admin/intake/intake/",
    "/admin/intake/intake/?q=garcia",
    "/admin/intake/intake/?level__exact=MEDICAL",
    "/admin/intake/intake/?review_status__exact=new",
    "/admin/intake/intake/?cautions=yes",
    f"/admin/intake/intake/?rules_version={RULES_VERSION}",
    "/admin/clinic/bookingrequest/",
    "/admin/clinic/bookingrequest/?q=garcia",
    "/admin/clinic/bookingrequest/?status__exact=confirmed",
    "/admin/clinic/bookingrequest/?needs_action=yes",
    "/admin/clients/client/",
    "/admin/clients/client/?q=garcia",
    "/admin/clients/client/?o=2",
    "/admin/today/",
    "/admin/today/calendar/",
    "/admin/today/calendar/week/",
]


@pytest.fixture
def demo_clinic(db, settings):
    settings.DEBUG = True  # the demo login is made only in development
    demo.seed_staff()
    demo.seed_booking()


def queries_per_page(client) -> dict[str, int]:
    counts = {}
    for page in PAGES:
        client.get(page)  # settings and the like cached, as for a working session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page)
        assert response.status_code == 200, page
        counts[page] = len(queries)
    return counts


def test_lists_ask_the_same_number_of_queries_with_ten_times_the_rows(demo_clinic, admin_client):
    scale.add(articles=0, intakes=30, bookings=20)
    small = queries_per_page(admin_client)

    scale.add(articles=0, intakes=300, bookings=200)
    assert Intake.objects.filter(email__endswith="@scale.example").count() == 300

    assert queries_per_page(admin_client) == small


def test_the_intake_list_shows_no_answers_at_scale(demo_clinic, admin_client):
    scale.add(articles=0, intakes=40, bookings=0)
    intake = Intake.objects.filter(email__endswith="@scale.example").first()

    page = admin_client.get("/admin/intake/intake/").content.decode()

    assert intake.name in page
    assert "blood_thinner" not in page and "pain_regions" not in page


# --- the plans ----------------------------------------------------------------------------------


def plan(queryset, *, lookups_only: bool = False) -> str:
    """The query plan when Postgres may not read whole tables (a test database is too small
    for it to bother with an index otherwise): which index serves it. `lookups_only` also
    rules out walking a whole index in order, so only an index that answers the condition
    itself can serve it."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        if lookups_only:
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("SET LOCAL enable_indexonlyscan = off")
    return queryset.explain()


def search(model, term: str, user):
    request = RequestFactory().get("/", {"q": term})
    request.user = user
    model_admin = admin.site.get_model_admin(model)
    found, _duplicates = model_admin.get_search_results(
        request, model_admin.get_queryset(request), term
    )
    return found


@pytest.mark.parametrize(
    ("model", "term", "index"),
    [
        (Intake, "garcia", "intake_name_upper_trgm"),
        (Intake, "ana.lopez@scale.example", "intake_email_upper_trgm"),
        (BookingRequest, "UNK-4CMJ5", "booking_reference_upper_trgm"),
        (BookingRequest, "garcia", "booking_client_name_upper_trgm"),
        (BookingRequest, "ana.lopez@scale", "booking_email_upper_trgm"),
        (BookingRequest, "555", "booking_phone_upper_trgm"),
        (Client, "garcia", "client_name_upper_trgm"),
        (Client, "ana.lopez@scale.example", "client_email_upper_trgm"),
    ],
)
def test_admin_searches_are_served_by_trigram_indexes(model, term, index, admin_user):
    # The count of matches reads every match: it is the query a whole-table scan would hurt
    # (a page of rows may instead walk the list's order and stop after fifty).
    assert index in plan(search(model, term, admin_user).order_by(), lookups_only=True)


def test_the_intake_list_is_read_in_order_from_its_index(admin_user):
    request = RequestFactory().get("/admin/intake/intake/")
    request.user = admin_user
    changelist = admin.site.get_model_admin(Intake).get_changelist_instance(request)

    assert "intake_admin_list_order" in plan(changelist.queryset[:50])


def test_the_cautions_filter_counts_from_a_small_index(admin_user):
    request = RequestFactory().get("/admin/intake/intake/", {"cautions": "yes"})
    request.user = admin_user
    changelist = admin.site.get_model_admin(Intake).get_changelist_instance(request)

    assert "intake_has_cautions" in plan(changelist.queryset.order_by())
