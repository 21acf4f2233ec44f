"""The database's own rules for visit notes: a note is refused any update once 24 hours have
passed since it was signed, and its signature (who, when, which booking) never changes;
addenda are never updated. (Deletion stays possible: a client's deletion request or the
retention period removes them, recorded in the client audit trail.)"""

from django.db import migrations

LOCK = """
CREATE FUNCTION clients_visitnote_lock() RETURNS trigger AS $$
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
CREATE TRIGGER clients_visitnote_lock BEFORE UPDATE ON clients_visitnote
    FOR EACH ROW EXECUTE FUNCTION clients_visitnote_lock();

CREATE FUNCTION clients_addendum_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'addendum % cannot be changed: add another one', OLD.id
        USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER clients_addendum_append_only BEFORE UPDATE ON clients_visitnoteaddendum
    FOR EACH ROW EXECUTE FUNCTION clients_addendum_append_only();
"""

UNLOCK = """
DROP TRIGGER IF EXISTS clients_addendum_append_only ON clients_visitnoteaddendum;
DROP FUNCTION IF EXISTS clients_addendum_append_only();
DROP TRIGGER IF EXISTS clients_visitnote_lock ON clients_visitnote;
DROP FUNCTION IF EXISTS clients_visitnote_lock();
"""


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial")]

    operations = [migrations.RunSQL(LOCK, UNLOCK)]
