"""The statistics pages' figures, computed in the background and read by the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer
from sqlalchemy.orm import Mapped, mapped_column

from participation.extensions import db


class StatisticsSnapshot(db.Model):
    """One row (id 1): every number the statistics pages, their charts and the
    API show, as services/statistics.compute_figures() counted them at
    `computed_at`. Counting takes seconds at Region scale, so a job refreshes
    it (participation/jobs.py) and the pages read it in one query. It holds
    counts and idea ids only, never who took part."""

    __tablename__ = "statistics_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    computed_at: Mapped[datetime] = mapped_column(DateTime)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    # A count is under way or queued until then (services/statistics.claim()).
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
