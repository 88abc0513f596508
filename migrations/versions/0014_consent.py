"""consent: when a user accepted the participation rules

Revision ID: 0014_consent
Revises: 0007_outbox
Create Date: 2026-11-22 06:15:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014_consent"
down_revision = "0007_outbox"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ALTER TABLE (no batch rebuild): NULL for accounts made before.
    op.add_column("users", sa.Column("rules_accepted_at", sa.DateTime(), nullable=True))


def downgrade():
    # ALTER TABLE ... DROP COLUMN (SQLite >= 3.35): no rebuild of `users`,
    # whose rebuild would cascade deletes to the rows that reference it.
    op.drop_column("users", "rules_accepted_at")
