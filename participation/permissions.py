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


def can_change_role(actor: Any, target: Any) -> bool:
    """Admins change others' roles, never their own."""
    return can_manage_roles(actor) and actor.id != target.id


class _Can:
    """`can.participate(current_user)` etc. in templates."""

    participate = staticmethod(can_participate)
    moderate = staticmethod(can_moderate)
    respond_officially = staticmethod(can_respond_officially)
    manage_roles = staticmethod(can_manage_roles)


can = _Can()
