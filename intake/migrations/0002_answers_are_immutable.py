"""The database refuses any change to an intake's answers or triage result after submission."""

from django.db import migrations

FROZEN = [
    "answers", "level", "fired", "fired_unknown", "cautions", "cautions_unknown", "flags",
    "see_doctor_within", "rules_version", "catalogue_version", "consent_name", "consented_at",
    "created_at",
]

CHECKS = "\n".join(
    f"  IF NEW.{column} IS DISTINCT FROM OLD.{column} THEN\n"
    f"    RAISE EXCEPTION 'intake {column} cannot be changed after submission'\n"
    f"      USING ERRCODE = 'integrity_constraint_violation';\n"
    f"  END IF;"
    for column in FROZEN
)

CREATE = f"""
CREATE OR REPLACE FUNCTION intake_answers_frozen() RETURNS trigger AS $$
BEGIN
{CHECKS}
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER intake_answers_frozen
BEFORE UPDATE ON intake_intake
FOR EACH ROW EXECUTE FUNCTION intake_answers_frozen();
"""

DROP = """
DROP TRIGGER IF EXISTS intake_answers_frozen ON intake_intake;
DROP FUNCTION IF EXISTS intake_answers_frozen();
"""


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_intake")]

    operations = [migrations.RunSQL(CREATE, DROP)]
