"""Proposing, editing and withdrawing ideas, and loading what the idea pages show.

The verbs take the actor, check the domain rules, and flush but never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import joinedload

from participation.extensions import db
from participation.models import Challenge, Comment, Idea, IdeaRevision, Municipality, Support
from participation.models.base import utcnow
from participation.models.ideas import IdeaState
from participation.permissions import can_edit_idea, can_propose, can_withdraw_idea, require
from participation.sanitize import render_markdown
from participation.services import DomainError
from participation.vocabulary import CommentStatus, IdeaStatus, Language

TITLE_MIN, TITLE_MAX = 8, 120
BODY_MIN, BODY_MAX = 20, 5000


@dataclass
class IdeaInput:
    """What an author writes, as the form hands it over."""

    title: str
    body: str
    challenge_id: int | None
    municipality_id: int | None
    language: str


def normalize_text(value: str | None) -> str:
    """Strip outer whitespace and unify line endings ("   " becomes "")."""
    return (value or "").replace("\r\n", "\n").strip()


def clean_input(data: IdeaInput) -> IdeaInput:
    """Check an idea's fields against the rules; raise DomainError on the first problem."""
    title = " ".join(normalize_text(data.title).split())
    body = normalize_text(data.body)
    if not title:
        raise DomainError(_("Please give your idea a title."), field="title")
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise DomainError(
            _(
                "The title must have between %(min)d and %(max)d characters.",
                min=TITLE_MIN,
                max=TITLE_MAX,
            ),
            field="title",
        )
    if not body:
        raise DomainError(_("Please describe your idea."), field="body")
    if not BODY_MIN <= len(body) <= BODY_MAX:
        raise DomainError(
            _(
                "The description must have between %(min)d and %(max)d characters.",
                min=BODY_MIN,
                max=BODY_MAX,
            ),
            field="body",
        )
    if data.challenge_id is None or db.session.get(Challenge, data.challenge_id) is None:
        raise DomainError(_("Please choose one of the four challenges."), field="challenge")
    if data.municipality_id is not None and (
        db.session.get(Municipality, data.municipality_id) is None
    ):
        raise DomainError(_("Please choose a municipality from the list."), field="municipality")
    if data.language not in Language.values():
        raise DomainError(_("Please choose French, Dutch or English."), field="language")
    return IdeaInput(title, body, data.challenge_id, data.municipality_id, data.language)


def propose_idea(author: Any, data: IdeaInput, premoderation: bool = True) -> Idea:
    """A new idea: pending review, or published at once when pre-moderation is off."""
    require(can_propose(author))
    data = clean_input(data)
    now = utcnow()
    idea = Idea(
        author_id=author.id,
        challenge_id=data.challenge_id,
        municipality_id=data.municipality_id,
        title=data.title,
        body_source=data.body,
        body_html=render_markdown(data.body),
        language=data.language,
        status=IdeaStatus.PENDING if premoderation else IdeaStatus.PUBLISHED,
        support_count=0,
        comment_count=0,
        created_at=now,
        updated_at=now,
        published_at=None if premoderation else now,
    )
    db.session.add(idea)
    db.session.flush()
    return idea


def edit_idea(editor: Any, idea: Idea, data: IdeaInput) -> Idea:
    """Change an idea, keeping the previous version as a revision for moderators."""
    require(can_edit_idea(editor, idea))
    data = clean_input(data)
    assert data.challenge_id is not None  # clean_input refuses an idea without one
    db.session.add(
        IdeaRevision(
            idea_id=idea.id,
            editor_id=editor.id,
            title=idea.title,
            body_source=idea.body_source,
            body_html=idea.body_html,
            challenge_id=idea.challenge_id,
            municipality_id=idea.municipality_id,
            language=idea.language,
            created_at=utcnow(),
        )
    )
    idea.title = data.title
    idea.body_source = data.body
    idea.body_html = render_markdown(data.body)
    idea.challenge_id = data.challenge_id
    idea.municipality_id = data.municipality_id
    idea.language = data.language
    idea.updated_at = utcnow()
    db.session.flush()
    return idea


def withdraw_idea(author: Any, idea: Idea) -> Idea:
    """The author takes the idea back: it stays visible, marked withdrawn."""
    if idea.status == IdeaStatus.WITHDRAWN:
        return idea
    require(can_withdraw_idea(author, idea))
    idea.status = IdeaStatus.WITHDRAWN
    idea.withdrawn_at = utcnow()
    db.session.flush()
    return idea


# --- Loading -------------------------------------------------------------------


_ONE_IDEA = (
    select(Idea)
    .where(Idea.id == bindparam("idea_id"))
    .options(
        joinedload(Idea.author),
        joinedload(Idea.challenge),
        joinedload(Idea.municipality),
    )
)


def load_idea(idea_id: int) -> Idea | None:
    """One idea with its author, challenge and municipality (one query; the
    statement is built once)."""
    return db.session.scalars(_ONE_IDEA, {"idea_id": idea_id}).unique().one_or_none()


# The idea alone, and whether a given visitor supports it: the idea page's
# one query when its main column is kept (pagecache.kept), which is what
# needs the author, challenge and municipality.
_IDEA_AND_SUPPORT = select(
    Idea,
    exists()
    .where(Support.idea_id == Idea.id, Support.user_id == bindparam("user_id"))
    .label("supported"),
).where(Idea.id == bindparam("idea_id"))


def load_idea_and_support(idea_id: int, user_id: int | None) -> tuple[Idea | None, bool]:
    """One idea (its author, challenge and municipality load when first read:
    load_idea loads them with it) and whether the user `user_id` supports it,
    in one query."""
    row = db.session.execute(_IDEA_AND_SUPPORT, {"idea_id": idea_id, "user_id": user_id}).first()
    return (row[0], bool(row[1])) if row is not None else (None, False)


_IDEAS = Idea.__table__
_ONE_IDEA_STATE = select(
    _IDEAS.c.id,
    _IDEAS.c.status,
    _IDEAS.c.author_id,
    _IDEAS.c.duplicate_of_id,
    _IDEAS.c.official_status,
    _IDEAS.c.support_count,
).where(_IDEAS.c.id == bindparam("idea_id"))


def load_idea_state(idea_id: int) -> IdeaState | None:
    """What the permission verbs read of an idea, and its counter: one Core
    SELECT of six columns, for the write paths that need nothing else (a
    quarter of load_idea's cost: no ORM identity, no joined rows)."""
    row = db.session.execute(_ONE_IDEA_STATE, {"idea_id": idea_id}).first()
    return IdeaState(*row) if row is not None else None


def revisions(idea: Idea) -> list[IdeaRevision]:
    return list(
        db.session.scalars(
            select(IdeaRevision)
            .where(IdeaRevision.idea_id == idea.id)
            .order_by(IdeaRevision.created_at.desc(), IdeaRevision.id.desc())
        )
    )


def ideas_of(author: Any) -> list[Idea]:
    """Everything an author proposed, newest first (one query)."""
    return list(
        db.session.scalars(
            select(Idea)
            .where(Idea.author_id == author.id)
            .options(joinedload(Idea.challenge), joinedload(Idea.municipality))
            .order_by(Idea.created_at.desc(), Idea.id.desc())
        )
    )


def export_section(user: Any) -> tuple[str, dict[str, Any]]:
    """The user's ideas, supports and comments, for the personal data export."""

    def iso(value):
        return value.isoformat() + "Z" if value else None

    ideas = db.session.scalars(
        select(Idea).where(Idea.author_id == user.id).order_by(Idea.id)
    ).all()
    supports = db.session.execute(
        select(Support.idea_id, Support.created_at)
        .where(Support.user_id == user.id)
        .order_by(Support.id)
    ).all()
    comments = db.session.scalars(
        select(Comment).where(Comment.author_id == user.id).order_by(Comment.id)
    ).all()
    return "ideas", {
        "ideas": [
            {
                "id": idea.id,
                "title": idea.title,
                "description": idea.body_source,
                "language": idea.language,
                "status": idea.status,
                "challenge_id": idea.challenge_id,
                "municipality_id": idea.municipality_id,
                "created_at": iso(idea.created_at),
                "withdrawn_at": iso(idea.withdrawn_at),
            }
            for idea in ideas
        ],
        "supports": [
            {"idea_id": idea_id, "created_at": iso(created_at)} for idea_id, created_at in supports
        ],
        "comments": [
            {
                "id": comment.id,
                "idea_id": comment.idea_id,
                "parent_id": comment.parent_id,
                "text": comment.body_source if comment.status != CommentStatus.DELETED else None,
                "status": comment.status,
                "created_at": iso(comment.created_at),
                "edited_at": iso(comment.edited_at),
            }
            for comment in comments
        ],
    }
