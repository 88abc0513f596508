"""official responses in French, Dutch and English; the language of comments

Revision ID: 0012_responses_lang
Revises: 0007_outbox
Create Date: 2026-11-22 06:20:00

Each existing response becomes the text of its official's language (French
when that is not French, Dutch or English); the other versions stay empty and
readers fall back to it. Each existing comment gets its author's language.
The comments table is not rebuilt (others refer to it): plain ADD COLUMN.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012_responses_lang"
down_revision = "0014_consent"
branch_labels = None
depends_on = None

TABLE = "official_status_changes"


def upgrade():
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        for code in ("fr", "nl", "en"):
            batch_op.add_column(
                sa.Column(f"response_{code}", sa.Text(), server_default="", nullable=False)
            )
    language = f"(SELECT users.language FROM users WHERE users.id = {TABLE}.official_id)"
    for code in ("nl", "en"):
        op.execute(f"UPDATE {TABLE} SET response_{code} = response WHERE {language} = '{code}'")
    op.execute(
        f"UPDATE {TABLE} SET response_fr = response WHERE response_nl = '' AND response_en = ''"
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_column("response")

    check = "language IN ('fr', 'nl', 'en')"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE comments ADD COLUMN language VARCHAR(2) DEFAULT 'fr' NOT NULL "
            f"CONSTRAINT ck_comments_language CHECK ({check})"
        )
    else:
        op.add_column(
            "comments",
            sa.Column("language", sa.String(length=2), server_default="fr", nullable=False),
        )
        op.create_check_constraint(op.f("ck_comments_language"), "comments", check)
    op.execute(
        "UPDATE comments SET language = (SELECT users.language FROM users "
        "WHERE users.id = comments.author_id) WHERE author_id IN "
        f"(SELECT id FROM users WHERE users.{check})"
    )


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("ck_comments_language"), "comments", type_="check")
    op.drop_column("comments", "language")

    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.add_column(sa.Column("response", sa.Text(), server_default="", nullable=False))
    op.execute(
        f"UPDATE {TABLE} SET response = CASE WHEN response_fr <> '' THEN response_fr "
        "WHEN response_nl <> '' THEN response_nl ELSE response_en END"
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        for code in ("en", "nl", "fr"):
            batch_op.drop_column(f"response_{code}")
