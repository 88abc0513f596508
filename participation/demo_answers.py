"""The demo's official responses in French, Dutch and English (issue 10 §3).

demo.json gives each answer one text ("response") or all of them
("response_texts": {"fr": ..., "nl": ..., "en": ...}); the versions of the one-text
answers are in data/demo_answers.json, found by any of their texts.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

ANSWERS = Path(__file__).parent / "data" / "demo_answers.json"


def _key(text: str) -> str:
    """A text compared without its kind of spaces (no-break, narrow)."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


@cache
def _versions() -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for versions in json.loads(ANSWERS.read_text(encoding="utf-8"))["answers"]:
        for text in versions.values():
            found[_key(text)] = versions
    return found


def responses(answer: dict[str, Any]) -> dict[str, str]:
    """The language versions of a demo answer. A one-text answer without
    versions (a new one in demo.json) is given as its own French and Dutch text."""
    if answer.get("response_texts"):
        return dict(answer["response_texts"])
    text = answer.get("response") or ""
    if not text:
        return {}
    return _versions().get(_key(text)) or {"fr": text, "nl": text}
