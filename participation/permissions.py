"""The one place that decides who may do what.

Every view asks these functions, and templates ask the same ones through the
`can` object exposed to Jinja. Each verb takes the acting user (possibly
anonymous) and, where relevant, the object acted on.
"""

from __future__ import annotations

from typing import Any

STAFF_ROLES = ("moderator", "admin")


def is_signed_in(user: Any) -> bool:
    return bool(user and user.is_authenticated and not user.is_deleted)


def is_active_participant(user: Any) -> bool:
    """A signed-in, confirmed, non-suspended account."""
    return is_signed_in(user) and user.is_confirmed and not user.is_suspended


def participation_block_reason(user: Any) -> str | None:
    """Why a user may not participate: 'anonymous', 'unconfirmed', 'suspended' or None."""
    if not is_signed_in(user):
        return "anonymous"
    if not user.is_confirmed:
        return "unconfirmed"
    if user.is_suspended:
        return "suspended"
    return None


def can_participate(user: Any) -> bool:
    """Propose, support, comment, report: confirmed citizens (and staff) only."""
    return participation_block_reason(user) is None


def can_moderate(user: Any) -> bool:
    return is_signed_in(user) and user.role in STAFF_ROLES


def can_respond_officially(user: Any) -> bool:
    return is_signed_in(user) and user.role in ("official", "admin")


def can_manage_roles(user: Any) -> bool:
    return is_signed_in(user) and user.role == "admin"


def can_manage_outbox(user: Any) -> bool:
    """See the outgoing mail queue and send failed messages again."""
    return is_signed_in(user) and user.role == "admin"


def can_change_role(actor: Any, target: Any) -> bool:
    """Admins change others' roles, never their own."""
    return can_manage_roles(actor) and actor.id != target.id


# --- Ideas ---------------------------------------------------------------------


def is_author(user: Any, item: Any) -> bool:
    return is_signed_in(user) and getattr(item, "author_id", None) == user.id


def can_propose(user: Any) -> bool:
    return can_participate(user)


def can_view_idea(user: Any, idea: Any) -> bool:
    """Public ideas are visible to all (hidden ones as a placeholder); pending and
    rejected ideas only to their author and to moderators."""
    if idea.status in ("published", "withdrawn", "hidden"):
        return True
    return is_author(user, idea) or can_moderate(user)


def can_edit_idea(user: Any, idea: Any) -> bool:
    """Until the first support from someone else or the first official response."""
    return (
        is_author(user, idea)
        and can_participate(user)
        and idea.locked_at is None
        and idea.status in ("pending", "published", "rejected")
    )


def can_withdraw_idea(user: Any, idea: Any) -> bool:
    return is_author(user, idea) and idea.status in ("pending", "published", "rejected")


def support_block_reason(user: Any, idea: Any) -> str | None:
    """Why `user` may not support `idea` now, or None."""
    reason = participation_block_reason(user)
    if reason:
        return reason
    if is_author(user, idea):
        return "author"
    if idea.status != "published" or idea.is_closed:
        return "closed"
    return None


def can_support(user: Any, idea: Any) -> bool:
    return support_block_reason(user, idea) is None


def can_comment(user: Any, idea: Any) -> bool:
    return can_participate(user) and idea.status == "published"


COMMENT_EDIT_MINUTES = 15


def can_edit_comment(user: Any, comment: Any, now: Any = None) -> bool:
    from datetime import timedelta

    from participation.models.base import utcnow

    now = now or utcnow()
    return (
        is_author(user, comment)
        and can_participate(user)
        and comment.status == "visible"
        and now - comment.created_at <= timedelta(minutes=COMMENT_EDIT_MINUTES)
    )


def can_delete_comment(user: Any, comment: Any) -> bool:
    return is_author(user, comment) and comment.status == "visible"


def can_report(user: Any, item: Any) -> bool:
    return can_participate(user) and not is_author(user, item)


def can_moderate_item(user: Any, item: Any) -> bool:
    """Moderators act on others' content, never their own."""
    return can_moderate(user) and not is_author(user, item)


def can_sanction_user(actor: Any, target: Any) -> bool:
    """Suspend, ban or lift: never oneself; moderators act on citizens, admins on
    anyone but other admins."""
    if not can_moderate(actor) or actor.id == target.id:
        return False
    if actor.role == "admin":
        return target.role != "admin"
    return target.role == "citizen"


def can_view_moderation_log(user: Any) -> bool:
    return can_moderate(user)


def can_view_hidden_content(user: Any) -> bool:
    """Moderators read what is hidden; everyone else sees a placeholder."""
    return can_moderate(user)


def can_view_dashboard(user: Any) -> bool:
    return is_signed_in(user) and user.role in ("official", "admin")


class _Can:
    """Templates ask the same verbs: `can.support(current_user, idea)`."""

    def __getattr__(self, name: str):
        verb = globals().get(f"can_{name}")
        if verb is None:
            raise AttributeError(f"no permission verb can_{name}")
        return verb


can = _Can()
