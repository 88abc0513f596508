"""search words: the lexemes of the search vectors, for prefix searches (PostgreSQL)

Revision ID: 0017_search_lexemes
Revises: 0013_translations
Create Date: 2026-12-07 02:00:00

PostgreSQL plans `search_vector @@ 'velo':*` with a fixed guess (2 % of the
rows), whatever the word: a word found in nearly every idea is then read
through the GIN index and sorted in full (half a second at 100,000 ideas),
where walking the primary key newest first would stop after a page. The
search (participation/services/search.py) therefore writes each prefix as the
lexemes it stands for ('velo' | 'velos'), whose frequencies the planner
knows from its statistics; `search_lexemes` lists every lexeme of the
ideas' and translations' search vectors, kept by triggers after each insert
or change of a text (never shrunk: a lexeme no text has any more only
matches nothing). Only the search reads it; it holds words, never who wrote
them. SQLite reads FTS5's own vocabulary instead (fts5vocab), so nothing is
created there.
"""

from alembic import op

revision = "0017_search_lexemes"
down_revision = "0013_translations"
branch_labels = None
depends_on = None

UPGRADE = [
    # Byte order ("C"): a prefix is a range of this index.
    'CREATE TABLE search_lexemes (lexeme text COLLATE "C" NOT NULL,'
    " CONSTRAINT pk_search_lexemes PRIMARY KEY (lexeme))",
    """
    CREATE FUNCTION search_lexemes_add() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO search_lexemes (lexeme)
        SELECT DISTINCT unnest(tsvector_to_array(NEW.search_vector))
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    END
    $$
    """,
    # AFTER: the stored generated search_vector is computed by then.
    "CREATE TRIGGER ideas_search_lexemes AFTER INSERT OR UPDATE OF title, body_source"
    " ON ideas FOR EACH ROW EXECUTE FUNCTION search_lexemes_add()",
    "CREATE TRIGGER idea_translations_search_lexemes AFTER INSERT OR UPDATE OF title,"
    " body_source ON idea_translations FOR EACH ROW EXECUTE FUNCTION search_lexemes_add()",
    "INSERT INTO search_lexemes (lexeme)"
    " SELECT unnest(tsvector_to_array(search_vector)) FROM ideas"
    " UNION SELECT unnest(tsvector_to_array(search_vector)) FROM idea_translations"
    " ON CONFLICT DO NOTHING",
]
DOWNGRADE = [
    "DROP TRIGGER IF EXISTS idea_translations_search_lexemes ON idea_translations",
    "DROP TRIGGER IF EXISTS ideas_search_lexemes ON ideas",
    "DROP FUNCTION IF EXISTS search_lexemes_add()",
    "DROP TABLE IF EXISTS search_lexemes",
]


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in UPGRADE:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in DOWNGRADE:
        op.execute(statement)
