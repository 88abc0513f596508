"""Reading public ideas: the home page, the ideas list, challenge pages, feeds.

Every function issues a fixed number of queries whatever the data: counters
are columns, the challenge, municipality and author are joined in, and
"trending" counts recent supports in a grouped subquery of the same query.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, false, func, select
from sqlalchemy.orm import joinedload

from participation.extensions import db
from participation.models import Challenge, Idea, Municipality, Support, User
from participation.models.base import utcnow
from participation.parsing import page_number
from participation.services import places, search
from participation.vocabulary import LISTED_IDEA_STATUSES, IdeaStatus, Language, OfficialStatus

# Statuses shown in lists; hidden ideas only keep a placeholder on their own page.
LISTED_STATUSES = tuple(LISTED_IDEA_STATUSES)
TRENDING_DAYS = 7
PER_PAGE = 20
# The municipality filter value for ideas about the whole Region.
WHOLE_REGION = "region"

# Status filter values: the idea's own public statuses, then the official
# statuses officials set (moderation issue); each maps to a condition.
STATUS_LABELS = dict(
    IdeaStatus.choices((IdeaStatus.PUBLISHED, IdeaStatus.WITHDRAWN)) + OfficialStatus.choices()
)
SORT_LABELS = {
    "relevance": _l("Best match"),
    "newest": _l("Newest"),
    "supported": _l("Most supported"),
    "trending": _l("Trending this week"),
    "discussed": _l("Most discussed"),
}
DEFAULT_SORT = "newest"


def _status_condition(value: str):
    if value in OfficialStatus.values():
        return and_(Idea.status.in_(LISTED_STATUSES), Idea.official_status == value)
    return Idea.status == value


@dataclass
class Filters:
    """What the visitor asked for, already checked. Values are the raw URL
    values (slugs, codes) so they can be put back in links."""

    q: str = ""
    challenge: Challenge | None = None
    municipality: Municipality | None = None
    whole_region: bool = False
    status: str = ""
    language: str = ""
    sort: str = DEFAULT_SORT
    page: int = 1
    errors: dict[str, str] = field(default_factory=dict)
    # Where these filters apply, to build links (set by the view).
    endpoint: str = "ideas.index"
    endpoint_args: dict[str, str] = field(default_factory=dict)

    @property
    def terms(self) -> list[str]:
        return search.search_terms(self.q)

    def args(self, **changes) -> dict[str, str | int]:
        """URL arguments reproducing these filters (empty ones left out)."""
        values: dict[str, str | int] = {
            "q": self.q,
            "challenge": self.challenge.slug if self.challenge else "",
            "municipality": (
                WHOLE_REGION
                if self.whole_region
                else (self.municipality.slug if self.municipality else "")
            ),
            "status": self.status,
            "language": self.language,
            "sort": "" if self.sort == self.default_sort else self.sort,
            "page": self.page if self.page > 1 else "",
        }
        values.update(changes)
        if values.get("page") == 1:
            values["page"] = ""
        return {k: v for k, v in values.items() if v not in ("", None)}

    @property
    def default_sort(self) -> str:
        return "relevance" if self.terms else DEFAULT_SORT

    @property
    def active(self) -> bool:
        return bool(
            self.q
            or self.challenge
            or self.municipality
            or self.whole_region
            or self.status
            or self.language
        )


@dataclass
class Choices:
    """Reference data for the filter form (one query each)."""

    challenges: list[Challenge]
    municipalities: list[Municipality]


def load_choices() -> Choices:
    return Choices(challenges=places.challenges(), municipalities=places.municipalities())


def parse_filters(args, choices: Choices, challenge: Challenge | None = None) -> Filters:
    """Read the list filters from URL arguments. Unknown values are left out
    and explained in `errors` (the view answers 400); never raises."""
    filters = Filters(challenge=challenge)
    errors = filters.errors
    filters.q = (args.get("q") or "").strip()[: search.MAX_QUERY_LENGTH]

    slug = (args.get("challenge") or "").strip()
    if slug and challenge is None:
        filters.challenge = next((c for c in choices.challenges if c.slug == slug), None)
        if filters.challenge is None:
            errors["challenge"] = _l("There is no such challenge. Choose one from the list.")

    place = (args.get("municipality") or "").strip()
    if place == WHOLE_REGION:
        filters.whole_region = True
    elif place:
        filters.municipality = next(
            (m for m in choices.municipalities if m.slug == place or str(m.id) == place), None
        )
        if filters.municipality is None:
            errors["municipality"] = _l(
                "There is no such municipality. Choose one of the 19 from the list."
            )

    status = (args.get("status") or "").strip()
    if status in STATUS_LABELS:
        filters.status = status
    elif status:
        errors["status"] = _l("Unknown status. Choose one from the list.")

    language = (args.get("language") or "").strip()
    if language in Language.values():
        filters.language = language
    elif language:
        errors["language"] = _l("Unknown language. Choose French, Dutch or English.")

    sort = (args.get("sort") or "").strip()
    if sort in SORT_LABELS and (sort != "relevance" or filters.terms):
        filters.sort = sort
    else:
        filters.sort = filters.default_sort
        if sort and sort not in SORT_LABELS:
            errors["sort"] = _l("Unknown order. Choose one from the list.")

    filters.page = page_number(args.get("page"))
    return filters


@dataclass
class Page:
    items: list[Idea]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_index(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_index(self) -> int:
        return min(self.page * self.per_page, self.total)


def _with_details(query: Select) -> Select:
    """Load what a card shows in the same query."""
    return query.options(
        joinedload(Idea.challenge),
        joinedload(Idea.municipality),
        joinedload(Idea.author).joinedload(User.municipality),
    )


def listed() -> Select:
    return select(Idea).where(Idea.status.in_(LISTED_STATUSES))


def _trending_subquery(now=None):
    since = (now or utcnow()) - timedelta(days=TRENDING_DAYS)
    return (
        select(Support.idea_id.label("idea_id"), func.count(Support.id).label("recent"))
        .where(Support.created_at >= since)
        .group_by(Support.idea_id)
        .subquery("trending")
    )


def _filtered(filters: Filters) -> tuple[Select, Any]:
    """The public ideas these filters select, and the search match (None without
    search terms), unordered."""
    query = listed()
    if filters.challenge is not None:
        query = query.where(Idea.challenge_id == filters.challenge.id)
    if filters.whole_region:
        query = query.where(Idea.municipality_id.is_(None))
    elif filters.municipality is not None:
        query = query.where(Idea.municipality_id == filters.municipality.id)
    if filters.status:
        query = query.where(_status_condition(filters.status))
    if filters.language:
        query = query.where(Idea.language == filters.language)
    found = None
    terms = filters.terms
    if terms:
        query, found = search.apply_search(query, terms)
    elif filters.q:
        # Only punctuation: nothing can match.
        query = query.where(false())
    return query, found


def _ordered(query: Select, filters: Filters, found: Any, now=None) -> Select:
    """`query` in the order `filters.sort` asks for; ties broken by date and id,
    so that every order is total (pages and cursors never skip or repeat)."""
    order = []
    if filters.sort == "relevance" and found is not None:
        order = [found.score]
    elif filters.sort == "supported":
        order = [Idea.support_count.desc()]
    elif filters.sort == "discussed":
        order = [Idea.comment_count.desc()]
    elif filters.sort == "trending":
        trending = _trending_subquery(now)
        query = query.outerjoin(trending, trending.c.idea_id == Idea.id)
        order = [func.coalesce(trending.c.recent, 0).desc(), Idea.support_count.desc()]
    order += [Idea.published_at.desc(), Idea.id.desc()]
    return query.order_by(*order)


def list_ideas(filters: Filters, per_page: int = PER_PAGE, now=None) -> Page:
    """One page of public ideas: a count query and a page query.

    A page past the end shows the last page.
    """
    query, found = _filtered(filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(filters.page, pages)
    filters.page = page
    query = _ordered(query, filters, found, now)
    query = _with_details(query.limit(per_page).offset((page - 1) * per_page))
    items = list(db.session.scalars(query).unique().all())
    return Page(items=items, total=total, page=page, per_page=per_page)


@dataclass
class Window:
    """A slice of the list for a cursor: the items from `offset`, and whether more follow."""

    items: list[Idea]
    offset: int
    has_more: bool


def window(filters: Filters, offset: int, limit: int, now=None) -> Window:
    """Public ideas from `offset` on, in the same order as the list page (the
    API's cursor pagination): one query, which reads one row more than `limit`
    to know whether another page follows."""
    query, found = _filtered(filters)
    query = _ordered(query, filters, found, now)
    query = _with_details(query.limit(limit + 1).offset(offset))
    items = list(db.session.scalars(query).unique().all())
    return Window(items=items[:limit], offset=offset, has_more=len(items) > limit)


@dataclass
class ChallengeSummary:
    challenge: Challenge
    idea_count: int
    support_count: int


def challenge_summaries() -> list[ChallengeSummary]:
    """The four challenges with their number of public ideas and of supports
    (one grouped query)."""
    rows = db.session.execute(
        select(
            Challenge,
            func.count(Idea.id),
            func.coalesce(func.sum(Idea.support_count), 0),
        )
        .outerjoin(Idea, and_(Idea.challenge_id == Challenge.id, Idea.status.in_(LISTED_STATUSES)))
        .group_by(Challenge.id)
        .order_by(Challenge.position, Challenge.id)
    ).all()
    return [ChallengeSummary(c, int(n), int(s)) for c, n, s in rows]


def most_supported(limit: int = 6) -> list[Idea]:
    query = (
        listed()
        .where(Idea.status == IdeaStatus.PUBLISHED)
        .order_by(Idea.support_count.desc(), Idea.published_at.desc(), Idea.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(_with_details(query)).unique().all())


def newest(limit: int = 6, challenge: Challenge | None = None) -> list[Idea]:
    query = listed()
    if challenge is not None:
        query = query.where(Idea.challenge_id == challenge.id)
    query = query.order_by(Idea.published_at.desc(), Idea.id.desc()).limit(limit)
    return list(db.session.scalars(_with_details(query)).unique().all())


def challenge_by_slug(slug: str) -> Challenge | None:
    return places.challenge_by_slug(slug)
