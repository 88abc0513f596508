"""Participation in numbers: per challenge, per municipality, per week.

Counts public ideas only (published and withdrawn: what the lists show), their
supports and visible comments, and how many received an official response.
Every function issues a fixed number of grouped queries whatever the data.
"""

from __future__ import annotations

import statistics as stats
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, select, union
from sqlalchemy.orm import joinedload

from participation.extensions import db
from participation.models import (
    Challenge,
    Comment,
    Idea,
    Municipality,
    OfficialStatusChange,
    Support,
    User,
)
from participation.models.base import utcnow
from participation.vocabulary import LISTED_IDEA_STATUSES, CommentStatus

LISTED = tuple(LISTED_IDEA_STATUSES)
WEEKS = 12
# Small-cell protection: a count of people under this is never shown exactly
# (pages, API, datasets say "fewer than 10"), so no one can be singled out.
SMALL_CELL = 10
TOP = 5


def protected(count: int | None) -> int | None:
    """A count of people as it may be published: None when under SMALL_CELL."""
    return count if count is not None and count >= SMALL_CELL else None


@dataclass
class Tally:
    """What one group of ideas gathered."""

    ideas: int = 0
    supports: int = 0
    comments: int = 0
    answered: int = 0

    @property
    def answer_rate(self) -> float:
        """Share of ideas with an official response, from 0 to 1."""
        return self.answered / self.ideas if self.ideas else 0.0


@dataclass
class ChallengeRow:
    challenge: Challenge
    tally: Tally


@dataclass
class MunicipalityRow:
    """One municipality, or the whole Region (municipality None: ideas about no
    municipality in particular)."""

    municipality: Municipality | None
    tally: Tally
    # People who declared living there and took part (None: not counted).
    participants: int | None = None


@dataclass
class Week:
    start: date
    ideas: int = 0
    supports: int = 0
    comments: int = 0


@dataclass
class Overview:
    totals: Tally
    challenges: list[ChallengeRow]
    municipalities: list[MunicipalityRow]
    weeks: list[Week] = field(default_factory=list)
    # Median days from publication to the first official response (None: no answer yet).
    median_days_to_answer: float | None = None
    # Everyone who proposed, supported or commented a public idea.
    participants: int = 0
    # The ideas that gathered the most supports this calendar month.
    month_top: list[MonthTop] = field(default_factory=list)
    month_start: date | None = None


@dataclass
class MonthTop:
    idea: Idea
    supports: int


def _tally_columns():
    return (
        func.count(Idea.id),
        func.coalesce(func.sum(Idea.support_count), 0),
        func.coalesce(func.sum(Idea.comment_count), 0),
        func.count(Idea.official_status),
    )


def _tally(row) -> Tally:
    ideas, supports, comments, answered = row
    return Tally(int(ideas or 0), int(supports or 0), int(comments or 0), int(answered or 0))


def by_challenge() -> list[ChallengeRow]:
    """The four challenges in their order, each with its tally: one query."""
    rows = db.session.execute(
        select(Challenge, *_tally_columns())
        .outerjoin(Idea, and_(Idea.challenge_id == Challenge.id, Idea.status.in_(LISTED)))
        .group_by(Challenge.id)
        .order_by(Challenge.position, Challenge.id)
    ).all()
    return [ChallengeRow(row[0], _tally(row[1:])) for row in rows]


def by_municipality(language: str | None = None) -> list[MunicipalityRow]:
    """The 19 municipalities by name in `language`, each with its tally, then the
    ideas about the whole Region: two queries."""
    rows = db.session.execute(
        select(Municipality, *_tally_columns())
        .outerjoin(Idea, and_(Idea.municipality_id == Municipality.id, Idea.status.in_(LISTED)))
        .group_by(Municipality.id)
    ).all()
    result = [MunicipalityRow(row[0], _tally(row[1:])) for row in rows]
    result.sort(key=lambda r: r.municipality.name(language) if r.municipality else "")
    region = db.session.execute(
        select(*_tally_columns()).where(Idea.status.in_(LISTED), Idea.municipality_id.is_(None))
    ).one()
    result.append(MunicipalityRow(None, _tally(region)))
    return result


def _day(value) -> date:
    """A grouped date column: a date on PostgreSQL, a 'YYYY-MM-DD' string on SQLite."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def weekly(weeks: int = WEEKS, now: datetime | None = None) -> list[Week]:
    """Ideas published, supports given and comments written per week (Monday
    to Sunday) over the last `weeks` weeks, oldest first: three grouped queries."""
    today = (now or utcnow()).date()
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    since = datetime.combine(first, datetime.min.time())
    result = [Week(first + timedelta(weeks=n)) for n in range(weeks)]

    def add(column, attribute: str, *joins_and_conditions) -> None:
        day = func.date(column)
        query = select(day, func.count()).select_from(column.table)
        for item in joins_and_conditions:
            query = query.join(*item) if isinstance(item, tuple) else query.where(item)
        for value, count in db.session.execute(query.where(column >= since).group_by(day)):
            index = (_day(value) - first).days // 7
            if 0 <= index < weeks:
                setattr(result[index], attribute, getattr(result[index], attribute) + int(count))

    add(Idea.published_at, "ideas", Idea.status.in_(LISTED))
    add(
        Support.created_at,
        "supports",
        (Idea, Idea.id == Support.idea_id),
        Idea.status.in_(LISTED),
    )
    add(
        Comment.created_at,
        "comments",
        (Idea, Idea.id == Comment.idea_id),
        Idea.status.in_(LISTED),
        Comment.status == CommentStatus.VISIBLE,
    )
    return result


def median_days_to_answer() -> float | None:
    """Median number of days between an idea's publication and its first
    official response, over the public ideas that have one: one query (one row
    per answered idea)."""
    first = (
        select(
            OfficialStatusChange.idea_id.label("idea_id"),
            func.min(OfficialStatusChange.created_at).label("answered_at"),
        )
        .group_by(OfficialStatusChange.idea_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Idea.published_at, first.c.answered_at)
        .join(first, first.c.idea_id == Idea.id)
        .where(Idea.status.in_(LISTED), Idea.published_at.is_not(None))
    ).all()
    delays = [
        max(0.0, (answered - published).total_seconds() / 86400) for published, answered in rows
    ]
    return round(stats.median(delays), 1) if delays else None


def participants_by_municipality() -> dict[int | None, int]:
    """How many people took part (proposed a public idea, supported one, or wrote
    a visible comment on one), by the municipality they declared (None: not
    declared): one grouped query. Each person counts once, wherever they took part."""
    people = union(
        select(Idea.author_id.label("user_id")).where(Idea.status.in_(LISTED)),
        select(Support.user_id.label("user_id"))
        .join(Idea, Idea.id == Support.idea_id)
        .where(Idea.status.in_(LISTED)),
        select(Comment.author_id.label("user_id"))
        .join(Idea, Idea.id == Comment.idea_id)
        .where(Idea.status.in_(LISTED), Comment.status == CommentStatus.VISIBLE),
    ).subquery("people")
    rows = db.session.execute(
        select(User.municipality_id, func.count(User.id))
        .join(people, people.c.user_id == User.id)
        .group_by(User.municipality_id)
    ).all()
    return {place: int(count) for place, count in rows}


def month_start(now: datetime | None = None) -> date:
    return (now or utcnow()).date().replace(day=1)


def month_top(now: datetime | None = None, limit: int = TOP) -> list[MonthTop]:
    """The public ideas that gathered the most supports since the first of this
    month, most first: one query (the counts, then those ideas' rows)."""
    since = datetime.combine(month_start(now), datetime.min.time())
    counted = (
        select(Support.idea_id.label("idea_id"), func.count().label("n"))
        .join(Idea, Idea.id == Support.idea_id)
        .where(Support.created_at >= since, Idea.status.in_(LISTED))
        .group_by(Support.idea_id)
        .order_by(func.count().desc(), Support.idea_id.desc())
        .limit(limit)
        .subquery("counted")
    )
    rows = db.session.execute(
        select(Idea, counted.c.n)
        .join(counted, counted.c.idea_id == Idea.id)
        .options(joinedload(Idea.challenge), joinedload(Idea.municipality))
        .order_by(counted.c.n.desc(), Idea.id.desc())
    ).all()
    return [MonthTop(idea, int(n)) for idea, n in rows]


def overview(language: str | None = None, now: datetime | None = None) -> Overview:
    """Everything the statistics page and the API show: nine queries."""
    challenges = by_challenge()
    totals = Tally()
    for row in challenges:
        for name in ("ideas", "supports", "comments", "answered"):
            setattr(totals, name, getattr(totals, name) + getattr(row.tally, name))
    municipalities, people = _with_participants(language)
    return Overview(
        totals=totals,
        challenges=challenges,
        municipalities=municipalities,
        weeks=weekly(now=now),
        median_days_to_answer=median_days_to_answer(),
        participants=sum(people.values()),
        month_top=month_top(now),
        month_start=month_start(now),
    )


# --- One municipality ------------------------------------------------------------------


@dataclass
class Average:
    """The Region's average per municipality (over the 19)."""

    ideas: float
    supports: float
    comments: float
    answer_rate: float
    participants: float


@dataclass
class Profile:
    municipality: Municipality
    row: MunicipalityRow
    average: Average
    rank: int  # by ideas, 1 = the most (ties share a rank)
    top: list[Idea]
    answered: list[Idea]


def region_average(rows: list[MunicipalityRow]) -> Average:
    places = [r for r in rows if r.municipality is not None]
    n = len(places) or 1
    ideas = sum(r.tally.ideas for r in places)
    answered = sum(r.tally.answered for r in places)
    return Average(
        ideas=ideas / n,
        supports=sum(r.tally.supports for r in places) / n,
        comments=sum(r.tally.comments for r in places) / n,
        answer_rate=answered / ideas if ideas else 0.0,
        participants=sum(r.participants or 0 for r in places) / n,
    )


def _with_participants(
    language: str | None = None,
) -> tuple[list[MunicipalityRow], dict[int | None, int]]:
    rows = by_municipality(language)
    people = participants_by_municipality()
    for row in rows:
        if row.municipality is not None:
            row.participants = people.get(row.municipality.id, 0)
    return rows, people


def with_participants(language: str | None = None) -> list[MunicipalityRow]:
    """The 19 municipalities and the whole Region, each with its tally and the
    participants who declared living there: three queries."""
    return _with_participants(language)[0]


def profile(municipality: Municipality, language: str | None = None) -> Profile:
    """A municipality's page: its tally and participants beside the Region's
    average, its most supported ideas and its answered ideas: five queries."""
    from participation.services import browse

    rows = with_participants(language)
    row = next(r for r in rows if r.municipality and r.municipality.id == municipality.id)
    rank = 1 + sum(
        1 for r in rows if r.municipality is not None and r.tally.ideas > row.tally.ideas
    )
    return Profile(
        municipality=municipality,
        row=row,
        average=region_average(rows),
        rank=rank,
        top=browse.top_of_place(municipality, "supported", TOP),
        answered=browse.top_of_place(municipality, "newest", TOP, answered=True),
    )
