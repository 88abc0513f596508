"""support counters: the database keeps an idea's support count, trending score and lock

Revision ID: 0018_support_counters
Revises: 0017_search_lexemes
Create Date: 2026-12-07 04:30:00

Before, a support changed its idea's row twice. The service's UPDATE moved
support_count (and set locked_at). Then the trigger on `supports`
(0006_scale) moved trending_score with a second UPDATE. On PostgreSQL each
UPDATE writes a new version of the row, with a new entry in every one of the
ideas' sixteen indexes, the two GIN indexes of the texts included. That was
most of the database's work per support.

Now the trigger on `supports` does it all, in one UPDATE of the idea, for any
writer (the service, a script, a cascade):

- on insert: support_count + 1, trending_score + the support's weight, and
  locked_at set if still empty. The first support ends the author's editing.
  Supports come only from others: the author cannot support their own idea.
- on delete: support_count - 1 and trending_score - that support's weight.
  locked_at stays.

The challenge totals follow from support_count, as before (0006_scale).

On PostgreSQL, `add_support(idea, user, at)` and `remove_support(idea, user)`
do a support's write in one statement. They insert or delete the row (the
unique constraint decides between concurrent requests) and return the idea's
new support count. They return NULL when the row already existed, or was not
there. They are called in autocommit (web.one_statement_write), so each call
is its own transaction: one round trip. SQLite runs the insert or delete, then
reads the count, in the request's transaction.
"""

from alembic import op

revision = "0018_support_counters"
down_revision = "0017_search_lexemes"
branch_labels = None
depends_on = None

# The weight of a support made at `created_at`: doubles every week since
# 2026-01-01 (the same formulas as 0006_scale).
SQLITE_WEIGHT = "pow(2.0, (julianday({row}.created_at) - julianday('2026-01-01')) / 7.0)"
PG_WEIGHT = (
    "power(2.0::float8, extract(epoch FROM ({row}.created_at - timestamp '2026-01-01'))::float8"
    " / 604800.0)"
)

SQLITE_TRIGGER_NAMES = ["ideas_trending_after_insert", "ideas_trending_after_delete"]
SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER ideas_trending_after_insert AFTER INSERT ON supports BEGIN
        UPDATE ideas SET support_count = support_count + 1,
            trending_score = trending_score + {SQLITE_WEIGHT.format(row="new")},
            locked_at = coalesce(locked_at, new.created_at)
        WHERE id = new.idea_id;
    END
    """,
    f"""
    CREATE TRIGGER ideas_trending_after_delete AFTER DELETE ON supports BEGIN
        UPDATE ideas SET support_count = support_count - 1,
            trending_score = trending_score - {SQLITE_WEIGHT.format(row="old")}
        WHERE id = old.idea_id;
    END
    """,
]

PG_TRENDING = f"""
    CREATE OR REPLACE FUNCTION ideas_trending() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            UPDATE ideas SET support_count = support_count + 1,
                trending_score = trending_score + {PG_WEIGHT.format(row="new")},
                locked_at = coalesce(locked_at, new.created_at)
            WHERE id = new.idea_id;
        ELSE
            UPDATE ideas SET support_count = support_count - 1,
                trending_score = trending_score - {PG_WEIGHT.format(row="old")}
            WHERE id = old.idea_id;
        END IF;
        RETURN NULL;
    END $$
"""
PG_UPGRADE = [
    PG_TRENDING,
    """
    CREATE FUNCTION add_support(p_idea integer, p_user integer, p_at timestamp)
    RETURNS integer LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO supports (idea_id, user_id, created_at) VALUES (p_idea, p_user, p_at)
        ON CONFLICT (idea_id, user_id) DO NOTHING;
        IF NOT FOUND THEN
            RETURN NULL;
        END IF;
        RETURN (SELECT support_count FROM ideas WHERE id = p_idea);
    END $$
    """,
    """
    CREATE FUNCTION remove_support(p_idea integer, p_user integer)
    RETURNS integer LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM supports WHERE idea_id = p_idea AND user_id = p_user;
        IF NOT FOUND THEN
            RETURN NULL;
        END IF;
        RETURN (SELECT support_count FROM ideas WHERE id = p_idea);
    END $$
    """,
]

# 0006_scale's definitions, for the downgrade.
OLD_SQLITE_TRIGGERS = [
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
PG_DOWNGRADE = [
    "DROP FUNCTION IF EXISTS add_support(integer, integer, timestamp)",
    "DROP FUNCTION IF EXISTS remove_support(integer, integer)",
    f"""
    CREATE OR REPLACE FUNCTION ideas_trending() RETURNS trigger LANGUAGE plpgsql AS $$
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
]


def _sqlite_triggers(statements: list[str]) -> None:
    for name in SQLITE_TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_triggers(SQLITE_TRIGGERS)
    elif dialect == "postgresql":
        for statement in PG_UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_triggers(OLD_SQLITE_TRIGGERS)
    elif dialect == "postgresql":
        for statement in PG_DOWNGRADE:
            op.execute(statement)
