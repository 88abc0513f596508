"""comment counts: an idea's comment_count counts its visible comments again

Revision ID: 0020_comment_counts
Revises: 0019_statistics_snapshot
Create Date: 2026-12-07 18:15:00

An idea's comment_count is what the lists show, sort by ("most discussed")
and the statistics add up: its visible comments. Writing and deleting a
comment moved it, but a moderator hiding one did not (nor restoring it), so
an idea with a hidden comment showed one comment more than its page. The
moderation service now moves it too (services/moderation.py); this sets every
count that a hiding left wrong.
"""

from alembic import op

revision = "0020_comment_counts"
down_revision = "0019_statistics_snapshot"
branch_labels = None
depends_on = None

VISIBLE = (
    "(SELECT count(*) FROM comments"
    " WHERE comments.idea_id = ideas.id AND comments.status = 'visible')"
)


def upgrade() -> None:
    op.execute(f"UPDATE ideas SET comment_count = {VISIBLE} WHERE comment_count <> {VISIBLE}")


def downgrade() -> None:
    pass  # the counts were wrong before; nothing to restore
