"""Small shared column helpers."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Naive UTC 'now': every timestamp is stored as naive UTC on every backend."""
    return datetime.now(UTC).replace(tzinfo=None)
