"""Supporting an idea, and withdrawing a support.

The unique constraint on (idea_id, user_id) is the arbiter between concurrent
requests. On PostgreSQL and SQLite the insert is `INSERT ... ON CONFLICT DO
NOTHING RETURNING id`: a returned id says a row was added; elsewhere it runs in a
SAVEPOINT and a duplicate (IntegrityError) rolls back to it. (A SAVEPOINT is not
used on SQLite: with Python's sqlite3 driver the SAVEPOINT opens the
transaction, so its RELEASE commits the insert before the counter moves, and a
concurrent withdrawal could then see a row whose count was not added yet.)

The counter moves in the same transaction, with UPDATE ... SET support_count =
support_count +/- 1, and only when a row was really inserted or deleted. On
PostgreSQL both are one statement, `WITH added AS (INSERT ... ON CONFLICT DO
NOTHING RETURNING idea_id) UPDATE ideas ... FROM added RETURNING support_count`
(and the same with DELETE): no row back means nothing was inserted (or deleted)
and the counter did not move.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from participation.extensions import db
from participation.models import Idea, Support
from participation.models.base import utcnow
from participation.models.ideas import IdeaState
from participation.permissions import can_support, can_withdraw_support, require

# The statements, built once (parameters: idea_id, user_id, now). Core
# tables, executed through the session: the page cache still sees the writes.
_IDEAS = Idea.__table__
_SUPPORTS = Support.__table__
_NOW = bindparam("now", type_=_SUPPORTS.c.created_at.type)
_ROW = {"idea_id": bindparam("idea_id"), "user_id": bindparam("user_id"), "created_at": _NOW}
_THIS_SUPPORT = (
    _SUPPORTS.c.idea_id == bindparam("idea_id"),
    _SUPPORTS.c.user_id == bindparam("user_id"),
)
# The first support from someone else ends the author's editing.
_COUNT_UP = {
    "support_count": _IDEAS.c.support_count + 1,
    "locked_at": func.coalesce(_IDEAS.c.locked_at, _NOW),
}
_COUNT_DOWN = {"support_count": _IDEAS.c.support_count - 1}


def _insert(module):
    return (
        module.insert(_SUPPORTS)
        .values(_ROW)
        .on_conflict_do_nothing(index_elements=["idea_id", "user_id"])
    )


# PostgreSQL: the insert and the counter in one statement (one round trip).
# The counter moves only when the insert returned a row, in the same
# transaction; the triggers on `supports` and `ideas` (0006_scale) fire after
# the statement, on the rows it left.
_PG_ADDED = _insert(postgresql).returning(_SUPPORTS.c.idea_id).cte("added")
_PG_SUPPORT = (
    update(_IDEAS)
    .where(_IDEAS.c.id == _PG_ADDED.c.idea_id)
    .values(_COUNT_UP)
    .returning(_IDEAS.c.support_count)
)
_PG_REMOVED = delete(_SUPPORTS).where(*_THIS_SUPPORT).returning(_SUPPORTS.c.idea_id).cte("removed")
_PG_WITHDRAW = (
    update(_IDEAS)
    .where(_IDEAS.c.id == _PG_REMOVED.c.idea_id)
    .values(_COUNT_DOWN)
    .returning(_IDEAS.c.support_count)
)
# SQLite (no DML in a WITH): the insert or delete, then the counter.
_SQLITE_INSERT = _insert(sqlite).returning(_SUPPORTS.c.id)
_DELETE = delete(_SUPPORTS).where(*_THIS_SUPPORT)
_THIS_IDEA = _IDEAS.c.id == bindparam("idea_id")
_SUPPORT_COUNTED = (
    update(_IDEAS).where(_THIS_IDEA).values(_COUNT_UP).returning(_IDEAS.c.support_count)
)
_SUPPORT_UNCOUNTED = (
    update(_IDEAS).where(_THIS_IDEA).values(_COUNT_DOWN).returning(_IDEAS.c.support_count)
)
_COUNT = select(_IDEAS.c.support_count).where(_THIS_IDEA)


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
        count = db.session.execute(_PG_SUPPORT, params).scalar()
        if count is None:
            return False  # already supported (maybe by a concurrent request)
    else:
        if not _insert_support(params):
            return False
        count = db.session.execute(_SUPPORT_COUNTED, params).scalar_one()
    _set_count(idea, count)
    return True


def _insert_support(params: dict[str, Any]) -> bool:
    """Insert one support row; False if the unique constraint says it exists."""
    if _dialect() == "sqlite":
        return db.session.execute(_SQLITE_INSERT, params).scalar() is not None
    try:
        with db.session.begin_nested():
            db.session.execute(insert(_SUPPORTS).values(_ROW), params)
    except IntegrityError:
        return False
    return True


def withdraw_support(user: Any, idea: Idea | IdeaState) -> bool:
    """Remove `user`'s support. True if one was removed, False if there was none."""
    require(can_withdraw_support(user, idea))
    params = {"idea_id": idea.id, "user_id": user.id}
    if _dialect() == "postgresql":
        count = db.session.execute(_PG_WITHDRAW, params).scalar()
        if count is None:
            return False
    else:
        result = db.session.execute(_DELETE, params)
        if cast(CursorResult[Any], result).rowcount != 1:
            return False
        count = db.session.execute(_SUPPORT_UNCOUNTED, params).scalar_one()
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
