"""Indexes for the back office's client list at a busy clinic's size: its order (name, then
email) and trigram indexes on the upper-cased name and email for its search (Django's
`icontains` is `UPPER(column) LIKE UPPER('%term%')`). SQL, like the other admin indexes."""

from django.db import migrations

CREATE = """
CREATE INDEX client_name_email ON clients_client (name, email);
CREATE INDEX client_name_upper_trgm ON clients_client USING gin (UPPER(name) gin_trgm_ops);
CREATE INDEX client_email_upper_trgm ON clients_client USING gin (UPPER(email) gin_trgm_ops);
"""

DROP = """
DROP INDEX IF EXISTS client_name_email;
DROP INDEX IF EXISTS client_name_upper_trgm;
DROP INDEX IF EXISTS client_email_upper_trgm;
"""


class Migration(migrations.Migration):
    # education 0001 installs the pg_trgm extension.
    dependencies = [
        ("clients", "0003_visitnote_recommended_lesson"),
        ("education", "0001_initial"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
