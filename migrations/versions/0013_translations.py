"""translations of ideas; similar ideas ranked per language (stems and stop words)

Revision ID: 0013_translations
Revises: 0007_outbox
Create Date: 2026-11-22 07:00:00

- Table `idea_translations`: an idea's title and description in another
  language, by its author or offered by a participant (moderated).
- ideas.title_fr / title_nl / title_en: the published translation's title per
  language, so that cards in lists show it without another query.
- Similar ideas, per language with stemming and stop words:
  PostgreSQL: stored generated tsvectors `similar_vector` on ideas and on
  idea_translations, built with the `french`, `dutch` or `english`
  configuration of the row's language (title weight A, description B), each
  with a GIN index. SQLite: FTS5 tables `ideas_similar` and
  `idea_translations_similar` holding the stems that the SQL function
  stem_text() (participation/stemming.py, registered on every connection)
  produces; triggers keep them.
- The list search also finds ideas through their translations:
  PostgreSQL: a generated `search_vector` ('simple', accents folded, as on
  ideas) with a GIN index on idea_translations; SQLite: an external-content
  FTS5 table `idea_translations_fts`, kept by triggers.

- The moderation log's actions gain approve_translation and reject_translation
  (its check constraint is replaced; SQLite rebuilds moderation_actions, never
  `ideas`).

Only new tables, ADD COLUMN and triggers on `ideas`: it is never rebuilt.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_translations"
down_revision = "0016_consultations_more"
branch_labels = None
depends_on = None

# Keep in sync with participation/services/search.py.
PG_ACCENTS = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝ"
PG_PLAIN = "aaaaaaceeeeiiiinooooouuuuyyAAAAAACEEEEIIIINOOOOOUUUUY"
PG_DOCUMENT = (
    "to_tsvector('simple'::regconfig, translate(coalesce(title, '') || ' ' || "
    f"coalesce(body_source, ''), '{PG_ACCENTS}', '{PG_PLAIN}'))"
)
PG_CONFIG = (
    "(CASE language WHEN 'fr' THEN 'french'::regconfig WHEN 'nl' THEN 'dutch'::regconfig"
    " ELSE 'english'::regconfig END)"
)
PG_SIMILAR = (
    f"setweight(to_tsvector({PG_CONFIG}, coalesce(title, '')), 'A') || "
    f"setweight(to_tsvector({PG_CONFIG}, coalesce(body_source, '')), 'B')"
)

PG_UPGRADE = [
    "ALTER TABLE ideas ADD COLUMN similar_vector tsvector"
    f" GENERATED ALWAYS AS ({PG_SIMILAR}) STORED",
    "CREATE INDEX ix_ideas_similar_vector ON ideas USING gin (similar_vector)",
    "ALTER TABLE idea_translations ADD COLUMN similar_vector tsvector"
    f" GENERATED ALWAYS AS ({PG_SIMILAR}) STORED",
    "CREATE INDEX ix_idea_translations_similar_vector ON idea_translations"
    " USING gin (similar_vector)",
    "ALTER TABLE idea_translations ADD COLUMN search_vector tsvector"
    f" GENERATED ALWAYS AS ({PG_DOCUMENT}) STORED",
    "CREATE INDEX ix_idea_translations_search_vector ON idea_translations"
    " USING gin (search_vector)",
]
PG_DOWNGRADE = [
    "DROP INDEX IF EXISTS ix_ideas_similar_vector",
    "ALTER TABLE ideas DROP COLUMN IF EXISTS similar_vector",
]

SQLITE_UPGRADE = [
    # Similar ideas: the stems of each idea and of each translation.
    """
    CREATE VIRTUAL TABLE ideas_similar USING fts5(
        title, body, tokenize='unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER ideas_similar_after_insert AFTER INSERT ON ideas BEGIN
        INSERT INTO ideas_similar(rowid, title, body) VALUES
        (new.id, stem_text(new.title, new.language), stem_text(new.body_source, new.language));
    END
    """,
    """
    CREATE TRIGGER ideas_similar_after_update
    AFTER UPDATE OF title, body_source, language ON ideas BEGIN
        DELETE FROM ideas_similar WHERE rowid = old.id;
        INSERT INTO ideas_similar(rowid, title, body) VALUES
        (new.id, stem_text(new.title, new.language), stem_text(new.body_source, new.language));
    END
    """,
    """
    CREATE TRIGGER ideas_similar_after_delete AFTER DELETE ON ideas BEGIN
        DELETE FROM ideas_similar WHERE rowid = old.id;
    END
    """,
    "INSERT INTO ideas_similar(rowid, title, body) SELECT id, stem_text(title, language),"
    " stem_text(body_source, language) FROM ideas",
    """
    CREATE VIRTUAL TABLE idea_translations_similar USING fts5(
        title, body, tokenize='unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER idea_translations_similar_after_insert AFTER INSERT ON idea_translations
    BEGIN
        INSERT INTO idea_translations_similar(rowid, title, body) VALUES
        (new.id, stem_text(new.title, new.language), stem_text(new.body_source, new.language));
    END
    """,
    """
    CREATE TRIGGER idea_translations_similar_after_update
    AFTER UPDATE OF title, body_source, language ON idea_translations BEGIN
        DELETE FROM idea_translations_similar WHERE rowid = old.id;
        INSERT INTO idea_translations_similar(rowid, title, body) VALUES
        (new.id, stem_text(new.title, new.language), stem_text(new.body_source, new.language));
    END
    """,
    """
    CREATE TRIGGER idea_translations_similar_after_delete AFTER DELETE ON idea_translations
    BEGIN
        DELETE FROM idea_translations_similar WHERE rowid = old.id;
    END
    """,
    # The list search: the words of each translation, as ideas_fts (0003_search).
    """
    CREATE VIRTUAL TABLE idea_translations_fts USING fts5(
        title, body_source,
        content='idea_translations', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER idea_translations_fts_after_insert AFTER INSERT ON idea_translations BEGIN
        INSERT INTO idea_translations_fts(rowid, title, body_source)
        VALUES (new.id, new.title, new.body_source);
    END
    """,
    """
    CREATE TRIGGER idea_translations_fts_after_delete AFTER DELETE ON idea_translations BEGIN
        INSERT INTO idea_translations_fts(idea_translations_fts, rowid, title, body_source)
        VALUES ('delete', old.id, old.title, old.body_source);
    END
    """,
    """
    CREATE TRIGGER idea_translations_fts_after_update
    AFTER UPDATE OF title, body_source ON idea_translations BEGIN
        INSERT INTO idea_translations_fts(idea_translations_fts, rowid, title, body_source)
        VALUES ('delete', old.id, old.title, old.body_source);
        INSERT INTO idea_translations_fts(rowid, title, body_source)
        VALUES (new.id, new.title, new.body_source);
    END
    """,
]
SQLITE_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS idea_translations_fts_after_update",
    "DROP TRIGGER IF EXISTS idea_translations_fts_after_delete",
    "DROP TRIGGER IF EXISTS idea_translations_fts_after_insert",
    "DROP TABLE IF EXISTS idea_translations_fts",
    "DROP TRIGGER IF EXISTS idea_translations_similar_after_delete",
    "DROP TRIGGER IF EXISTS idea_translations_similar_after_update",
    "DROP TRIGGER IF EXISTS idea_translations_similar_after_insert",
    "DROP TABLE IF EXISTS idea_translations_similar",
    "DROP TRIGGER IF EXISTS ideas_similar_after_delete",
    "DROP TRIGGER IF EXISTS ideas_similar_after_update",
    "DROP TRIGGER IF EXISTS ideas_similar_after_insert",
    "DROP TABLE IF EXISTS ideas_similar",
]


OLD_ACTIONS = (
    "'approve', 'reject', 'hide', 'restore', 'keep_hidden', 'dismiss_reports', 'auto_hide', "
    "'mark_duplicate', 'suspend', 'ban', 'lift_sanction', 'change_role'"
)
NEW_ACTIONS = OLD_ACTIONS + ", 'approve_translation', 'reject_translation'"


def _actions_check(values: str) -> None:
    with op.batch_alter_table("moderation_actions", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_moderation_actions_action"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_moderation_actions_action"), f"action IN ({values})"
        )


def upgrade():
    _actions_check(NEW_ACTIONS)
    op.create_table(
        "idea_translations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("body_source", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("translator_id", sa.Integer(), nullable=False),
        sa.Column("by_author", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("rejection_reason_code", sa.String(length=20), nullable=True),
        sa.Column("rejection_reason_text", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'published', 'rejected')",
            name=op.f("ck_idea_translations_status"),
        ),
        sa.CheckConstraint(
            "language IN ('fr', 'nl', 'en')", name=op.f("ck_idea_translations_language")
        ),
        sa.ForeignKeyConstraint(
            ["idea_id"],
            ["ideas.id"],
            name=op.f("fk_idea_translations_idea_id_ideas"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["translator_id"], ["users.id"], name=op.f("fk_idea_translations_translator_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_translations")),
    )
    op.create_index(
        "ix_idea_translations_idea_id_language",
        "idea_translations",
        ["idea_id", "language"],
        unique=True,
    )
    op.create_index(
        "ix_idea_translations_status_created_at",
        "idea_translations",
        ["status", "created_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_idea_translations_translator_id"),
        "idea_translations",
        ["translator_id"],
        unique=False,
    )
    for language in ("fr", "nl", "en"):
        op.add_column("ideas", sa.Column(f"title_{language}", sa.String(120), nullable=True))
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_UPGRADE, "postgresql": PG_UPGRADE}.get(dialect, []):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_DOWNGRADE, "postgresql": PG_DOWNGRADE}.get(dialect, []):
        op.execute(statement)
    for language in ("en", "nl", "fr"):
        op.drop_column("ideas", f"title_{language}")
    op.drop_index(op.f("ix_idea_translations_translator_id"), table_name="idea_translations")
    op.drop_index("ix_idea_translations_status_created_at", table_name="idea_translations")
    op.drop_index("ix_idea_translations_idea_id_language", table_name="idea_translations")
    op.drop_table("idea_translations")
    op.execute(
        "DELETE FROM moderation_actions"
        " WHERE action IN ('approve_translation', 'reject_translation')"
    )
    _actions_check(OLD_ACTIONS)
