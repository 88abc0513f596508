"""consultations: announcements (new consultation, results), the opt-in email group,
the shuffle of anonymous rows

Revision ID: 0016_consultations_more
Revises: 0007_outbox
Create Date: 2026-11-22 06:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0016_consultations_more"
down_revision = "0015_budgets_more"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("consultations", sa.Column("announced_at", sa.DateTime(), nullable=True))
    op.add_column("consultations", sa.Column("results_announced_at", sa.DateTime(), nullable=True))
    op.add_column("consultations", sa.Column("shuffled_at", sa.DateTime(), nullable=True))
    op.add_column(
        "consultations",
        sa.Column("shuffled_count", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column(
        "email_preferences",
        sa.Column("new_consultations", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "email_preferences",
        sa.Column("consultation_results", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    op.create_table(
        "consultation_tallies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.CheckConstraint("count >= 0", name=op.f("ck_consultation_tallies_count")),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_consultation_tallies_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["consultation_questions.id"],
            name=op.f("fk_consultation_tallies_question_id_consultation_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_tallies")),
        sa.UniqueConstraint(
            "consultation_id",
            "question_id",
            "municipality_id",
            "option_id",
            "value",
            "rank",
            name=op.f("uq_consultation_tallies_key"),
        ),
    )
    op.create_index(
        op.f("ix_consultation_tallies_question_id"),
        "consultation_tallies",
        ["question_id"],
        unique=False,
    )
    op.create_index(
        "ix_consultation_responses_consultation_id_municipality_id",
        "consultation_responses",
        ["consultation_id", "municipality_id"],
        unique=False,
    )
    # The answers given before this revision, counted once.
    op.execute(
        "INSERT INTO consultation_tallies "
        "(consultation_id, question_id, municipality_id, option_id, value, rank, count) "
        "SELECT r.consultation_id, a.question_id, COALESCE(r.municipality_id, 0), 0, 0, 0, "
        "COUNT(DISTINCT a.response_id) FROM consultation_answers a "
        "JOIN consultation_responses r ON r.id = a.response_id "
        "GROUP BY r.consultation_id, a.question_id, COALESCE(r.municipality_id, 0)"
    )
    op.execute(
        "INSERT INTO consultation_tallies "
        "(consultation_id, question_id, municipality_id, option_id, value, rank, count) "
        "SELECT r.consultation_id, a.question_id, COALESCE(r.municipality_id, 0), "
        "COALESCE(a.option_id, 0), COALESCE(a.value, 0), COALESCE(a.rank, 0), COUNT(*) "
        "FROM consultation_answers a JOIN consultation_responses r ON r.id = a.response_id "
        "GROUP BY r.consultation_id, a.question_id, COALESCE(r.municipality_id, 0), "
        "COALESCE(a.option_id, 0), COALESCE(a.value, 0), COALESCE(a.rank, 0)"
    )
    # Consultations that opened or closed before this revision: nobody is told late.
    op.execute(
        "UPDATE consultations SET announced_at = opens_at WHERE opens_at <= CURRENT_TIMESTAMP"
    )
    op.execute(
        "UPDATE consultations SET results_announced_at = closes_at "
        "WHERE closes_at <= CURRENT_TIMESTAMP"
    )


def downgrade():
    op.drop_index(
        "ix_consultation_responses_consultation_id_municipality_id",
        table_name="consultation_responses",
    )
    op.drop_index(op.f("ix_consultation_tallies_question_id"), table_name="consultation_tallies")
    op.drop_table("consultation_tallies")
    with op.batch_alter_table("email_preferences", schema=None) as batch_op:
        batch_op.drop_column("consultation_results")
        batch_op.drop_column("new_consultations")
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.drop_column("shuffled_count")
        batch_op.drop_column("shuffled_at")
        batch_op.drop_column("results_announced_at")
        batch_op.drop_column("announced_at")
