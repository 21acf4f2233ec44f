"""A visit note may recommend a program lesson.

The lock (migration 0002) already refuses any update of a note signed more than 24 hours ago,
so a locked note's recommendation cannot change either: this migration restates the trigger
function so the rule is written down beside the new column, with one exception. The column's
foreign key is the database's own, ON DELETE SET NULL: if a lesson is removed from the program,
the database clears the recommendation on every note, locked ones included, and the trigger
lets exactly that through (the lesson row is gone, nothing else in the note changes). Django
leaves the column to the database (DO_NOTHING, no constraint of its own), because a Django-side
SET_NULL would update the notes while the lesson still exists, which the lock must refuse: the
same UPDATE a person could send to clear a locked recommendation."""

from django.db import migrations, models

LOCK = """
ALTER TABLE clients_visitnote ADD CONSTRAINT clients_visitnote_recommended_lesson_fk
    FOREIGN KEY (recommended_lesson_id) REFERENCES program_lesson (id) ON DELETE SET NULL;

CREATE OR REPLACE FUNCTION clients_visitnote_lock() RETURNS trigger AS $$
DECLARE
    unlinked clients_visitnote;
BEGIN
    -- The lesson it recommended was removed from the program: the foreign key clears the
    -- recommendation, and nothing else changes. Allowed even on a locked note.
    IF OLD.recommended_lesson_id IS NOT NULL AND NEW.recommended_lesson_id IS NULL
       AND NOT EXISTS (SELECT 1 FROM program_lesson WHERE id = OLD.recommended_lesson_id) THEN
        unlinked := OLD;
        unlinked.recommended_lesson_id := NULL;
        IF NEW IS NOT DISTINCT FROM unlinked THEN
            RETURN NEW;
        END IF;
    END IF;
    -- Locked 24 hours after signing: every column, the lesson recommended included.
    IF OLD.signed_at <= now() - interval '24 hours' THEN
        RAISE EXCEPTION 'visit note % is locked: signed more than 24 hours ago', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.signed_at IS DISTINCT FROM OLD.signed_at
       OR NEW.signed_by_id IS DISTINCT FROM OLD.signed_by_id
       OR NEW.booking_id IS DISTINCT FROM OLD.booking_id
       OR NEW.client_id IS DISTINCT FROM OLD.client_id THEN
        RAISE EXCEPTION 'visit note %: the signature and booking never change', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

# Migration 0002's function, as it was.
UNLOCK = """
CREATE OR REPLACE FUNCTION clients_visitnote_lock() RETURNS trigger AS $$
BEGIN
    IF OLD.signed_at <= now() - interval '24 hours' THEN
        RAISE EXCEPTION 'visit note % is locked: signed more than 24 hours ago', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.signed_at IS DISTINCT FROM OLD.signed_at
       OR NEW.signed_by_id IS DISTINCT FROM OLD.signed_by_id
       OR NEW.booking_id IS DISTINCT FROM OLD.booking_id
       OR NEW.client_id IS DISTINCT FROM OLD.client_id THEN
        RAISE EXCEPTION 'visit note %: the signature and booking never change', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

ALTER TABLE clients_visitnote DROP CONSTRAINT IF EXISTS clients_visitnote_recommended_lesson_fk;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0002_visit_note_lock"),
        ("program", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="visitnote",
            name="recommended_lesson",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=models.DO_NOTHING,
                related_name="+",
                to="program.lesson",
                verbose_name="lesson recommended",
            ),
        ),
        migrations.RunSQL(LOCK, UNLOCK),
    ]
