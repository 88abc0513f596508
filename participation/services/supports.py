"""Supporting an idea, and withdrawing a support.

The unique constraint on (idea_id, user_id) is the arbiter between concurrent
requests. The database keeps the idea's support count, trending score and
lock: the trigger on `supports` (0018_support_counters) moves them in one
UPDATE of the idea, in the same transaction as the row, whatever writes it.

- On PostgreSQL, one statement does a support's write and returns the idea's
  new count: `SELECT add_support(idea, user, at)` (or `remove_support`).
  NULL means the row was already there (or already gone), maybe because of a
  concurrent request. The support buttons call it in autocommit
  (web.one_statement_write): one round trip.
- On SQLite, `INSERT ... ON CONFLICT DO NOTHING RETURNING id` (or DELETE) runs,
  and then the new count is read, in the request's transaction.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, delete, func, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm.attributes import set_committed_value

from participation.extensions import db
from participation.models import Idea, Support
from participation.models.base import utcnow
from participation.models.ideas import IdeaState
from participation.pagecache import WRITES
from participation.permissions import can_support, can_withdraw_support, require

# The statements, built once (parameters: idea_id, user_id, now). Core
# tables, executed through the session: the page cache still sees the writes.
_IDEAS = Idea.__table__
_SUPPORTS = Support.__table__
_NOW = bindparam("now", type_=_SUPPORTS.c.created_at.type)
_IDEA_ID = bindparam("idea_id", type_=_SUPPORTS.c.idea_id.type)
_USER_ID = bindparam("user_id", type_=_SUPPORTS.c.user_id.type)
# PostgreSQL (0018_support_counters): the write and the new count, one statement
# (a SELECT that writes: marked so for the page cache).
_WRITES = {WRITES: True}
_PG_ADD = select(func.add_support(_IDEA_ID, _USER_ID, _NOW)).execution_options(**_WRITES)
_PG_REMOVE = select(func.remove_support(_IDEA_ID, _USER_ID)).execution_options(**_WRITES)
# SQLite: the insert or the delete, then the count the trigger moved.
_SQLITE_INSERT = (
    sqlite.insert(_SUPPORTS)
    .values(idea_id=_IDEA_ID, user_id=_USER_ID, created_at=_NOW)
    .on_conflict_do_nothing(index_elements=["idea_id", "user_id"])
    .returning(_SUPPORTS.c.id)
)
_DELETE = delete(_SUPPORTS).where(_SUPPORTS.c.idea_id == _IDEA_ID, _SUPPORTS.c.user_id == _USER_ID)
_COUNT = select(_IDEAS.c.support_count).where(_IDEAS.c.id == _IDEA_ID)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _set_count(idea: Idea | IdeaState, count: int) -> None:
    """`idea.support_count` is the new count, without reading the row again."""
    if isinstance(idea, IdeaState):
        idea.support_count = count
    else:
        set_committed_value(idea, "support_count", count)


def support_idea(user: Any, idea: Idea | IdeaState) -> bool:
    """Add `user`'s support. True if a support was added, False if it existed already."""
    require(can_support(user, idea))
    params = {"idea_id": idea.id, "user_id": user.id, "now": utcnow()}
    if _dialect() == "postgresql":
        count = db.session.execute(_PG_ADD, params).scalar()
        if count is None:
            return False  # already supported (maybe by a concurrent request)
    else:
        if db.session.execute(_SQLITE_INSERT, params).scalar() is None:
            return False
        count = db.session.execute(_COUNT, params).scalar_one()
    _set_count(idea, count)
    return True


def withdraw_support(user: Any, idea: Idea | IdeaState) -> bool:
    """Remove `user`'s support. True if one was removed, False if there was none."""
    require(can_withdraw_support(user, idea))
    params = {"idea_id": idea.id, "user_id": user.id}
    if _dialect() == "postgresql":
        count = db.session.execute(_PG_REMOVE, params).scalar()
        if count is None:
            return False
    else:
        result = db.session.execute(_DELETE, params)
        if cast(CursorResult[Any], result).rowcount != 1:
            return False
        count = db.session.execute(_COUNT, params).scalar_one()
    _set_count(idea, count)
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


def current_count(idea: Idea | IdeaState) -> int:
    """The stored counter, read fresh from the database."""
    return db.session.scalar(_COUNT, {"idea_id": idea.id}) or 0
