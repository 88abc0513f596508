"""moderation: reports, moderation log, suspensions

Revision ID: 0004_moderation
Revises: 0003_search
Create Date: 2026-11-21 12:40:00

New tables `reports` (one per citizen and item) and `moderation_actions` (the
log). New nullable columns: why an idea was rejected, why an idea or a comment
is hidden, and when a user was banned. Columns are added and dropped with plain
ALTER TABLE (SQLite >= 3.35 drops columns natively), never by recreating a
table: recreating `ideas` would drop the full-text search triggers of 0003.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004_moderation"
down_revision = "0003_search"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "moderation_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("target_type", sa.String(length=10), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("target_user_id", sa.Integer(), nullable=True),
        sa.Column("reason_code", sa.String(length=20), nullable=True),
        sa.Column("reason_text", sa.Text(), nullable=True),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            (
                "action IN ('approve', 'reject', 'hide', 'restore', 'keep_hidden', "
                "'dismiss_reports', 'auto_hide', 'mark_duplicate', 'suspend', 'ban', "
                "'lift_sanction', 'change_role')"
            ),
            name=op.f("ck_moderation_actions_action"),
        ),
        sa.CheckConstraint(
            "target_type IN ('idea', 'comment', 'user')",
            name=op.f("ck_moderation_actions_target_type"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_moderation_actions_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["target_user_id"],
            ["users.id"],
            name=op.f("fk_moderation_actions_target_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_actions")),
    )
    with op.batch_alter_table("moderation_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_moderation_actions_action"), ["action"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_moderation_actions_actor_id"), ["actor_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_moderation_actions_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            "ix_moderation_actions_target", ["target_type", "target_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_moderation_actions_target_user_id"), ["target_user_id"], unique=False
        )

    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=True),
        sa.Column("comment_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "reason IN ('spam', 'offensive', 'off_topic', 'duplicate', 'other')",
            name=op.f("ck_reports_reason"),
        ),
        sa.CheckConstraint(
            "(idea_id IS NULL) <> (comment_id IS NULL)", name=op.f("ck_reports_exactly_one_target")
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_reports_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["ideas.id"], name=op.f("fk_reports_idea_id_ideas"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["users.id"], name=op.f("fk_reports_reporter_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint(
            "reporter_id", "comment_id", name=op.f("uq_reports_reporter_id_comment_id")
        ),
        sa.UniqueConstraint("reporter_id", "idea_id", name=op.f("uq_reports_reporter_id_idea_id")),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reports_reporter_id"), ["reporter_id"], unique=False)
        batch_op.create_index(
            "ix_reports_resolved_at_comment_id", ["resolved_at", "comment_id"], unique=False
        )
        batch_op.create_index(
            "ix_reports_resolved_at_idea_id", ["resolved_at", "idea_id"], unique=False
        )

    op.add_column("comments", sa.Column("hidden_reason", sa.String(length=20), nullable=True))
    op.add_column("comments", sa.Column("hidden_at", sa.DateTime(), nullable=True))
    op.add_column("ideas", sa.Column("rejection_reason_code", sa.String(length=20), nullable=True))
    op.add_column("ideas", sa.Column("rejection_reason_text", sa.Text(), nullable=True))
    op.add_column("ideas", sa.Column("hidden_reason", sa.String(length=20), nullable=True))
    op.add_column("ideas", sa.Column("hidden_at", sa.DateTime(), nullable=True))
    op.add_column("users", sa.Column("banned_at", sa.DateTime(), nullable=True))


def downgrade():
    op.drop_column("users", "banned_at")
    op.drop_column("ideas", "hidden_at")
    op.drop_column("ideas", "hidden_reason")
    op.drop_column("ideas", "rejection_reason_text")
    op.drop_column("ideas", "rejection_reason_code")
    op.drop_column("comments", "hidden_at")
    op.drop_column("comments", "hidden_reason")

    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_resolved_at_idea_id")
        batch_op.drop_index("ix_reports_resolved_at_comment_id")
        batch_op.drop_index(batch_op.f("ix_reports_reporter_id"))

    op.drop_table("reports")
    with op.batch_alter_table("moderation_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moderation_actions_target_user_id"))
        batch_op.drop_index("ix_moderation_actions_target")
        batch_op.drop_index(batch_op.f("ix_moderation_actions_created_at"))
        batch_op.drop_index(batch_op.f("ix_moderation_actions_actor_id"))
        batch_op.drop_index(batch_op.f("ix_moderation_actions_action"))

    op.drop_table("moderation_actions")
