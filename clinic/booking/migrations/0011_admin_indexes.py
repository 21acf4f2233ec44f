"""Indexes for the back office's list of booking requests at a busy clinic's size: its order
(newest first) and trigram indexes on the upper-cased reference, name, email and phone for its
search (Django's `icontains` is `UPPER(column) LIKE UPPER('%term%')`, so a part of a reference
or an email is found through the index too). SQL, like the other admin indexes."""

from django.db import migrations

SEARCHED = ("reference", "client_name", "email", "phone")

CREATE = "\n".join(
    [
        "CREATE INDEX booking_created_newest ON clinic_bookingrequest (created_at DESC, id DESC);",
        *(
            f"CREATE INDEX booking_{column}_upper_trgm ON clinic_bookingrequest "
            f"USING gin (UPPER({column}) gin_trgm_ops);"
            for column in SEARCHED
        ),
    ]
)

DROP = "\n".join(
    [
        "DROP INDEX IF EXISTS booking_created_newest;",
        *(f"DROP INDEX IF EXISTS booking_{column}_upper_trgm;" for column in SEARCHED),
    ]
)


class Migration(migrations.Migration):
    # education 0001 installs the pg_trgm extension.
    dependencies = [("clinic", "0010_translations"), ("education", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
