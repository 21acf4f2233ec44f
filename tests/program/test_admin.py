import pytest
from django.utils import timezone

from clinic.program.models import CheckIn, Enrolment, LessonDone, ProgramAccess


@pytest.fixture
def enrolments(lessons):
    now = timezone.now()
    rows = []
    for number in range(12):
        row = Enrolment.objects.create(
            email=f"client{number}@example.com",
            confirmed_at=now,
            started_at=now,
            last_activity_at=now,
            baseline_pain=7,
            baseline_limits=6,
        )
        for lesson in lessons[: number % 4]:
            LessonDone.objects.create(enrolment=row, lesson=lesson, done_at=now)
        CheckIn.objects.create(
            enrolment=row, week=2, pain_now=8, limits_now=6, trend="worse", level="PROFESSIONAL"
        )
        rows.append(row)
    return rows


def test_therapists_see_progress_and_scores_in_bounded_queries(
    therapist_client, enrolments, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        response = therapist_client.get("/admin/program/enrolment/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "client3@example.com" in page and "3 / 8" in page
    assert "column-baseline_pain" in page
    change = therapist_client.get(f"/admin/program/enrolment/{enrolments[3].pk}/change/")
    assert "Pain at the start" in change.content.decode()
    assert therapist_client.get("/admin/program/checkin/").status_code == 200
    # Each look at health information is recorded: who, what, when.
    seen = list(ProgramAccess.objects.values_list("action", "enrolment_id", "matched"))
    assert sorted(seen, key=str) == sorted(
        [("viewed", enrolments[3].pk, None), ("listed", None, 12)], key=str
    )


def test_the_check_in_list_stays_bounded(
    therapist_client, enrolments, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        assert therapist_client.get("/admin/program/checkin/").status_code == 200


def test_the_front_desk_sees_progress_but_no_health_detail(
    front_desk_client, enrolments, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        response = front_desk_client.get("/admin/program/enrolment/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "client3@example.com" in page and "3 / 8" in page
    assert "column-baseline_pain" not in page and "column-baseline_limits" not in page
    change = front_desk_client.get(f"/admin/program/enrolment/{enrolments[3].pk}/change/")
    detail = change.content.decode()
    assert change.status_code == 200
    assert "Pain at the start" not in detail and "Check-ins" not in detail
    assert front_desk_client.get("/admin/program/checkin/").status_code == 403
    assert not ProgramAccess.objects.exists()  # nothing of health was shown


def test_lessons_are_listed_in_order_and_a_corrected_body_is_rendered_again(
    therapist_client, lessons, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15):
        page = therapist_client.get("/admin/program/lesson/").content.decode()
    assert page.index(lessons[0].title) < page.index(lessons[7].title)
    lesson = lessons[2]
    data = {
        "title": lesson.title,
        "summary": lesson.summary,
        "goal": lesson.goal,
        "minutes": lesson.minutes,
        "body": lesson.body + "\n\n## A new section\n\nMore words.\n",
        "medical_reviewer": lesson.medical_reviewer,
        "last_reviewed": lesson.last_reviewed.isoformat(),
    }
    response = therapist_client.post(f"/admin/program/lesson/{lesson.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    lesson.refresh_from_db()
    assert 'id="section-a-new-section"' in lesson.body_html
