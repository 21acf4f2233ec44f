"""Indexes that keep the back office's intake list fast with tens of thousands of intakes:

- the list's own order (unreviewed first, the most severe, the newest), so a page is read
  from an index instead of sorting every intake;
- trigram indexes on the upper-cased name and email, which serve the list's search (Django's
  `icontains` is `UPPER(column) LIKE UPPER('%term%')`);
- the rules version, whose filter lists the versions in use;
- the cautions filter's three choices as partial indexes, so counting its matches reads a
  small index instead of every intake's row (rows are wide: they hold the answers).

Written as SQL because the model declares only the indexes every database needs; the pg_trgm
extension is already installed (education's title index uses it).
"""

from django.db import migrations

# The same expressions as IntakeAdmin.ordering (and Django's "-pk" tie-break), so Postgres
# reads the first page from the index.
LIST_ORDER = (
    "(CASE WHEN review_status = 'new' THEN 0 ELSE 1 END) ASC, "
    "(CASE WHEN level = 'SELF_CARE' THEN 0 WHEN level = 'PROFESSIONAL' THEN 1 "
    "WHEN level = 'MEDICAL' THEN 2 WHEN level = 'EMERGENCY' THEN 3 ELSE NULL END) DESC, "
    "created_at DESC, id DESC"
)

CREATE = f"""
CREATE INDEX intake_admin_list_order ON intake_intake ({LIST_ORDER});
CREATE INDEX intake_name_upper_trgm ON intake_intake USING gin (UPPER(name) gin_trgm_ops);
CREATE INDEX intake_email_upper_trgm ON intake_intake USING gin (UPPER(email) gin_trgm_ops);
CREATE INDEX intake_rules_version ON intake_intake (rules_version);
CREATE INDEX intake_has_cautions ON intake_intake (id)
  WHERE NOT (cautions = '{{}}'::varchar(64)[]);
CREATE INDEX intake_possible_cautions ON intake_intake (id)
  WHERE NOT (cautions_unknown = '{{}}'::varchar(64)[]);
CREATE INDEX intake_no_cautions ON intake_intake (id)
  WHERE cautions = '{{}}'::varchar(64)[] AND cautions_unknown = '{{}}'::varchar(64)[];
"""

DROP = """
DROP INDEX IF EXISTS intake_admin_list_order;
DROP INDEX IF EXISTS intake_name_upper_trgm;
DROP INDEX IF EXISTS intake_email_upper_trgm;
DROP INDEX IF EXISTS intake_rules_version;
DROP INDEX IF EXISTS intake_has_cautions;
DROP INDEX IF EXISTS intake_possible_cautions;
DROP INDEX IF EXISTS intake_no_cautions;
"""


class Migration(migrations.Migration):
    # education 0001 installs the pg_trgm extension.
    dependencies = [("intake", "0007_rechecks"), ("education", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
