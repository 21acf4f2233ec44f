import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

IMMUTABLE = """
CREATE OR REPLACE FUNCTION intake_audit_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'intake audit entries cannot be deleted'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  -- The only change allowed: losing the link to an intake that was deleted.
  IF NEW.intake_id IS NOT NULL AND NEW.intake_id IS DISTINCT FROM OLD.intake_id
     OR NEW.intake_number IS DISTINCT FROM OLD.intake_number
     OR NEW.user_id IS DISTINCT FROM OLD.user_id
     OR NEW.action IS DISTINCT FROM OLD.action
     OR NEW.ip_address IS DISTINCT FROM OLD.ip_address
     OR NEW.at IS DISTINCT FROM OLD.at THEN
    RAISE EXCEPTION 'intake audit entries cannot be changed'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER intake_audit_append_only
BEFORE UPDATE OR DELETE ON intake_intakeaccess
FOR EACH ROW EXECUTE FUNCTION intake_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS intake_audit_append_only ON intake_intakeaccess;
DROP FUNCTION IF EXISTS intake_audit_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0002_answers_are_immutable"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="intakeaccess",
            options={
                "ordering": ["-at"],
                "verbose_name": "intake audit entry",
                "verbose_name_plural": "intake audit trail",
            },
        ),
        migrations.AddField(
            model_name="intakeaccess",
            name="intake_number",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.RunSQL(
            "UPDATE intake_intakeaccess SET intake_number = intake_id", migrations.RunSQL.noop
        ),
        migrations.AlterField(
            model_name="intakeaccess",
            name="intake_number",
            field=models.PositiveBigIntegerField(db_index=True, verbose_name="intake number"),
        ),
        migrations.AddField(
            model_name="intakeaccess",
            name="ip_address",
            field=models.GenericIPAddressField(blank=True, null=True, verbose_name="from address"),
        ),
        migrations.AlterField(
            model_name="intakeaccess",
            name="intake",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="accesses",
                to="intake.intake",
                verbose_name="intake",
            ),
        ),
        migrations.AlterField(
            model_name="intakeaccess",
            name="user",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty for the automatic retention purge.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="staff member",
            ),
        ),
        migrations.AlterField(
            model_name="intakeaccess",
            name="action",
            field=models.CharField(
                choices=[
                    ("viewed", "Viewed"),
                    ("reviewed", "Marked reviewed"),
                    ("cleared", "Cleared for massage"),
                    ("referred", "Referred to a doctor"),
                    ("exported", "Exported"),
                    ("deleted", "Deleted on the client's request"),
                    ("purged", "Purged after the retention period"),
                ],
                max_length=16,
                verbose_name="action",
            ),
        ),
        migrations.AlterField(
            model_name="intakeaccess",
            name="at",
            field=models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="when"),
        ),
        migrations.RunSQL(IMMUTABLE, DROP),
    ]
