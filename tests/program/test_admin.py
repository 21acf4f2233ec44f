import re

import pytest
from django.utils import timezone

from clinic.program.models import CheckIn, Enrolment, Lesson, LessonDone, ProgramAccess


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


def _rows(page: str) -> list[str]:
    return re.findall(r'<th class="field-title"><a href="[^"]+">([^<]+)</a>', page)


def test_the_lesson_list_shows_each_language_and_the_missing_translations(
    therapist_client, spanish_lessons, django_assert_max_num_queries
):
    Lesson.objects.filter(slug="movilidad-diaria").delete()
    with django_assert_max_num_queries(15):
        response = therapist_client.get("/admin/program/lesson/")
    page = response.content.decode()
    assert len(_rows(page)) == 15
    assert "column-language" in page and "column-spanish" in page
    assert page.count('<td class="field-spanish">translated</td>') == 7
    assert page.count('<td class="field-spanish">missing</td>') == 1
    assert page.count('<td class="field-spanish">-</td>') == 7  # the translations themselves
    # The filter: English lessons without a Spanish translation.
    with django_assert_max_num_queries(15):
        page = therapist_client.get("/admin/program/lesson/?spanish=missing").content.decode()
    assert _rows(page) == ["Daily mobility"]
    assert "missing Spanish translation" in page
    page = therapist_client.get("/admin/program/lesson/?language__exact=es").content.decode()
    assert len(_rows(page)) == 7 and "Empezar con seguridad" in page


def test_the_lesson_list_asks_no_query_per_lesson(
    therapist_client, spanish_lessons, django_assert_max_num_queries
):
    """Sixteen rows, each with its language and its Spanish translation: one query for the
    rows, whatever their number (the rest is the session, the user and the counts)."""
    therapist_client.get("/admin/program/lesson/")  # the first page of a session does more
    with django_assert_max_num_queries(10):
        page = therapist_client.get("/admin/program/lesson/").content.decode()
    assert len(_rows(page)) == 16


def test_a_lessons_page_links_its_translation_and_back(therapist_client, spanish_lessons):
    spanish = spanish_lessons[0]
    original = spanish.translation_of
    page = therapist_client.get(f"/admin/program/lesson/{original.pk}/change/").content.decode()
    assert (
        f'<a href="/admin/program/lesson/{spanish.pk}/change/">Empezar con seguridad</a> (es)'
        in (page)
    )
    page = therapist_client.get(f"/admin/program/lesson/{spanish.pk}/change/").content.decode()
    assert f'<a href="/admin/program/lesson/{original.pk}/change/">Starting safely</a> (en)' in page
    Lesson.objects.filter(pk=spanish.pk).delete()
    page = therapist_client.get(f"/admin/program/lesson/{original.pk}/change/").content.decode()
    assert "Not translated yet: Spanish readers see this lesson in English." in page
