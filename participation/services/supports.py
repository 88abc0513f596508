"""Supporting an idea, and withdrawing a support.

The unique constraint on (idea_id, user_id) is the arbiter between concurrent
requests. On PostgreSQL and SQLite the insert is `INSERT ... ON CONFLICT DO
NOTHING RETURNING id`: a returned id says a row was added; elsewhere it runs in a
SAVEPOINT and a duplicate (IntegrityError) rolls back to it. (A SAVEPOINT is not
used on SQLite: with Python's sqlite3 driver the SAVEPOINT opens the
transaction, so its RELEASE commits the insert before the counter moves, and a
concurrent withdrawal could then see a row whose count was not added yet.)

The counter moves in the same transaction, with UPDATE ... SET support_count =
support_count +/- 1, and only when a row was really inserted or deleted.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from participation.extensions import db
from participation.models import Idea, Support
from participation.models.base import utcnow
from participation.permissions import can_support, can_withdraw_support, require


def support_idea(user: Any, idea: Idea) -> bool:
    """Add `user`'s support. True if a support was added, False if it existed already."""
    require(can_support(user, idea))
    now = utcnow()
    if not _insert_support(idea.id, user.id, now):
        return False  # already supported (maybe by a concurrent request)
    count = db.session.execute(
        update(Idea)
        .where(Idea.id == idea.id)
        .values(
            support_count=Idea.support_count + 1,
            # The first support from someone else ends the author's editing.
            locked_at=func.coalesce(Idea.locked_at, now),
        )
        .returning(Idea.support_count)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    # `idea.support_count` is the new count, without reading the row again.
    set_committed_value(idea, "support_count", count)
    return True


def _insert_support(idea_id: int, user_id: int, now) -> bool:
    """Insert one support row; False if the unique constraint says it exists."""
    values = {"idea_id": idea_id, "user_id": user_id, "created_at": now}
    dialect = db.session.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        module = postgresql if dialect == "postgresql" else sqlite
        statement = (
            module.insert(Support)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["idea_id", "user_id"])
            .returning(Support.id)
        )
        return db.session.execute(statement).scalar() is not None
    try:
        with db.session.begin_nested():
            db.session.execute(insert(Support).values(**values))
    except IntegrityError:
        return False
    return True


def withdraw_support(user: Any, idea: Idea) -> bool:
    """Remove `user`'s support. True if one was removed, False if there was none."""
    require(can_withdraw_support(user, idea))
    result = db.session.execute(
        delete(Support)
        .where(Support.idea_id == idea.id, Support.user_id == user.id)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], result).rowcount != 1:
        return False
    count = db.session.execute(
        update(Idea)
        .where(Idea.id == idea.id)
        .values(support_count=Idea.support_count - 1)
        .returning(Idea.support_count)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    set_committed_value(idea, "support_count", count)
    return True


def has_supported(user: Any, idea: Idea) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        db.session.scalar(
            select(Support.id).where(Support.idea_id == idea.id, Support.user_id == user.id)
        )
        is not None
    )


def supported_ids(user: Any, idea_ids: list[int]) -> set[int]:
    """Which of these ideas `user` supports (one query, for lists)."""
    if not idea_ids or not getattr(user, "is_authenticated", False):
        return set()
    return set(
        db.session.scalars(
            select(Support.idea_id).where(Support.user_id == user.id, Support.idea_id.in_(idea_ids))
        )
    )


def current_count(idea: Idea) -> int:
    """The stored counter, read fresh from the database."""
    return db.session.scalar(select(Idea.support_count).where(Idea.id == idea.id)) or 0
