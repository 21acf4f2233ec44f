"""Search per language: accent-free text search configurations, and the indexes search uses.

education_english and education_spanish copy Postgres's own configurations and pass each word
through unaccent before stemming, so "músculo", "musculo" and "MÚSCULO" become one lexeme while
snippets (ts_headline) still show the text as written. education_search_config() names an
article's configuration from its language; the stored search vector and the index below use it.

education_search_head() is the vector of an article's title and summary alone; its GIN index
lets a search on a large library pick the articles to rank without reading every body's vector.

education_unaccent() is unaccent() with its dictionary named, which Postgres may treat as
IMMUTABLE and so index: the typo fallback compares titles through it, served by a trigram index
on the unaccented title.

The admin's article search (search_fields title and summary: Django's icontains, that is
UPPER(column) LIKE UPPER('%term%')) gets trigram indexes on those expressions.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

CONFIGURATIONS = (("education_english", "english"), ("education_spanish", "spanish"))

CREATE_CONFIGURATIONS = "".join(
    f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = pg_catalog.{base});"
    f"ALTER TEXT SEARCH CONFIGURATION {name} "
    f"ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, {base}_stem;"
    for name, base in CONFIGURATIONS
)
DROP_CONFIGURATIONS = "".join(
    f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name};" for name, _ in CONFIGURATIONS
)

CREATE_FUNCTIONS = """
CREATE FUNCTION education_search_config(language text) RETURNS regconfig
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE language WHEN 'es' THEN 'education_spanish'::regconfig
                     ELSE 'education_english'::regconfig END;

CREATE FUNCTION education_search_head(language text, title text, summary text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN to_tsvector(education_search_config(language),
                   coalesce(title, '') || ' ' || coalesce(summary, ''));

CREATE FUNCTION education_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN public.unaccent('public.unaccent'::regdictionary, $1);
"""
DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS education_unaccent(text);
DROP FUNCTION IF EXISTS education_search_head(text, text, text);
DROP FUNCTION IF EXISTS education_search_config(text);
"""

# Articles change a few times a day: GIN's pending list (fastupdate) would save nothing on
# writes, and until a vacuum cleans it every search must read it and the planner prices the
# index too high to use it, just after an import. So the search indexes are written through.
CREATE_INDEXES = """
CREATE INDEX article_search_head ON education_article
USING gin (education_search_head(language, title, summary)) WITH (fastupdate = off);
CREATE INDEX article_title_unaccent_trgm ON education_article
USING gin (education_unaccent(title) gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX article_title_upper_trgm ON education_article
USING gin (UPPER(title) gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX article_summary_upper_trgm ON education_article
USING gin (UPPER(summary) gin_trgm_ops) WITH (fastupdate = off);
ALTER INDEX article_search_vector SET (fastupdate = off);
"""
DROP_INDEXES = """
ALTER INDEX article_search_vector RESET (fastupdate);
DROP INDEX IF EXISTS article_search_head;
DROP INDEX IF EXISTS article_title_unaccent_trgm;
DROP INDEX IF EXISTS article_title_upper_trgm;
DROP INDEX IF EXISTS article_summary_upper_trgm;
"""

# Each article indexed in its own language (the same expression search.search_vector() builds).
REINDEX_ARTICLES = """
UPDATE education_article SET search_vector =
    setweight(to_tsvector(education_search_config(language), coalesce(title, '')), 'A')
    || setweight(to_tsvector(education_search_config(language), coalesce(summary, '')), 'B')
    || setweight(to_tsvector(education_search_config(language), coalesce(body_text, '')), 'C');
"""


class Migration(migrations.Migration):
    dependencies = [
        ("education", "0005_topic_translations"),
    ]

    operations = [
        UnaccentExtension(),
        migrations.RunSQL(CREATE_CONFIGURATIONS, DROP_CONFIGURATIONS),
        migrations.RunSQL(CREATE_FUNCTIONS, DROP_FUNCTIONS),
        migrations.RunSQL(CREATE_INDEXES, DROP_INDEXES),
        migrations.RunSQL(REINDEX_ARTICLES, migrations.RunSQL.noop),
    ]
