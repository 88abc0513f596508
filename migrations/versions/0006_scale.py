"""region scale: sort indexes, stored challenge totals, trending score, stored tsvector

Revision ID: 0006_scale
Revises: 0005_officials
Create Date: 2026-11-22 03:00:00

- Indexes whose order is the order of each list sort (newest, most supported,
  most discussed, trending), with `status` as a trailing column so the
  listed-status filter is read from the index; an index on official_status.
- challenges.idea_count / challenges.support_count: the number of listed
  (published or withdrawn) ideas of a challenge and the sum of their
  support_count, kept by triggers on `ideas` in the same transaction as the
  change they sum, whoever writes it (services, demo loader, bulk loads).
- ideas.trending_score: sum over the idea's supports of
  2 ** ((created_at - 2026-01-01) / 7 days), kept by triggers on `supports`.
  Ordering by it is ordering by supports weighted by age with a one-week half
  life (the common decay factor cancels out), without reading `supports`.
  Doubles hold it until about 2045.
- PostgreSQL: a stored generated tsvector column `search_vector` with a GIN
  index replaces the expression index of 0003, so ranking reads the stored
  vector instead of re-parsing every matching idea.
- ANALYZE, so the planners know the sizes.

Only ALTER TABLE ADD COLUMN / CREATE INDEX / CREATE TRIGGER: the ideas table is
never rebuilt on SQLite (its FTS triggers stay).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_scale"
down_revision = "0005_officials"
branch_labels = None
depends_on = None

LISTED = "('published', 'withdrawn')"
# Keep in sync with participation/services/search.py (PG_DOCUMENT).
PG_ACCENTS = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝ"
PG_PLAIN = "aaaaaaceeeeiiiinooooouuuuyyAAAAAACEEEEIIIINOOOOOUUUUY"
PG_DOCUMENT = (
    "to_tsvector('simple'::regconfig, translate(coalesce(title, '') || ' ' || "
    f"coalesce(body_source, ''), '{PG_ACCENTS}', '{PG_PLAIN}'))"
)
OLD_PG_DOCUMENT = (
    "to_tsvector('simple', translate(coalesce(title, '') || ' ' || coalesce(body_source, ''), "
    f"'{PG_ACCENTS}', '{PG_PLAIN}'))"
)

INDEXES = [
    ("ix_ideas_newest", ["published_at", "id", "status"]),
    ("ix_ideas_supported", ["support_count", "published_at", "id", "status"]),
    ("ix_ideas_discussed", ["comment_count", "published_at", "id", "status"]),
    ("ix_ideas_trending", ["trending_score", "id", "status"]),
    ("ix_ideas_challenge_newest", ["challenge_id", "published_at", "id", "status"]),
    ("ix_ideas_official_status", ["official_status"]),
    # A municipality filter reads its few thousand ideas from here and sorts
    # them without touching the table, whatever the order asked.
    (
        "ix_ideas_place_sorts",
        [
            "municipality_id",
            "challenge_id",
            "status",
            "published_at",
            "support_count",
            "comment_count",
            "trending_score",
            "id",
        ],
    ),
]

SQLITE_WEIGHT = "pow(2.0, (julianday({row}.created_at) - julianday('2026-01-01')) / 7.0)"
SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER challenges_totals_after_insert AFTER INSERT ON ideas
    WHEN new.status IN {LISTED} BEGIN
        UPDATE challenges SET idea_count = idea_count + 1,
            support_count = support_count + new.support_count
        WHERE id = new.challenge_id;
    END
    """,
    f"""
    CREATE TRIGGER challenges_totals_after_delete AFTER DELETE ON ideas
    WHEN old.status IN {LISTED} BEGIN
        UPDATE challenges SET idea_count = idea_count - 1,
            support_count = support_count - old.support_count
        WHERE id = old.challenge_id;
    END
    """,
    f"""
    CREATE TRIGGER challenges_totals_after_update
    AFTER UPDATE OF status, challenge_id, support_count ON ideas BEGIN
        UPDATE challenges SET idea_count = idea_count - 1,
            support_count = support_count - old.support_count
        WHERE id = old.challenge_id AND old.status IN {LISTED};
        UPDATE challenges SET idea_count = idea_count + 1,
            support_count = support_count + new.support_count
        WHERE id = new.challenge_id AND new.status IN {LISTED};
    END
    """,
    f"""
    CREATE TRIGGER ideas_trending_after_insert AFTER INSERT ON supports BEGIN
        UPDATE ideas SET trending_score = trending_score + {SQLITE_WEIGHT.format(row="new")}
        WHERE id = new.idea_id;
    END
    """,
    f"""
    CREATE TRIGGER ideas_trending_after_delete AFTER DELETE ON supports BEGIN
        UPDATE ideas SET trending_score = trending_score - {SQLITE_WEIGHT.format(row="old")}
        WHERE id = old.idea_id;
    END
    """,
]
SQLITE_TRIGGER_NAMES = [
    "challenges_totals_after_insert",
    "challenges_totals_after_delete",
    "challenges_totals_after_update",
    "ideas_trending_after_insert",
    "ideas_trending_after_delete",
]

PG_WEIGHT = (
    "power(2.0::float8, extract(epoch FROM ({row}.created_at - timestamp '2026-01-01'))::float8"
    " / 604800.0)"
)
PG_UPGRADE = [
    f"""
    CREATE FUNCTION challenges_totals() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') AND old.status IN {LISTED} THEN
            IF TG_OP = 'UPDATE' AND new.status IN {LISTED}
               AND new.challenge_id = old.challenge_id THEN
                IF new.support_count <> old.support_count THEN
                    UPDATE challenges
                    SET support_count = support_count + new.support_count - old.support_count
                    WHERE id = new.challenge_id;
                END IF;
                RETURN NULL;
            END IF;
            UPDATE challenges SET idea_count = idea_count - 1,
                support_count = support_count - old.support_count
            WHERE id = old.challenge_id;
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') AND new.status IN {LISTED} THEN
            UPDATE challenges SET idea_count = idea_count + 1,
                support_count = support_count + new.support_count
            WHERE id = new.challenge_id;
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER challenges_totals AFTER INSERT OR DELETE
    OR UPDATE OF status, challenge_id, support_count ON ideas
    FOR EACH ROW EXECUTE FUNCTION challenges_totals()
    """,
    """
    CREATE FUNCTION challenges_totals_reset() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE challenges SET idea_count = 0, support_count = 0;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER challenges_totals_truncate AFTER TRUNCATE ON ideas
    FOR EACH STATEMENT EXECUTE FUNCTION challenges_totals_reset()
    """,
    f"""
    CREATE FUNCTION ideas_trending() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            UPDATE ideas SET trending_score = trending_score + {PG_WEIGHT.format(row="new")}
            WHERE id = new.idea_id;
        ELSE
            UPDATE ideas SET trending_score = trending_score - {PG_WEIGHT.format(row="old")}
            WHERE id = old.idea_id;
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER ideas_trending AFTER INSERT OR DELETE ON supports
    FOR EACH ROW EXECUTE FUNCTION ideas_trending()
    """,
    "DROP INDEX IF EXISTS ix_ideas_search",
    "ALTER TABLE ideas ADD COLUMN search_vector tsvector"
    f" GENERATED ALWAYS AS ({PG_DOCUMENT}) STORED",
    "CREATE INDEX ix_ideas_search_vector ON ideas USING gin (search_vector)",
]
PG_DOWNGRADE = [
    "DROP INDEX IF EXISTS ix_ideas_search_vector",
    "ALTER TABLE ideas DROP COLUMN IF EXISTS search_vector",
    f"CREATE INDEX ix_ideas_search ON ideas USING gin ({OLD_PG_DOCUMENT})",
    "DROP TRIGGER IF EXISTS ideas_trending ON supports",
    "DROP FUNCTION IF EXISTS ideas_trending()",
    "DROP TRIGGER IF EXISTS challenges_totals_truncate ON ideas",
    "DROP FUNCTION IF EXISTS challenges_totals_reset()",
    "DROP TRIGGER IF EXISTS challenges_totals ON ideas",
    "DROP FUNCTION IF EXISTS challenges_totals()",
]

BACKFILL_TOTALS = f"""
UPDATE challenges SET
    idea_count = (SELECT count(*) FROM ideas
                  WHERE ideas.challenge_id = challenges.id AND ideas.status IN {LISTED}),
    support_count = (SELECT coalesce(sum(support_count), 0) FROM ideas
                     WHERE ideas.challenge_id = challenges.id AND ideas.status IN {LISTED})
"""
BACKFILL_TRENDING = {
    "sqlite": "UPDATE ideas SET trending_score = (SELECT coalesce(sum({w}), 0) FROM supports "
    "WHERE supports.idea_id = ideas.id)".format(w=SQLITE_WEIGHT.format(row="supports")),
    "postgresql": "UPDATE ideas SET trending_score = s.score"
    " FROM (SELECT idea_id, sum({w}) AS score"
    " FROM supports GROUP BY idea_id) AS s WHERE s.idea_id = ideas.id".format(
        w=PG_WEIGHT.format(row="supports")
    ),
}


def upgrade():
    dialect = op.get_bind().dialect.name
    op.add_column(
        "ideas", sa.Column("trending_score", sa.Float(), server_default="0", nullable=False)
    )
    op.add_column(
        "challenges", sa.Column("idea_count", sa.Integer(), server_default="0", nullable=False)
    )
    op.add_column(
        "challenges", sa.Column("support_count", sa.Integer(), server_default="0", nullable=False)
    )
    for name, columns in INDEXES:
        op.create_index(name, "ideas", columns, unique=False)
    op.execute(BACKFILL_TOTALS)
    if dialect in BACKFILL_TRENDING:
        op.execute(BACKFILL_TRENDING[dialect])
    for statement in {"sqlite": SQLITE_TRIGGERS, "postgresql": PG_UPGRADE}.get(dialect, []):
        op.execute(statement)
    op.execute("ANALYZE")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif dialect == "postgresql":
        for statement in PG_DOWNGRADE:
            op.execute(statement)
    for name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name="ideas")
    # Plain ALTER TABLE DROP COLUMN (SQLite >= 3.35): no table rebuild.
    op.drop_column("challenges", "support_count")
    op.drop_column("challenges", "idea_count")
    op.drop_column("ideas", "trending_score")
