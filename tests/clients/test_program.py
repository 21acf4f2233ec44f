"""The self-care program in a client's history and export: where they are for anyone who may
read the history, their scores and check-ins only for therapists (program.view_program_health),
each look recorded in both audit trails, in a fixed number of queries."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinic.clients.models import Client, ClientAccess
from clinic.program.models import ProgramAccess
from tests.clients.support import enrol, make_lessons, session
from tests.conftest import sign_in_with_second_factor
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

LIST = "/admin/clients/client/"
WORSE = (2, 8, 6, "worse", "PROFESSIONAL")
BETTER = (4, 3, 2, "better", "SELF_CARE")


def history_url(client):
    return f"{LIST}{client.pk}/change/"


def export_url(client):
    return f"{LIST}{client.pk}/export/"


@pytest.fixture
def lessons(db):
    return make_lessons()


@pytest.fixture
def ana(deep60, alex):
    session(deep60, alex)  # files ana@example.com as a client
    return Client.objects.get()


@pytest.fixture
def history_reader(client, groups):
    """Someone who may read client histories (and export them) but not program scores."""
    user = make_staff("reader")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["clients", "intake"],
            codename__in=["view_client", "view_intake", "export_intake"],
        )
    )
    return sign_in_with_second_factor(client, user)


def test_therapists_see_progress_scores_and_check_ins(therapist_client, therapist, ana, lessons):
    row = enrol("ana@example.com", lessons=lessons[:3], check_ins=[WORSE, BETTER])

    response = therapist_client.get(history_url(ana), REMOTE_ADDR="203.0.113.9")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Self-care program" in page and "Taking the program." in page
    assert "Lessons done: 3 of 8" in page
    assert "Lesson 1: Starting safely" in page and "Lesson 3: Settling a flare" in page
    assert "Lesson 4: Daily mobility" not in page
    assert "pain 7 of 10, limits the day 6 of 10" in page  # the baseline
    assert page.count('class="client-check-in"') == 2
    assert page.index(">Worse<") < page.index(">Better<")  # week 2 before week 4
    assert "level-PROFESSIONAL" in page and "level-SELF_CARE" in page
    assert f"/admin/program/enrolment/{row.pk}/change/" in page

    assert ClientAccess.objects.filter(action="viewed_history", client=ana).count() == 1
    seen = ProgramAccess.objects.get()
    assert (seen.enrolment, seen.user, seen.action, seen.ip_address) == (
        row,
        therapist,
        "viewed",
        "203.0.113.9",
    )


def test_the_enrolment_is_matched_by_the_normalised_email(therapist_client, ana, lessons):
    enrol("someone.else@example.com", lessons=lessons[:5])
    page = therapist_client.get(history_url(ana)).content.decode()
    assert "has not joined the self-care program" in page
    assert "Lessons done" not in page
    assert not ProgramAccess.objects.exists()


def test_where_a_client_stopped_is_said_in_words(therapist_client, ana):
    enrol(unsubscribed_at=timezone.now(), baseline_pain=None, baseline_limits=None)
    page = therapist_client.get(history_url(ana)).content.decode()
    assert "Unsubscribed: no program email goes out." in page
    assert "Lessons done: 0 of 8" in page and "no scores given" in page


def test_a_client_not_confirmed_yet(therapist_client, ana):
    enrol(confirmed_at=None, started_at=None, last_activity_at=None)
    page = therapist_client.get(history_url(ana)).content.decode()
    assert "Email not confirmed yet" in page and "not yet" in page


def test_without_program_health_the_scores_never_reach_the_page_or_the_export(
    history_reader, ana, lessons
):
    enrol(lessons=lessons[:2], check_ins=[WORSE])
    response = history_reader.get(history_url(ana))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Lessons done: 2 of 8" in page and "Lesson 2: Understanding a knot" in page
    assert "pain 7 of 10" not in page and "client-check-in" not in page
    assert "level-PROFESSIONAL" not in page
    assert "shown only to therapists" in page

    text = history_reader.get(export_url(ana)).content.decode()
    assert "Lessons done: 2 of 8" in text and "Lesson 2: Understanding a knot" in text
    assert "pain 7 of 10" not in text and "Check-in week" not in text
    assert not ProgramAccess.objects.exists()  # no score was shown


def test_the_front_desk_never_reaches_a_client_history(front_desk_client, ana, lessons):
    enrol(lessons=lessons[:2], check_ins=[WORSE])
    assert front_desk_client.get(history_url(ana)).status_code in (403, 404)
    assert front_desk_client.get(export_url(ana)).status_code in (403, 404)
    assert not ProgramAccess.objects.exists()


def test_the_export_has_the_program_with_scores_for_therapists(therapist_client, ana, lessons):
    row = enrol(lessons=lessons[:3], check_ins=[WORSE, BETTER])
    text = therapist_client.get(export_url(ana)).content.decode()
    program = text[text.index("Self-care program") :]
    assert "Taking the program." in program
    assert "Lessons done: 3 of 8" in program and "Lesson 3: Settling a flare" in program
    assert "At the start: pain 7 of 10, limits the day 6 of 10" in program
    assert "Check-in week 2" in program and "pain 8 of 10, limits the day 6 of 10" in program
    assert "Worse" in program
    assert "Check-in week 4" in program and "Better" in program
    assert ProgramAccess.objects.filter(enrolment=row, action="viewed").count() == 1
    assert ClientAccess.objects.filter(action="exported", client=ana).count() == 1


def test_the_export_says_when_there_is_no_program(therapist_client, ana):
    text = therapist_client.get(export_url(ana)).content.decode()
    assert "Never joined the program with this email." in text


def test_the_history_does_not_grow_in_queries_with_lessons_or_check_ins(
    therapist_client, ana, lessons, django_assert_max_num_queries
):
    def queries_for_history():
        with CaptureQueriesContext(connection) as done:
            assert therapist_client.get(history_url(ana)).status_code == 200
        return len(done)

    row = enrol(lessons=lessons[:1], check_ins=[WORSE])
    queries_for_history()  # the first page of a session loads it, the user and their device
    few = queries_for_history()

    from clinic.program.models import CheckIn, LessonDone

    for lesson in lessons[1:]:
        LessonDone.objects.create(enrolment=row, lesson=lesson, done_at=timezone.now())
    CheckIn.objects.bulk_create(
        CheckIn(
            enrolment=row, week=6, pain_now=n % 11, limits_now=3, trend="same", level="SELF_CARE"
        )
        for n in range(40)
    )
    with django_assert_max_num_queries(20):
        many = queries_for_history()
    assert many == few
    page = therapist_client.get(history_url(ana)).content.decode()
    assert "Lessons done: 8 of 8" in page and page.count('class="client-check-in"') == 41
