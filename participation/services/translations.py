"""Translations of ideas: written by the author (published with the idea), or
offered by a participant and reviewed by a moderator.

The verbs check their permission verb first, flush but never commit. A
published translation's title is copied to ideas.title_<language>, which the
cards of every list read; the idea page loads the translation itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from participation.extensions import db
from participation.models import Idea, IdeaTranslation
from participation.models.base import utcnow
from participation.permissions import (
    can_review_translation,
    can_translate_idea,
    is_author,
    require,
)
from participation.sanitize import render_markdown
from participation.services import DomainError
from participation.services.ideas import BODY_MAX, BODY_MIN, TITLE_MAX, TITLE_MIN, normalize_text
from participation.services.moderation import _check_reason, _check_text, log_action
from participation.vocabulary import (
    LISTED_IDEA_STATUSES,
    REJECT_REASONS,
    Language,
    ModerationActionKind,
    Reason,
    TargetType,
    TranslationStatus,
)


@dataclass
class TranslationInput:
    language: str
    title: str
    body: str


def _clean(idea: Idea, data: TranslationInput) -> TranslationInput:
    if data.language not in Language.values():
        raise DomainError(_("Please choose French, Dutch or English."), field="language")
    if data.language == idea.language:
        raise DomainError(
            _("This is the language the idea is written in: choose another one."),
            field="language",
        )
    title = " ".join(normalize_text(data.title).split())
    body = normalize_text(data.body)
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise DomainError(
            _(
                "The title must have between %(min)d and %(max)d characters.",
                min=TITLE_MIN,
                max=TITLE_MAX,
            ),
            field="title",
        )
    if not BODY_MIN <= len(body) <= BODY_MAX:
        raise DomainError(
            _(
                "The description must have between %(min)d and %(max)d characters.",
                min=BODY_MIN,
                max=BODY_MAX,
            ),
            field="body",
        )
    return TranslationInput(data.language, title, body)


def translations_of(idea: Idea) -> dict[str, IdeaTranslation]:
    """Every translation of `idea` (any status), by language: one query."""
    rows = db.session.scalars(
        select(IdeaTranslation)
        .where(IdeaTranslation.idea_id == idea.id)
        .options(joinedload(IdeaTranslation.translator))
    )
    return {row.language: row for row in rows}


def _sync_title(idea: Idea, language: str, title: str | None) -> None:
    setattr(idea, f"title_{language}", title)


def translate_idea(actor: Any, idea: Idea, data: TranslationInput) -> IdeaTranslation:
    """The author writes (or rewrites) a translation: published at once, replacing
    a participant's. Anyone else offers one for a language that has none yet
    (or only a rejected one): it waits for a moderator."""
    require(can_translate_idea(actor, idea))
    data = _clean(idea, data)
    by_author = is_author(actor, idea)
    existing = db.session.scalar(
        select(IdeaTranslation).where(
            IdeaTranslation.idea_id == idea.id, IdeaTranslation.language == data.language
        )
    )
    if not by_author and existing is not None and existing.status != TranslationStatus.REJECTED:
        raise DomainError(
            _("This idea already has a translation in this language."), field="language"
        )
    now = utcnow()
    row = existing or IdeaTranslation(idea_id=idea.id, language=data.language, created_at=now)
    row.title = data.title
    row.body_source = data.body
    row.body_html = render_markdown(data.body)
    row.translator_id = actor.id
    row.by_author = by_author
    row.status = TranslationStatus.PUBLISHED if by_author else TranslationStatus.PENDING
    row.updated_at = now
    row.reviewed_at = None
    row.rejection_reason_code = None
    row.rejection_reason_text = None
    if existing is None:
        db.session.add(row)
    _sync_title(idea, data.language, data.title if by_author else None)
    db.session.flush()
    return row


def approve_translation(actor: Any, translation: IdeaTranslation) -> None:
    require(can_review_translation(actor, translation))
    if translation.status != TranslationStatus.PENDING:
        raise DomainError(_("This translation is no longer waiting for review."))
    idea = db.session.get(Idea, translation.idea_id)
    assert idea is not None  # the foreign key
    translation.status = TranslationStatus.PUBLISHED
    translation.reviewed_at = utcnow()
    _sync_title(idea, translation.language, translation.title)
    db.session.flush()
    log_action(
        actor,
        ModerationActionKind.APPROVE_TRANSLATION,
        TargetType.IDEA,
        idea.id,
        translation.translator_id,
        translation=translation.language,
    )


def reject_translation(
    actor: Any, translation: IdeaTranslation, reason_code: str | None, reason_text: str | None
) -> None:
    require(can_review_translation(actor, translation))
    if translation.status != TranslationStatus.PENDING:
        raise DomainError(_("This translation is no longer waiting for review."))
    reason = _check_reason(reason_code, REJECT_REASONS)
    reason_text = _check_text(reason_text, required=reason == Reason.OTHER)
    translation.status = TranslationStatus.REJECTED
    translation.reviewed_at = utcnow()
    translation.rejection_reason_code = reason
    translation.rejection_reason_text = reason_text
    db.session.flush()
    log_action(
        actor,
        ModerationActionKind.REJECT_TRANSLATION,
        TargetType.IDEA,
        translation.idea_id,
        translation.translator_id,
        reason,
        reason_text,
        translation=translation.language,
    )


# --- Reading ------------------------------------------------------------------------


def shown_translation(idea: Idea, language: str) -> IdeaTranslation | None:
    """The published translation a reader of `language` sees instead of the
    original: only for a listed idea (never a hidden, rejected or pending one),
    and only when one exists (ideas.title_<language> says so without a query)."""
    if idea.status not in LISTED_IDEA_STATUSES or not idea.translated_title(language):
        return None
    return db.session.scalar(
        select(IdeaTranslation).where(
            IdeaTranslation.idea_id == idea.id,
            IdeaTranslation.language == language,
            IdeaTranslation.status == TranslationStatus.PUBLISHED,
        )
    )


def load_translation(translation_id: int) -> IdeaTranslation | None:
    """A translation with its idea and translator, for its review page (one query)."""
    return db.session.scalar(
        select(IdeaTranslation)
        .where(IdeaTranslation.id == translation_id)
        .options(joinedload(IdeaTranslation.idea), joinedload(IdeaTranslation.translator))
    )


def pending_translations(limit: int = 50) -> list[IdeaTranslation]:
    """Participants' translations waiting for review, oldest first (one query)."""
    return list(
        db.session.scalars(
            select(IdeaTranslation)
            .where(IdeaTranslation.status == TranslationStatus.PENDING)
            .options(joinedload(IdeaTranslation.idea), joinedload(IdeaTranslation.translator))
            .order_by(IdeaTranslation.created_at, IdeaTranslation.id)
            .limit(limit)
        )
    )
