"""statistics snapshot: the statistics pages' figures, counted by a job

Revision ID: 0019_statistics_snapshot
Revises: 0018_support_counters
Create Date: 2026-12-07 17:15:00

The statistics pages, their charts and the API's statistics counted every
idea, support and comment on the request that found them out of date: 1.7 s
at 100,000 ideas on PostgreSQL (the participants per municipality alone, a
union over a million supports, 0.9 s), and each chart image counted again.
Now a job counts them (participation/jobs.py) and stores the numbers in one
row, which the pages read in one query. `claimed_until`: a count is under
way (or queued) until then; whoever finds the numbers out of date first claims
it, so one count runs however many requests, processes or servers notice.
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_statistics_snapshot"
down_revision = "0018_support_counters"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "statistics_snapshots",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statistics_snapshots")),
    )


def downgrade() -> None:
    op.drop_table("statistics_snapshots")
