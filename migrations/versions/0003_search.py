"""full-text search over ideas (FTS5 on SQLite, tsvector + GIN on PostgreSQL)

Revision ID: 0003_search
Revises: 0002_ideas
Create Date: 2026-11-21 12:30:00

SQLite: an external-content FTS5 table `ideas_fts` over ideas.title and
ideas.body_source (rowid = ideas.id), kept in sync by triggers; accents are
folded by the unicode61 tokenizer. PostgreSQL: a GIN index on the expression
to_tsvector('simple', title || ' ' || body_source), accents folded with
translate(); queries repeat the same
expression (participation/services/search.py) so the planner uses it.
Neither object is in the SQLAlchemy metadata: migrations/env.py keeps
autogenerate from looking at them.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0003_search"
down_revision = "0002_ideas"
branch_labels = None
depends_on = None

# Keep in sync with participation/services/search.py (PG_DOCUMENT; a test
# checks that queries use this index). The 'simple' configuration does not fold
# accents and the unaccent extension is not always installed: translate(),
# which is immutable, folds the accents of French and Dutch instead.
PG_ACCENTS = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝ"
PG_PLAIN = "aaaaaaceeeeiiiinooooouuuuyyAAAAAACEEEEIIIINOOOOOUUUUY"
PG_DOCUMENT = (
    "to_tsvector('simple', translate(coalesce(title, '') || ' ' || coalesce(body_source, ''), "
    f"'{PG_ACCENTS}', '{PG_PLAIN}'))"
)

SQLITE_UPGRADE = [
    """
    CREATE VIRTUAL TABLE ideas_fts USING fts5(
        title, body_source,
        content='ideas', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER ideas_fts_after_insert AFTER INSERT ON ideas BEGIN
        INSERT INTO ideas_fts(rowid, title, body_source)
        VALUES (new.id, new.title, new.body_source);
    END
    """,
    """
    CREATE TRIGGER ideas_fts_after_delete AFTER DELETE ON ideas BEGIN
        INSERT INTO ideas_fts(ideas_fts, rowid, title, body_source)
        VALUES ('delete', old.id, old.title, old.body_source);
    END
    """,
    """
    CREATE TRIGGER ideas_fts_after_update AFTER UPDATE OF title, body_source ON ideas BEGIN
        INSERT INTO ideas_fts(ideas_fts, rowid, title, body_source)
        VALUES ('delete', old.id, old.title, old.body_source);
        INSERT INTO ideas_fts(rowid, title, body_source)
        VALUES (new.id, new.title, new.body_source);
    END
    """,
    # Index the ideas that already exist.
    "INSERT INTO ideas_fts(ideas_fts) VALUES ('rebuild')",
]

SQLITE_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS ideas_fts_after_update",
    "DROP TRIGGER IF EXISTS ideas_fts_after_delete",
    "DROP TRIGGER IF EXISTS ideas_fts_after_insert",
    "DROP TABLE IF EXISTS ideas_fts",
]

PG_UPGRADE = [f"CREATE INDEX ix_ideas_search ON ideas USING gin ({PG_DOCUMENT})"]
PG_DOWNGRADE = ["DROP INDEX IF EXISTS ix_ideas_search"]


def _run(statements_by_dialect):
    dialect = op.get_bind().dialect.name
    for statement in statements_by_dialect.get(dialect, []):
        op.execute(statement)


def upgrade():
    _run({"sqlite": SQLITE_UPGRADE, "postgresql": PG_UPGRADE})


def downgrade():
    _run({"sqlite": SQLITE_DOWNGRADE, "postgresql": PG_DOWNGRADE})
