"""Demo translations of ideas (data/demo_translations.json), through the same
services people use: an author's translation is published at once; a
participant's is offered, then approved by the demo moderator, or left
waiting in the moderation queue. Idempotent: a language an idea already has a
translation in is skipped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from participation.extensions import db
from participation.models import Idea, IdeaTranslation, User
from participation.services import translations
from participation.vocabulary import Role

DATA_FILE = Path(__file__).resolve().parent / "data" / "demo_translations.json"


def load(data: dict[str, Any] | None = None) -> int:
    """Add the demo translations that are missing; returns how many were added."""
    if data is None:
        with DATA_FILE.open(encoding="utf-8") as fh:
            data = json.load(fh)
    moderator = db.session.scalar(select(User).where(User.role == Role.MODERATOR).limit(1))
    added = 0
    for entry in data["translations"]:
        idea = db.session.scalar(select(Idea).where(Idea.title == entry["idea"]))
        translator = db.session.scalar(
            select(User).where(User.email == f"{entry['by']}@demo.brussels")
        )
        if idea is None or translator is None:
            continue
        exists = db.session.scalar(
            select(IdeaTranslation.id).where(
                IdeaTranslation.idea_id == idea.id,
                IdeaTranslation.language == entry["language"],
            )
        )
        if exists is not None:
            continue
        row = translations.translate_idea(
            translator,
            idea,
            translations.TranslationInput(entry["language"], entry["title"], entry["body"]),
        )
        if entry.get("review") == "approve" and moderator is not None:
            translations.approve_translation(moderator, row)
        added += 1
    return added
