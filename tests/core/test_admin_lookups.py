"""A changelist answers only the questions its filters, date hierarchy and search offer.

Any other lookup (a hidden note, an intake's answers, a reader's email, a relation path
into them) is refused before a query runs, with the same page whether or not the value
matches, so nobody can read a hidden field one character at a time. Fields a role may not
see are left out of its filters, search and columns (and so of `?o=` ordering)."""

import datetime as dt
import re
from html import unescape

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.utils import timezone

from clinic.booking.admin import BookingRequestAdmin
from clinic.booking.models import BookingRequest, BookingStatus, DataDeletionRequest, TimeOff
from clinic.core.admin import ClinicModelAdmin, filter_parameters
from intake import reviewing
from intake.models import IntakeAccess
from tests.factories import (
    SECRET_ANSWER,
    SECRET_NOTE,
    make_article,
    make_booking,
    make_intake,
    make_question,
    make_service,
    make_therapist,
)

pytestmark = pytest.mark.django_db

ROLES = ["therapist_client", "front_desk_client", "admin_client"]
REVIEW_NOTE = "CLEARANCE-NOTE-5521"
READER_EMAIL = "hidden.reader@example.com"
DECISION_NOTE = "DECISION-NOTE-9904"

BOOKINGS = "/admin/clinic/bookingrequest/"
INTAKES = "/admin/intake/intake/"
AUDIT = "/admin/intake/intakeaccess/"
QUESTIONS = "/admin/education/readerquestion/"
THERAPISTS = "/admin/clinic/therapist/"
TIME_OFF = "/admin/clinic/timeoff/"
DELETIONS = "/admin/clinic/datadeletionrequest/"

# (list, hidden field path, the hidden value) -> tried with __icontains, __startswith, __exact.
HIDDEN = [
    (BOOKINGS, "note", SECRET_NOTE),
    (BOOKINGS, "intake__review_note", REVIEW_NOTE),
    (BOOKINGS, "intake__answers__where_it_hurts", SECRET_ANSWER),
    (INTAKES, "answers__where_it_hurts", SECRET_ANSWER),
    (INTAKES, "review_note", REVIEW_NOTE),
    (INTAKES, "booking_requests__note", SECRET_NOTE),
    (AUDIT, "intake__review_note", REVIEW_NOTE),
    (AUDIT, "intake__answers__where_it_hurts", SECRET_ANSWER),
    (QUESTIONS, "email", READER_EMAIL),
    (QUESTIONS, "article__questions__email", READER_EMAIL),
    (THERAPISTS, "bookings__note", SECRET_NOTE),
    (TIME_OFF, "therapist__bookings__intake__review_note", REVIEW_NOTE),
    (DELETIONS, "decision_note", DECISION_NOTE),
    (DELETIONS, "booking__note", SECRET_NOTE),
]
OPERATORS = ["__icontains", "__startswith", "__exact"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def records(therapist):
    """Every kind of hidden value, each in a row the lists would find."""
    intake = make_intake("MEDICAL")
    reviewing.clear_for_massage(intake, therapist, REVIEW_NOTE)
    alex = make_therapist("alex")
    service = make_service()
    start = timezone.now() + dt.timedelta(days=3)
    booking = make_booking(
        BookingStatus.REQUESTED, service=service, therapist=alex, start=start, intake=intake
    )
    TimeOff.objects.create(therapist=alex, start=start, end=start + dt.timedelta(hours=2))
    make_question(make_article("Stretching"), email=READER_EMAIL)
    DataDeletionRequest.objects.create(
        booking=booking, reference=booking.reference, email=booking.email,
        status="refused", decision_note=DECISION_NOTE, decided_by=therapist,
        decided_at=timezone.now(),
    )  # fmt: skip
    return {"intake": intake, "booking": booking, "therapist": alex}


def comparable(response) -> tuple[int, str]:
    """Status and body, less the per-render CSRF token."""
    body = response.content.decode()
    return response.status_code, re.sub(r'(csrfmiddlewaretoken" value=")[^"]+', r"\1", body)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "path", "secret"), HIDDEN, ids=[f"{u}{p}" for u, p, _ in HIDDEN])
def test_a_hidden_field_cannot_be_probed(request, role, url, path, secret, records):
    client = request.getfixturevalue(role)
    matching = {"__icontains": secret[3:9], "__startswith": secret[:4], "__exact": secret}
    for operator in OPERATORS:
        hit = client.get(url, {path + operator: matching[operator]})
        miss = client.get(url, {path + operator: "zz-no-such-value-zz"})
        assert hit.status_code in (400, 403), operator
        assert comparable(hit) == comparable(miss)  # nothing tells a match from a miss
        for hidden in (SECRET_NOTE, SECRET_ANSWER, REVIEW_NOTE, READER_EMAIL, DECISION_NOTE):
            assert hidden not in hit.content.decode()
        if hit.status_code == 400:
            assert "This list cannot be filtered that way" in hit.content.decode()


def test_front_desk_gets_a_refusal_or_no_list_at_all(front_desk_client, records):
    assert front_desk_client.get(BOOKINGS, {"note__startswith": "S"}).status_code == 400
    assert front_desk_client.get(INTAKES, {"review_note__startswith": "C"}).status_code == 403
    assert front_desk_client.get(QUESTIONS, {"email__startswith": "h"}).status_code == 403


def test_a_therapist_who_may_see_the_note_still_cannot_probe_it(therapist_client, records):
    assert therapist_client.get(BOOKINGS, {"note__startswith": "S"}).status_code == 400
    assert therapist_client.get(INTAKES, {"review_note__startswith": "C"}).status_code == 400


def test_a_refusal_is_logged_with_the_lookup_never_the_value(therapist_client, records, caplog):
    therapist_client.get(INTAKES, {"answers__where_it_hurts__startswith": SECRET_ANSWER[:5]})
    logged = [r.getMessage() for r in caplog.records if r.name.startswith("django.security")]
    assert logged == ["Filtering by answers__where_it_hurts__startswith not allowed"]
    assert SECRET_ANSWER[:5] not in caplog.text


def test_the_refused_value_leaves_no_audit_row(therapist_client, records):
    before = IntakeAccess.objects.count()
    therapist_client.get(INTAKES, {"answers__where_it_hurts": SECRET_ANSWER})
    assert IntakeAccess.objects.count() == before


# --- the lists' own filters still work --------------------------------------------------------

LISTS = {
    "therapist_client": [
        BOOKINGS, INTAKES, AUDIT, QUESTIONS, THERAPISTS, TIME_OFF, DELETIONS,
        "/admin/clinic/service/", "/admin/education/article/", "/admin/education/topic/",
        "/admin/core/clinicsettings/",
    ],
    "front_desk_client": [
        BOOKINGS, THERAPISTS, TIME_OFF, "/admin/clinic/service/", "/admin/core/clinicsettings/",
    ],
}  # fmt: skip


def offered_links(html: str) -> set[str]:
    """The query strings the list itself links to: its filters, date hierarchy, ordering."""
    return {unescape(href) for href in re.findall(r'href="(\?[^"]*)"', html)}


@pytest.mark.parametrize("role", list(LISTS))
def test_every_filter_a_list_offers_is_accepted(request, role, records):
    client = request.getfixturevalue(role)
    therapist_pk = records["therapist"].pk
    for url in LISTS[role]:
        page = client.get(url)
        assert page.status_code == 200, url
        links = offered_links(page.content.decode())
        for query in links:
            response = client.get(url + query)
            assert response.status_code in (200, 302), (url, query)
            assert "cannot be filtered" not in response.content.decode()
    # and a few by hand, as a bookmark would carry them
    for url, query in [
        (
            BOOKINGS,
            f"?needs_action=yes&status__exact=requested&therapist__id__exact={therapist_pk}",
        ),
        (BOOKINGS, "?time=this_month&q=ana&o=2"),
        (TIME_OFF, f"?therapist__id__exact={therapist_pk}&start__year=2026"),
    ]:
        if url in LISTS[role]:
            assert client.get(url + query).status_code == 200, query


def test_therapist_filters_intakes_and_the_audit_trail(therapist_client, therapist, records):
    level = therapist_client.get(INTAKES, {"level__exact": "MEDICAL", "cautions": "no"})
    assert level.status_code == 200 and "Ana Client" in level.content.decode()
    assert therapist_client.get(INTAKES, {"rules_version": "t"}).status_code == 200
    trail = therapist_client.get(
        AUDIT, {"action__exact": "cleared", "user__id__exact": therapist.pk}
    )
    assert trail.status_code == 200 and f">{records['intake'].pk}<" in trail.content.decode()
    assert therapist_client.get(AUDIT, {"at__year": "2026"}).status_code == 200


# --- fields hidden from a role: not in its filters, search or ordering --------------------------


class LeakyBookingAdmin(BookingRequestAdmin):
    """What a careless change might add: the note and the intake's notes everywhere."""

    list_display = [*BookingRequestAdmin.list_display, "note"]
    list_filter = [*BookingRequestAdmin.list_filter, "intake__level"]
    search_fields = [*BookingRequestAdmin.search_fields, "note", "^intake__review_note"]
    date_hierarchy = "requested_start"


def staff_request(user):
    request = RequestFactory().get(BOOKINGS)
    request.user = user
    return request


def test_a_role_never_searches_sorts_or_filters_by_a_field_hidden_from_it(therapist, front_desk):
    leaky = LeakyBookingAdmin(BookingRequest, admin.site)
    desk, tess = staff_request(front_desk), staff_request(therapist)

    assert "note" not in leaky.get_search_fields(desk)
    assert "^intake__review_note" not in leaky.get_search_fields(desk)
    assert "note" not in leaky.get_list_display(desk)
    assert "note" not in leaky.get_sortable_by(desk)
    assert "intake__level" not in leaky.get_list_filter(desk)
    assert not {"note__exact", "intake__level__exact"} & leaky.allowed_lookups(desk)
    assert not leaky.lookup_allowed("intake__level__exact", "MEDICAL", desk)

    # A therapist may see them, so may search and filter by what the list offers.
    assert {"note", "^intake__review_note"} <= set(leaky.get_search_fields(tess))
    assert "note" in leaky.get_list_display(tess)
    assert leaky.lookup_allowed("intake__level__exact", "MEDICAL", tess)
    # ...but never by a lookup the list does not offer.
    assert not leaky.lookup_allowed("note__icontains", "x", tess)
    assert not leaky.lookup_allowed("intake__review_note__startswith", "C", tess)


def test_front_desk_ordering_cannot_reach_the_note(front_desk_client, records):
    """`?o=` indexes the columns the role sees; none of them is the note."""
    for index in range(12):
        response = front_desk_client.get(BOOKINGS, {"o": str(index)})
        assert response.status_code == 200
        assert SECRET_NOTE not in response.content.decode()


def test_every_registered_admin_uses_the_guard():
    ours = {"clinic", "core", "intake", "education"}
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in ours:
            assert isinstance(model_admin, ClinicModelAdmin), model


def test_filter_parameters_match_what_djangos_filters_read():
    assert filter_parameters(BookingRequest, "status") == {"status__exact", "status__isnull"}
    assert filter_parameters(BookingRequest, "therapist") == {
        "therapist__id__exact",
        "therapist__isnull",
    }
    assert filter_parameters(IntakeAccess, "at") == {"at__gte", "at__lt"}
    assert filter_parameters(BookingRequest, "start") == {
        "start__gte",
        "start__lt",
        "start__isnull",
    }
