"""Comments on ideas: one level of replies, edited for 15 minutes, deleted by their author.

idea.comment_count counts visible comments; it moves in the same transaction
as the comment, with UPDATE ... SET comment_count = comment_count +/- 1: here
when a comment is written or deleted, in services/moderation.py when one is
hidden or restored (move_count).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import case, func, or_, select, update
from sqlalchemy.orm import aliased, joinedload

from participation.extensions import db
from participation.models import Comment, Idea
from participation.models.base import utcnow
from participation.permissions import can_comment, can_delete_comment, can_edit_comment, require
from participation.sanitize import render_markdown
from participation.services import DomainError, keyset
from participation.services.notifications import notify_author
from participation.vocabulary import CommentStatus, Language, NotificationKind

BODY_MIN, BODY_MAX = 2, 2000


def _clean_body(body: str | None) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise DomainError(_("Please write your comment."), field="body")
    if not BODY_MIN <= len(body) <= BODY_MAX:
        raise DomainError(
            _(
                "A comment has between %(min)d and %(max)d characters.",
                min=BODY_MIN,
                max=BODY_MAX,
            ),
            field="body",
        )
    return body


def move_count(idea_id: int, delta: int) -> None:
    db.session.execute(
        update(Idea)
        .where(Idea.id == idea_id)
        .values(comment_count=Idea.comment_count + delta)
        .execution_options(synchronize_session=False)
    )


def _language(author: Any, language: str | None) -> str:
    """The comment's language: the one chosen, else its author's, else French."""
    if language is None:
        own = getattr(author, "language", None)
        return own if own in Language.values() else Language.FR
    if language not in Language.values():
        raise DomainError(_("Please choose French, Dutch or English."), field="language")
    return language


def add_comment(
    author: Any,
    idea: Idea,
    body: str,
    parent_id: int | None = None,
    language: str | None = None,
) -> Comment:
    """A new comment, or a reply to a top-level comment of the same idea, in
    `language` (fr, nl or en; by default its author's language)."""
    require(can_comment(author, idea))
    body = _clean_body(body)
    language = _language(author, language)
    if parent_id is not None:
        parent = db.session.get(Comment, parent_id)
        if parent is None or parent.idea_id != idea.id or parent.status != CommentStatus.VISIBLE:
            raise DomainError(_("The comment you are replying to is no longer available."))
        # One level of replies: answering a reply answers its thread.
        if parent.parent_id is not None:
            parent_id = parent.parent_id
    comment = Comment(
        idea_id=idea.id,
        author_id=author.id,
        parent_id=parent_id,
        body_source=body,
        body_html=render_markdown(body),
        language=language,
        status=CommentStatus.VISIBLE,
        created_at=utcnow(),
    )
    db.session.add(comment)
    db.session.flush()
    move_count(idea.id, +1)
    notify_author(idea, NotificationKind.IDEA_COMMENTED, actor=author, comment=comment)
    return comment


def edit_comment(author: Any, comment: Comment, body: str, language: str | None = None) -> Comment:
    """The new text (and, when given, language) of a comment."""
    require(can_edit_comment(author, comment), field="body")
    body = _clean_body(body)
    if language is not None:
        comment.language = _language(author, language)
    comment.body_source = body
    comment.body_html = render_markdown(body)
    comment.edited_at = utcnow()
    db.session.flush()
    return comment


def delete_comment(author: Any, comment: Comment) -> None:
    """The text goes; the row stays so that replies keep their thread."""
    require(can_delete_comment(author, comment))
    comment.status = CommentStatus.DELETED
    comment.deleted_at = utcnow()
    comment.body_source = ""
    comment.body_html = ""
    db.session.flush()
    move_count(comment.idea_id, -1)


# --- Reading -------------------------------------------------------------------


@dataclass
class Thread:
    """A top-level comment (None when deleted: a placeholder) and its visible replies."""

    comment: Comment
    replies: list[Comment] = field(default_factory=list)

    @property
    def is_placeholder(self) -> bool:
        return self.comment.status != CommentStatus.VISIBLE


# Top-level comments per page of a discussion: an idea page costs the same
# whatever the length of its discussion.
THREADS_PER_PAGE = 50


@dataclass
class Discussion:
    threads: list[Thread]
    page: int
    has_more: bool


def threads(idea: Idea, page: int = 1, per_page: int = THREADS_PER_PAGE) -> Discussion:
    """One page of the discussion of an idea in one query, oldest first:
    `per_page` top-level comments with their replies.

    A comment hidden by moderation always shows as a placeholder (with its
    reason). A deleted comment shows as a placeholder when it has replies;
    without replies it is left out.
    """
    tops = (
        select(Comment.id)
        .where(Comment.idea_id == idea.id, Comment.parent_id.is_(None))
        .order_by(Comment.created_at, Comment.id)
        .limit(per_page + 1)
        .offset((page - 1) * per_page)
        .scalar_subquery()
    )
    comments = db.session.scalars(
        select(Comment)
        .where(
            Comment.idea_id == idea.id,
            or_(Comment.id.in_(tops), Comment.parent_id.in_(tops)),
        )
        .options(joinedload(Comment.author))
        .order_by(Comment.created_at, Comment.id)
    ).all()
    by_id: dict[int, Thread] = {}
    result: list[Thread] = []
    for comment in comments:
        if comment.parent_id is None:
            thread = Thread(comment)
            by_id[comment.id] = thread
            result.append(thread)
    has_more = len(result) > per_page
    result = result[:per_page]
    for comment in comments:
        if comment.parent_id is not None and comment.status in (
            CommentStatus.VISIBLE,
            CommentStatus.HIDDEN,
        ):
            parent = by_id.get(comment.parent_id)
            if parent is not None:
                parent.replies.append(comment)
    shown = [t for t in result if t.comment.status != CommentStatus.DELETED or t.replies]
    return Discussion(threads=shown, page=page, has_more=has_more)


@dataclass
class CommentWindow:
    comments: list[Comment]
    last_key: list[Any] | None
    has_more: bool


def visible_window(idea: Idea, after: Any, limit: int) -> CommentWindow:
    """The visible comments of an idea in the discussion's order (each thread,
    oldest first, then its replies), after the comment whose key is `after`
    (None: from the start): one query, paged in SQL (the API's comments).
    Hidden and deleted comments are left out; a reply to one keeps its place.
    Raises ValueError when `after` does not fit the keys."""
    root = aliased(Comment)
    is_reply = case((Comment.parent_id.is_(None), 0), else_=1)
    keys = [
        keyset.Key(root.created_at, False, kind="datetime"),
        keyset.Key(root.id, False),
        keyset.Key(is_reply, False),
        keyset.Key(Comment.created_at, False, kind="datetime"),
        keyset.Key(Comment.id, False),
    ]
    query = (
        select(Comment, *(k.column for k in keys))
        .join(root, root.id == func.coalesce(Comment.parent_id, Comment.id))
        .where(Comment.idea_id == idea.id, Comment.status == CommentStatus.VISIBLE)
        .options(joinedload(Comment.author))
        .order_by(*(k.order() for k in keys))
        .limit(limit + 1)
    )
    if after is not None:
        query = query.where(keyset.condition(keys, keyset.load(keys, after)))
    rows = db.session.execute(query).unique().all()
    page = rows[:limit]
    return CommentWindow(
        comments=[row[0] for row in page],
        last_key=keyset.dump(keys, list(page[-1][1:])) if page else None,
        has_more=len(rows) > limit,
    )


def get_comment(idea: Idea, comment_id: int) -> Comment | None:
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.idea_id != idea.id:
        return None
    return comment
