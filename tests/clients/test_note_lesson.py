"""A visit note can recommend a program lesson: chosen from the lessons in order, shown in the
history and the export, correctable for 24 hours with the rest of the note, then locked by the
database too. Removing a lesson from the program clears the recommendation, nothing else."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.clients import records
from clinic.clients.models import Client, VisitNote
from clinic.program.models import Lesson
from tests.clients.support import make_lessons, note_on, session

pytestmark = pytest.mark.django_db

NOTES = "/admin/clients/visitnote/"
FORM = {
    "areas": ["neck"],
    "pressure": "3",
    "techniques": "cross-fibre friction",
    "response": "relaxed, less guarding",
    "home_care": "heat 15 minutes",
    "plan": "work the left side again",
}


@pytest.fixture
def lessons(db):
    return make_lessons()


def change_url(note):
    return f"{NOTES}{note.pk}/change/"


def history_of(therapist_client):
    return therapist_client.get(f"/admin/clients/client/{Client.objects.get().pk}/change/")


def test_the_note_form_offers_the_lessons_in_order(therapist_client, deep60, alex, lessons):
    booking = session(deep60, alex)
    page = therapist_client.get(f"{NOTES}add/?booking={booking.pk}").content.decode()
    assert '<select name="recommended_lesson"' in page
    assert "No lesson" in page
    positions = [page.index(f"Lesson {n}: {lesson.title}<") for n, lesson in enumerate(lessons, 1)]
    assert positions == sorted(positions)
    assert "Lesson 3: Settling a flare" in page


def test_the_note_form_offers_each_lesson_once_whatever_its_translations(
    therapist_client, deep60, alex, lessons
):
    Lesson.objects.create(
        slug="calmar-una-crisis",
        language="es",
        translation_of=lessons[2],
        order=3,
        week=3,
        title="Calmar una crisis",
        summary="Un resumen.",
        goal="Un objetivo.",
        minutes=10,
        body="Palabras.",
        body_html="<p>Palabras.</p>",
        author="La clínica",
    )
    booking = session(deep60, alex)
    page = therapist_client.get(f"{NOTES}add/?booking={booking.pk}").content.decode()
    assert page.count("Lesson 3: ") == 1
    assert "Calmar una crisis" not in page


def test_a_recommended_lesson_is_saved_and_shown_in_the_history_and_export(
    therapist_client, deep60, alex, lessons
):
    booking = session(deep60, alex)
    response = therapist_client.post(
        f"{NOTES}add/?booking={booking.pk}", {**FORM, "recommended_lesson": lessons[2].pk}
    )
    assert response.status_code == 302
    assert VisitNote.objects.get().recommended_lesson == lessons[2]

    page = history_of(therapist_client).content.decode()
    assert "Lesson recommended:" in page and "Lesson 3: Settling a flare" in page
    assert lessons[2].get_absolute_url() in page

    client = Client.objects.get()
    text = therapist_client.get(f"/admin/clients/client/{client.pk}/export/").content.decode()
    assert "lesson recommended: Lesson 3: Settling a flare" in text


def test_no_lesson_is_allowed_and_said_plainly(therapist_client, deep60, alex, lessons):
    booking = session(deep60, alex)
    response = therapist_client.post(f"{NOTES}add/?booking={booking.pk}", FORM)
    assert response.status_code == 302
    assert VisitNote.objects.get().recommended_lesson is None
    assert "Lesson recommended:" not in history_of(therapist_client).content.decode()
    assert "lesson recommended: none" in records.as_text(Client.objects.get())


def test_an_unknown_lesson_is_refused_beside_the_field_and_nothing_is_lost(
    therapist_client, deep60, alex, lessons
):
    booking = session(deep60, alex)
    response = therapist_client.post(
        f"{NOTES}add/?booking={booking.pk}", {**FORM, "recommended_lesson": "999999"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in page
    assert page.index("Select a valid choice") > page.index('name="home_care"')  # beside it
    assert "cross-fibre friction" in page and "relaxed, less guarding" in page  # kept
    assert not VisitNote.objects.exists()


def test_the_recommendation_can_be_corrected_within_24_hours(
    therapist_client, therapist, deep60, alex, lessons
):
    note = note_on(session(deep60, alex), therapist, recommended_lesson=lessons[0])
    response = therapist_client.post(
        change_url(note), {**FORM, "recommended_lesson": lessons[5].pk}
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.recommended_lesson == lessons[5] and note.changed_at is not None


def test_a_locked_notes_recommendation_never_changes(
    therapist_client, therapist, deep60, alex, lessons
):
    signed = timezone.now() - dt.timedelta(hours=25)
    note = note_on(
        session(deep60, alex), therapist, signed_at=signed, recommended_lesson=lessons[2]
    )
    page = therapist_client.get(change_url(note)).content.decode()
    assert "Lesson 3: Settling a flare" in page and '<select name="recommended_lesson"' not in page
    response = therapist_client.post(change_url(note), {**FORM, "recommended_lesson": ""})
    assert response.status_code == 403

    # The database refuses it too: another lesson, or none while the lesson still exists.
    for value in (lessons[4].pk, None):
        with pytest.raises(IntegrityError, match="is locked"), transaction.atomic():
            VisitNote.objects.filter(pk=note.pk).update(recommended_lesson_id=value)
    note.refresh_from_db()
    assert note.recommended_lesson == lessons[2]


def test_removing_a_lesson_clears_it_from_notes_even_locked_ones(therapist, deep60, alex, lessons):
    signed = timezone.now() - dt.timedelta(days=3)
    locked = note_on(
        session(deep60, alex), therapist, signed_at=signed, recommended_lesson=lessons[7]
    )
    fresh = note_on(session(deep60, alex, days_ago=2), therapist, recommended_lesson=lessons[7])
    # As the loader does when a lesson leaves education/content/program/.
    Lesson.objects.filter(pk=lessons[7].pk).delete()

    for note in (locked, fresh):
        note.refresh_from_db()
        assert note.recommended_lesson_id is None
    assert locked.plan == "upper back next time" and locked.signed_at == signed


def test_a_locked_note_cannot_take_other_changes_with_a_removed_lesson(
    therapist, deep60, alex, lessons
):
    from django.db import connection

    signed = timezone.now() - dt.timedelta(days=3)
    note = note_on(
        session(deep60, alex), therapist, signed_at=signed, recommended_lesson=lessons[6]
    )
    with (
        pytest.raises(IntegrityError, match="is locked"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # The constraint is dropped for a moment so the lesson can go with the note untouched.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "ALTER TABLE clients_visitnote DROP CONSTRAINT clients_visitnote_recommended_lesson_fk"
        )
        cursor.execute("DELETE FROM program_lesson WHERE id = %s", [lessons[6].pk])
        cursor.execute(
            "UPDATE clients_visitnote SET recommended_lesson_id = NULL, plan = 'rewritten' "
            "WHERE id = %s",
            [note.pk],
        )
    note.refresh_from_db()
    assert note.plan == "upper back next time" and note.recommended_lesson == lessons[6]
