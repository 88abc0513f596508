"""Participation in numbers: per challenge, per municipality, per week.

Counts public ideas only (published and withdrawn: what the lists show), their
supports and visible comments, and how many received an official response.

Counting is a fixed number of grouped queries, but each reads every idea,
support or comment: seconds at Region scale (1.7 s at 100,000 ideas and a
million supports on PostgreSQL). So compute_figures() runs in a job
(participation/jobs.py, at most every STATS_CACHE_SECONDS) and stores the
numbers in one row (StatisticsSnapshot); the pages, their charts and the API
read that row (figures()) and the few rows they name, in a fixed number of
queries whatever the data.
"""

from __future__ import annotations

import statistics as stats
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app, g, has_request_context
from sqlalchemy import and_, func, or_, select, union, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from participation.extensions import db
from participation.models import (
    Challenge,
    Comment,
    Idea,
    Municipality,
    OfficialStatusChange,
    StatisticsSnapshot,
    Support,
    User,
)
from participation.models.base import utcnow
from participation.services import places
from participation.vocabulary import LISTED_IDEA_STATUSES, CommentStatus

LISTED = tuple(LISTED_IDEA_STATUSES)
WEEKS = 12
# Small-cell protection: a count of people under this is never shown exactly
# (pages, API, datasets say "fewer than 10"), so no one can be singled out.
SMALL_CELL = 10
TOP = 5
# Keys of the stored numbers: the ideas about no municipality in particular, and
# the participants who declared none.
REGION, NOT_DECLARED = "region", "none"
SNAPSHOT_ID = 1


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
    # When these numbers were counted (see figures()).
    computed_at: datetime | None = None


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


def _numbers(values) -> list[int]:
    return [int(value or 0) for value in values]


def _tally(numbers: list[int] | None) -> Tally:
    return Tally(*numbers) if numbers else Tally()


# --- Counting: what the job runs (seconds at Region scale) -------------------------


def _count_by_challenge() -> dict[str, list[int]]:
    """Each challenge's tally (ideas, supports, comments, answered): one query."""
    rows = db.session.execute(
        select(Challenge.id, *_tally_columns())
        .outerjoin(Idea, and_(Idea.challenge_id == Challenge.id, Idea.status.in_(LISTED)))
        .group_by(Challenge.id)
    )
    return {str(row[0]): _numbers(row[1:]) for row in rows}


def _count_by_municipality() -> dict[str, list[int]]:
    """Each municipality's tally, and REGION's (the ideas about no municipality in
    particular): two queries."""
    rows = db.session.execute(
        select(Municipality.id, *_tally_columns())
        .outerjoin(Idea, and_(Idea.municipality_id == Municipality.id, Idea.status.in_(LISTED)))
        .group_by(Municipality.id)
    )
    result = {str(row[0]): _numbers(row[1:]) for row in rows}
    result[REGION] = _numbers(
        db.session.execute(
            select(*_tally_columns()).where(Idea.status.in_(LISTED), Idea.municipality_id.is_(None))
        ).one()
    )
    return result


def _day(value) -> date:
    """A grouped date column: a date on PostgreSQL, a 'YYYY-MM-DD' string on SQLite."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def first_week(weeks: int = WEEKS, now: datetime | None = None) -> date:
    """The Monday that starts the oldest of the last `weeks` weeks."""
    today = (now or utcnow()).date()
    return today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)


def _count_weekly(first: date, weeks: int = WEEKS) -> list[list[int]]:
    """Ideas published, supports given and comments written per week (Monday to
    Sunday) from `first`, oldest first: three grouped queries."""
    since = datetime.combine(first, datetime.min.time())
    result = [[0, 0, 0] for _ in range(weeks)]

    def add(column, position: int, *joins_and_conditions) -> None:
        day = func.date(column)
        query = select(day, func.count()).select_from(column.table)
        for item in joins_and_conditions:
            query = query.join(*item) if isinstance(item, tuple) else query.where(item)
        for value, count in db.session.execute(query.where(column >= since).group_by(day)):
            index = (_day(value) - first).days // 7
            if 0 <= index < weeks:
                result[index][position] += int(count)

    add(Idea.published_at, 0, Idea.status.in_(LISTED))
    add(
        Support.created_at,
        1,
        (Idea, Idea.id == Support.idea_id),
        Idea.status.in_(LISTED),
    )
    add(
        Comment.created_at,
        2,
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


def _count_month_top(since: date, limit: int = TOP) -> list[list[int]]:
    """[idea id, supports] of the public ideas that gathered the most supports
    since `since`, most first: one query."""
    rows = db.session.execute(
        select(Support.idea_id, func.count())
        .join(Idea, Idea.id == Support.idea_id)
        .where(
            Support.created_at >= datetime.combine(since, datetime.min.time()),
            Idea.status.in_(LISTED),
        )
        .group_by(Support.idea_id)
        .order_by(func.count().desc(), Support.idea_id.desc())
        .limit(limit)
    )
    return [[int(idea_id), int(n)] for idea_id, n in rows]


def compute_figures(now: datetime | None = None) -> dict[str, Any]:
    """Every number of the statistics pages, their charts and the API, counted
    now (nine queries; seconds at 100,000 ideas): plain JSON, counts and idea
    ids only."""
    first, start = first_week(now=now), month_start(now)
    people = participants_by_municipality()
    return {
        "challenges": _count_by_challenge(),
        "municipalities": _count_by_municipality(),
        "participants": {
            (NOT_DECLARED if place is None else str(place)): n for place, n in people.items()
        },
        "weeks_from": first.isoformat(),
        "weeks": _count_weekly(first),
        "median_days_to_answer": median_days_to_answer(),
        "month_start": start.isoformat(),
        "month_top": _count_month_top(start),
    }


# --- The snapshot: what the pages read (one query) ---------------------------------


@dataclass
class Figures:
    """The numbers as counted at `computed_at` (see compute_figures)."""

    computed_at: datetime
    numbers: dict[str, Any]


_SNAPSHOTS = StatisticsSnapshot.__table__
_READ_SNAPSHOT = select(
    _SNAPSHOTS.c.computed_at, _SNAPSHOTS.c.figures, _SNAPSHOTS.c.claimed_until
).where(_SNAPSHOTS.c.id == SNAPSHOT_ID)


def refresh(now: datetime | None = None) -> Figures:
    """Count now and store the numbers, in a transaction of their own (the
    request's, if any, is left as it is): what the job runs."""
    computed_at = utcnow()
    numbers = compute_figures(now)
    engine = db.engine
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(_SNAPSHOTS).values(
        id=SNAPSHOT_ID, computed_at=computed_at, figures=numbers, claimed_until=None
    )
    statement = statement.on_conflict_do_update(
        index_elements=[_SNAPSHOTS.c.id],
        set_={
            "computed_at": statement.excluded.computed_at,
            "figures": statement.excluded.figures,
            "claimed_until": None,
        },
    )
    with engine.begin() as connection:
        connection.execute(statement)
    return Figures(computed_at, numbers)


def claim(seconds: int) -> bool:
    """Claim the next count for `seconds` (in a transaction of its own): True for
    the one caller that finds no count under way, False for every other. A
    count that never ran (a worker down) is claimed again once that has passed.
    Nothing stored yet: True (nothing to claim; the first count may run twice)."""
    now = utcnow()
    statement = (
        update(_SNAPSHOTS)
        .where(
            _SNAPSHOTS.c.id == SNAPSHOT_ID,
            or_(_SNAPSHOTS.c.claimed_until.is_(None), _SNAPSHOTS.c.claimed_until < now),
        )
        .values(claimed_until=now + timedelta(seconds=seconds))
    )
    with db.engine.begin() as connection:
        if connection.execute(statement).rowcount == 1:
            return True
        return connection.execute(select(_SNAPSHOTS.c.id)).first() is None


def max_age() -> timedelta:
    return timedelta(seconds=current_app.config.get("STATS_CACHE_SECONDS", 300))


def figures() -> Figures:
    """The stored numbers (one query, kept for the request). Older than
    STATS_CACHE_SECONDS, they are still shown, and a refresh is asked of the
    job worker (or, without Redis, run in this process after the response);
    none stored yet (a new platform), they are counted now. STATS_CACHE_SECONDS
    0: counted on every request."""
    kept = g.get("_statistics_figures") if has_request_context() else None
    if kept is not None:
        return kept
    age = max_age()
    row = db.session.execute(_READ_SNAPSHOT).first() if age else None
    if row is None:
        found = refresh()
    else:
        found = Figures(row[0], row[1])
        if _due(row, age):
            from participation.jobs import refresh_statistics_later

            refresh_statistics_later(current_app._get_current_object())  # type: ignore[attr-defined]
    if has_request_context():
        g._statistics_figures = found
    return found


def _due(row, age: timedelta) -> bool:
    """A snapshot row (computed_at, figures, claimed_until) is due for a count:
    older than `age`, and no count under way (or one that should have ended)."""
    now = utcnow()
    computed_at, _numbers, claimed_until = row
    return now - computed_at >= age and (claimed_until is None or claimed_until < now)


def is_due() -> bool:
    """Whether the stored numbers are missing, or due for a count (_due)."""
    row = db.session.execute(_READ_SNAPSHOT).first()
    return row is None or _due(row, max_age())


# --- What the pages show, from the numbers -----------------------------------------


def by_challenge(found: Figures | None = None) -> list[ChallengeRow]:
    """The four challenges in their order, each with its tally: one query."""
    numbers = (found or figures()).numbers["challenges"]
    return [ChallengeRow(c, _tally(numbers.get(str(c.id)))) for c in places.challenges()]


def by_municipality(
    language: str | None = None, found: Figures | None = None
) -> list[MunicipalityRow]:
    """The 19 municipalities by name in `language`, each with its tally, then the
    ideas about the whole Region: one query."""
    numbers = (found or figures()).numbers["municipalities"]
    result = [
        MunicipalityRow(place, _tally(numbers.get(str(place.id))))
        for place in places.municipalities(language)
    ]
    result.append(MunicipalityRow(None, _tally(numbers.get(REGION))))
    return result


def weekly(found: Figures | None = None) -> list[Week]:
    """Ideas published, supports given and comments written per week (Monday
    to Sunday) over the last WEEKS weeks, oldest first: no query of its own."""
    numbers = (found or figures()).numbers
    first = date.fromisoformat(numbers["weeks_from"])
    return [Week(first + timedelta(weeks=n), *counts) for n, counts in enumerate(numbers["weeks"])]


def month_top(found: Figures | None = None) -> list[MonthTop]:
    """The public ideas that gathered the most supports this month, most first:
    one query (those ideas' rows; an idea hidden since the count is left out)."""
    counted = (found or figures()).numbers["month_top"]
    if not counted:
        return []
    ideas = {
        idea.id: idea
        for idea in db.session.scalars(
            select(Idea)
            .where(Idea.id.in_([idea_id for idea_id, _ in counted]), Idea.status.in_(LISTED))
            .options(joinedload(Idea.challenge), joinedload(Idea.municipality))
        ).unique()
    }
    return [MonthTop(ideas[idea_id], n) for idea_id, n in counted if idea_id in ideas]


def overview(language: str | None = None) -> Overview:
    """Everything the statistics page and the API show: four queries (the
    numbers, the challenges, the municipalities, this month's top ideas)."""
    found = figures()
    challenges = by_challenge(found)
    totals = Tally()
    for row in challenges:
        for name in ("ideas", "supports", "comments", "answered"):
            setattr(totals, name, getattr(totals, name) + getattr(row.tally, name))
    municipalities, people = _with_participants(language, found)
    return Overview(
        totals=totals,
        challenges=challenges,
        municipalities=municipalities,
        weeks=weekly(found),
        median_days_to_answer=found.numbers["median_days_to_answer"],
        participants=sum(people.values()),
        month_top=month_top(found),
        month_start=date.fromisoformat(found.numbers["month_start"]),
        computed_at=found.computed_at,
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
    language: str | None = None, found: Figures | None = None
) -> tuple[list[MunicipalityRow], dict[str, int]]:
    found = found or figures()
    rows = by_municipality(language, found)
    people = found.numbers["participants"]
    for row in rows:
        if row.municipality is not None:
            row.participants = people.get(str(row.municipality.id), 0)
    return rows, people


def with_participants(
    language: str | None = None, found: Figures | None = None
) -> list[MunicipalityRow]:
    """The 19 municipalities and the whole Region, each with its tally and the
    participants who declared living there: one query besides the numbers."""
    return _with_participants(language, found)[0]


def profile(
    municipality: Municipality, language: str | None = None, found: Figures | None = None
) -> Profile:
    """A municipality's page: its tally and participants beside the Region's
    average (from the stored numbers), its most supported ideas and its
    answered ideas: three queries besides the numbers."""
    from participation.services import browse

    rows = with_participants(language, found)
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
