"""Small shared column helpers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

# Set only by clock_at(): the demo data tells its story through the services,
# each step at its own moment in the past.
_clock: ContextVar[datetime | None] = ContextVar("participation_clock", default=None)


def utcnow() -> datetime:
    """Naive UTC 'now': every timestamp is stored as naive UTC on every backend."""
    frozen = _clock.get()
    if frozen is not None:
        return frozen
    return datetime.now(UTC).replace(tzinfo=None)


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Inside the block, utcnow() answers `moment` (naive UTC)."""
    token = _clock.set(moment)
    try:
        yield
    finally:
        _clock.reset(token)
