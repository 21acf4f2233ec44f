"""An index on the time the back office's list of booking requests shows (the proposed or booked
start, else the client's), for its time filter (today, next 7 days, this month, ...)."""

import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0011_admin_indexes"),
        ("intake", "0008_admin_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="bookingrequest",
            index=models.Index(
                django.db.models.functions.comparison.Coalesce("start", "requested_start"),
                name="booking_shown_start_idx",
            ),
        ),
    ]
