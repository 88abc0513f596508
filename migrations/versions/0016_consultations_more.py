"""consultations: announcements (new consultation, results), the opt-in email group,
the shuffle of anonymous rows

Revision ID: 0016_consultations_more
Revises: 0007_outbox
Create Date: 2026-11-22 06:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0016_consultations_more"
down_revision = "0007_outbox"
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
    # Consultations that opened or closed before this revision: nobody is told late.
    op.execute(
        "UPDATE consultations SET announced_at = opens_at WHERE opens_at <= CURRENT_TIMESTAMP"
    )
    op.execute(
        "UPDATE consultations SET results_announced_at = closes_at "
        "WHERE closes_at <= CURRENT_TIMESTAMP"
    )


def downgrade():
    with op.batch_alter_table("email_preferences", schema=None) as batch_op:
        batch_op.drop_column("consultation_results")
        batch_op.drop_column("new_consultations")
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.drop_column("shuffled_count")
        batch_op.drop_column("shuffled_at")
        batch_op.drop_column("results_announced_at")
        batch_op.drop_column("announced_at")
