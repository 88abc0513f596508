"""Plain helpers shared by the test modules: read rows back as the database holds
them now, and write rows directly when a test needs them without going through
a page. The fixtures that wrap them (make_user, make_idea, make_comment) live in
conftest.py; import these functions, never a test module or conftest.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from flask import Flask
from sqlalchemy import select, update

from participation.extensions import db
from participation.models import Comment, Idea, ModerationAction, Municipality, User
from participation.vocabulary import CommentStatus

# The password of every account that make_user creates.
PASSWORD = "correct-horse-battery-staple"

Row = TypeVar("Row")


def reload(app: Flask, model: type[Row], pk: int) -> Row:
    """The row with primary key `pk` as stored now (detached)."""
    with app.app_context():
        row = db.session.get(model, pk)
        assert row is not None, f"no {model.__name__} {pk}"
        db.session.expunge(row)
        return row


def user_by_email(app: Flask, email: str) -> User | None:
    """The account with this exact email, as stored now (detached), or None."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def logged_actions(app: Flask, **where: Any) -> list[ModerationAction]:
    """Rows of the moderation log, oldest first, e.g. logged_actions(app, action="hide")."""
    with app.app_context():
        query = select(ModerationAction).order_by(ModerationAction.id)
        for key, value in where.items():
            query = query.where(getattr(ModerationAction, key) == value)
        rows = list(db.session.scalars(query))
        for row in rows:
            db.session.expunge(row)
        return rows


def municipality_id(app: Flask, slug: str) -> int | None:
    with app.app_context():
        return db.session.scalar(select(Municipality.id).where(Municipality.slug == slug))


def insert_comment(
    app: Flask,
    idea: Idea,
    author: User,
    body: str = "A comment <script>alert('c')</script> with **some** words.",
    status: str = "visible",
    parent: Comment | None = None,
    created_at: datetime | None = None,
) -> Comment:
    """A comment on `idea` (detached), written directly; keeps idea.comment_count
    right (the visible comments), as the services do."""
    from participation.models.base import utcnow
    from participation.sanitize import render_markdown

    with app.app_context():
        comment = Comment(
            idea_id=idea.id,
            author_id=author.id,
            parent_id=parent.id if parent is not None else None,
            body_source=body,
            body_html=render_markdown(body),
            status=status,
            created_at=created_at or utcnow(),
        )
        db.session.add(comment)
        if status == CommentStatus.VISIBLE:
            db.session.execute(
                update(Idea).where(Idea.id == idea.id).values(comment_count=Idea.comment_count + 1)
            )
        db.session.commit()
        db.session.refresh(comment)
        db.session.expunge(comment)
    return comment


# --- Participatory budgeting ---------------------------------------------------------

# Phase dates relative to now, in days: (submission, review, voting, closes).
ROUND_PHASE_OFFSETS = {
    "upcoming": (1, 2, 3, 4),
    "submission": (-1, 1, 2, 3),
    "review": (-2, -1, 1, 2),
    "voting": (-3, -2, -1, 1),
    "results": (-4, -3, -2, -1),
}


def supported_ideas(app: Flask, make_idea, supporter: User, n: int) -> None:
    """`n` public ideas, one per municipality (1 to n), each supported today by
    `supporter`: more of everything the statistics count."""
    from participation.models import Support
    from participation.models.base import utcnow

    for place in range(1, n + 1):
        idea = make_idea(municipality_id=place, challenge="open")
        with app.app_context():
            db.session.add(Support(idea_id=idea.id, user_id=supporter.id, created_at=utcnow()))
            db.session.commit()


def set_round_phase(app, round_id: int, phase: str) -> None:
    """Move a round's dates so that it is in `phase` now."""
    from datetime import timedelta

    from participation.models import BudgetRound
    from participation.models.base import utcnow

    now = utcnow()
    sub, rev, vote, close = (now + timedelta(days=d) for d in ROUND_PHASE_OFFSETS[phase])
    with app.app_context():
        row = db.session.get(BudgetRound, round_id)
        row.submission_opens_at, row.review_opens_at = sub, rev
        row.voting_opens_at, row.voting_closes_at = vote, close
        db.session.commit()


def count_budget_round(app, round_id: int, counter_id: int) -> None:
    """Count a round whose voting has closed, as official `counter_id` would."""
    from participation.models import BudgetRound, User
    from participation.services import budgets

    with app.test_request_context("/en/"):
        budgets.count_round(db.session.get(User, counter_id), db.session.get(BudgetRound, round_id))
        db.session.commit()
