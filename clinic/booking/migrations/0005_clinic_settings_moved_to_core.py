"""ClinicSettings now belongs to core (see core 0001): forget it here without touching the
table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0004_data_deletion_requests"),
        ("core", "0001_clinic_settings"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="clinicsettings",
                    name="clinic_settings_single_row",
                ),
                migrations.DeleteModel(name="ClinicSettings"),
            ],
        ),
    ]
