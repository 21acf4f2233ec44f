"""Lists of intakes are bulk reads of health data: opening the list, filtering it and
searching it each leave one audit row with who, when, the query as the list accepted it
and how many intakes matched, never an answer."""

import pytest
from django.db import IntegrityError, transaction

from intake.models import IntakeAccess
from tests.factories import SECRET_ANSWER, make_intake

pytestmark = pytest.mark.django_db

INTAKES = "/admin/intake/intake/"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def intakes():
    return [
        make_intake("MEDICAL", name="Mo Medical", cautions=["C01_BLOOD_THINNER"]),
        make_intake("SELF_CARE", name="Sal Selfcare"),
        make_intake("SELF_CARE", name="Sid Selfcare"),
    ]


def listed_after(client, params, **extra) -> IntakeAccess:
    """GET the list; exactly one new audit row, which is returned."""
    before = set(IntakeAccess.objects.values_list("pk", flat=True))
    response = client.get(INTAKES, params, **extra)
    assert response.status_code == 200
    new = IntakeAccess.objects.exclude(pk__in=before)
    assert new.count() == 1
    return new.get()


def test_opening_the_list_is_recorded(therapist_client, therapist, intakes):
    entry = listed_after(therapist_client, {}, REMOTE_ADDR="203.0.113.9")
    assert entry.action == IntakeAccess.Action.LISTED
    assert (entry.user, entry.ip_address, entry.at is not None) == (therapist, "203.0.113.9", True)
    assert (entry.intake, entry.intake_number) == (None, None)
    assert (entry.query, entry.matched) == ({}, 3)


def test_filtering_is_recorded_with_the_filter_chosen(therapist_client, therapist, intakes):
    entry = listed_after(therapist_client, {"level__exact": "MEDICAL"})
    assert (entry.user, entry.query, entry.matched) == (therapist, {"level__exact": "MEDICAL"}, 1)
    entry = listed_after(therapist_client, {"cautions": "yes", "review_status__exact": "new"})
    assert entry.query == {"cautions": "yes", "review_status__exact": "new"}
    assert entry.matched == 1


def test_searching_is_recorded_with_the_search(therapist_client, therapist, intakes):
    entry = listed_after(therapist_client, {"q": "selfcare"})
    assert (entry.user, entry.query, entry.matched) == (therapist, {"q": "selfcare"}, 2)


def test_ordering_and_pages_are_part_of_the_query(therapist_client, intakes):
    entry = listed_after(therapist_client, {"o": "-6", "p": "1", "level__exact": "SELF_CARE"})
    assert entry.query == {"level__exact": "SELF_CARE", "o": "-6", "p": "1"}


def test_a_refused_lookup_on_the_answers_is_not_run_and_records_no_answer(
    therapist_client, intakes
):
    before = IntakeAccess.objects.count()
    response = therapist_client.get(INTAKES, {"answers__where_it_hurts": SECRET_ANSWER})
    assert response.status_code == 400
    assert IntakeAccess.objects.count() == before
    therapist_client.get(INTAKES, {"level__exact": "MEDICAL", "_popup": "1"})
    for query in IntakeAccess.objects.values_list("query", flat=True):
        assert SECRET_ANSWER not in str(query)


def test_front_desk_gets_no_list_and_leaves_no_row(front_desk_client, intakes):
    for params in ({}, {"level__exact": "MEDICAL"}, {"q": "mo"}):
        assert front_desk_client.get(INTAKES, params).status_code == 403
    assert not IntakeAccess.objects.exists()


def test_the_trail_shows_list_rows_with_their_query(therapist_client, intakes):
    listed_after(therapist_client, {"level__exact": "MEDICAL"})
    trail = therapist_client.get("/admin/intake/intakeaccess/", {"action__exact": "listed"})
    html = trail.content.decode()
    assert trail.status_code == 200
    assert "level__exact=MEDICAL (1)" in html
    entry = IntakeAccess.objects.get(action="listed")
    assert str(entry).startswith("List Listed, searched or filtered")


def test_list_rows_cannot_be_changed_either(therapist_client, intakes):
    entry = listed_after(therapist_client, {"q": "mo"})
    with pytest.raises(IntegrityError), transaction.atomic():
        IntakeAccess.objects.filter(pk=entry.pk).update(query={})
    with pytest.raises(IntegrityError), transaction.atomic():
        IntakeAccess.objects.filter(pk=entry.pk).update(matched=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        entry.delete()


def test_a_row_about_one_intake_must_name_it():
    with pytest.raises(IntegrityError), transaction.atomic():
        IntakeAccess.objects.create(intake=None, intake_number=None, action="viewed")


def test_single_views_and_exports_are_still_recorded_as_before(therapist_client, intakes):
    intake = intakes[0]
    therapist_client.get(f"{INTAKES}{intake.pk}/change/")
    therapist_client.get(f"{INTAKES}{intake.pk}/export/")
    rows = IntakeAccess.objects.filter(intake=intake).order_by("pk")
    assert [(r.action, r.intake_number, r.query) for r in rows] == [
        ("viewed", intake.pk, {}),
        ("exported", intake.pk, {}),
    ]


def test_the_list_does_not_load_the_answers(therapist_client, intakes):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        therapist_client.get(INTAKES, {"_facets": "1"})
    listing = [q["sql"] for q in queries if 'FROM "intake_intake"' in q["sql"]]
    assert listing and not any('"intake_intake"."answers"' in sql for sql in listing)
    assert IntakeAccess.objects.get(action="listed").query == {"_facets": "1"}
