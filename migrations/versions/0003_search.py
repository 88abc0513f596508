"""full-text search over ideas (FTS5 on SQLite, tsvector + GIN on PostgreSQL)

Revision ID: 0003_search
Revises: 0002_ideas
Create Date: 2026-11-21 12:30:00

"""

# revision identifiers, used by Alembic.
revision = '0003_search'
down_revision = '0002_ideas'
branch_labels = None
depends_on = None


def upgrade():
    pass  # filled in by the search work


def downgrade():
    pass
