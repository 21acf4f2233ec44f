"""A search index per language over the published articles only.

A search counts its matches, and at 2,000 articles a common word matches most of them: Postgres
reads every match's row to check that it is published and in the reader's language, and these
two columns sit behind the article's text in the row, the slowest part of the count. An index
holding only the published articles of one language answers both conditions itself; only the
publication time, which moves with the clock, is still read from the row. A Spanish reader's
search (Spanish articles and untranslated English ones) keeps using article_search_vector.
Written through (fastupdate off), as migration 0006 explains for the other search indexes.
"""

from django.db import migrations

# The languages search has a configuration for (migration 0006).
LANGUAGES = ("en", "es")

CREATE_INDEXES = "".join(
    f"CREATE INDEX article_search_published_{code} ON education_article "
    f"USING gin (search_vector) WITH (fastupdate = off) "
    f"WHERE status = 'published' AND language = '{code}';"
    for code in LANGUAGES
)
DROP_INDEXES = "".join(
    f"DROP INDEX IF EXISTS article_search_published_{code};" for code in LANGUAGES
)


class Migration(migrations.Migration):
    dependencies = [
        ("education", "0006_search_per_language"),
    ]

    operations = [migrations.RunSQL(CREATE_INDEXES, DROP_INDEXES)]
