"""Reading public ideas: the home page, the ideas list, challenge pages, feeds.

Every function issues a fixed number of queries whatever the data, and none
reads more than a page of an index: counters, challenge totals and the
trending score are stored columns (migration 0006_scale); a page's ids are
picked from the index of its order first, then only those rows are joined to
their challenge, municipality and author; page numbers stop at MAX_PAGES.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Double, Select, and_, cast, false, func, literal_column, select
from sqlalchemy.orm import joinedload

from participation.extensions import db
from participation.models import Challenge, Idea, Municipality
from participation.parsing import page_number
from participation.services import keyset, places, search
from participation.vocabulary import LISTED_IDEA_STATUSES, IdeaStatus, Language, OfficialStatus

# Statuses shown in lists; hidden ideas only keep a placeholder on their own page.
LISTED_STATUSES = tuple(LISTED_IDEA_STATUSES)
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

    # Listed ideas in all challenges (stored totals), set by parse_filters.
    listed_total: int = 0

    @property
    def is_challenge_only(self) -> bool:
        """No filter but the challenge: its stored total is the count."""
        return not (
            self.q or self.municipality or self.whole_region or self.status or self.language
        )

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
    filters.listed_total = sum(c.idea_count for c in choices.challenges)
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
    # True when `total` is a lower bound: more ideas match than are paged.
    more: bool = False
    max_pages: int = 50

    @property
    def pages(self) -> int:
        return max(1, min(self.max_pages, math.ceil(self.total / self.per_page)))

    @property
    def truncated(self) -> bool:
        """Some matching ideas are past the last page offered."""
        return self.more or self.total > self.pages * self.per_page

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


# Page numbers stop here: deeper offsets would walk ever more of an index.
# Filters, search and the other orders reach every idea.
MAX_PAGES = 50
# A search reads this many pages of the most recent matches at most (each
# match is scored: the work grows with what is read); past them, the page
# asks for another word or a filter.
SEARCH_MAX_PAGES = 10


def _with_details(query: Select) -> Select:
    """Load what a card shows in the same query."""
    return query.options(
        joinedload(Idea.challenge),
        joinedload(Idea.municipality),
        joinedload(Idea.author),
    )


def listed() -> Select:
    return select(Idea).where(Idea.status.in_(LISTED_STATUSES))


def _sort_columns(sort: str) -> list:
    """The ORDER BY of a list sort: the columns of its index (model Idea), newest first."""
    if sort == "supported":
        return [Idea.support_count.desc(), Idea.published_at.desc(), Idea.id.desc()]
    if sort == "discussed":
        return [Idea.comment_count.desc(), Idea.published_at.desc(), Idea.id.desc()]
    if sort == "trending":
        return [Idea.trending_score.desc(), Idea.id.desc()]
    return [Idea.published_at.desc(), Idea.id.desc()]


def _page_of(ids: Select, order: list) -> Select:
    """The full rows (with challenge, place and author) of the ideas whose ids
    `ids` selects, in order: the ids come from a narrow index first, and only
    those rows are joined and read."""
    chosen = ids.subquery("chosen")
    query = select(Idea).join(chosen, chosen.c.id == Idea.id).order_by(*order)
    return _with_details(query)


def _conditions(filters: Filters) -> list:
    """The conditions on Idea of every filter but the search words."""
    conditions: list = [Idea.status.in_(LISTED_STATUSES)]
    if filters.challenge is not None:
        conditions.append(Idea.challenge_id == filters.challenge.id)
    if filters.whole_region:
        conditions.append(Idea.municipality_id.is_(None))
    elif filters.municipality is not None:
        conditions.append(Idea.municipality_id == filters.municipality.id)
    if filters.status:
        conditions.append(_status_condition(filters.status))
    if filters.language:
        conditions.append(Idea.language == filters.language)
    return conditions


def _filtered_ids(filters: Filters) -> Select:
    """The ids of the public ideas these filters select, unordered, when they
    have no search words (those go through _search_page and _search_window)."""
    ids = select(Idea.id).where(*_conditions(filters))
    if filters.q:
        # Only punctuation: nothing can match.
        ids = ids.where(false())
    return ids


def list_ideas(filters: Filters, per_page: int = PER_PAGE, max_pages: int | None = None) -> Page:
    """One page of public ideas, in at most two queries whatever the data.

    Without filters (or only a challenge) the total is the stored challenge
    totals; otherwise a count stopped after MAX_PAGES pages. Then the page's
    ids are read from the index of the sort and only their rows are loaded.
    A page past the end shows the last page.
    """
    max_pages = max_pages or MAX_PAGES
    if filters.terms:
        return _search_page(filters, per_page, max_pages)
    ids = _filtered_ids(filters)
    more = False
    if not filters.is_challenge_only:
        cap = max_pages * per_page
        bounded = ids.limit(cap + 1).subquery("bounded")
        total = db.session.scalar(select(func.count()).select_from(bounded)) or 0
        if total > cap:
            total, more = cap, True
    elif filters.challenge is not None:
        total = filters.challenge.idea_count
    else:
        total = filters.listed_total
    pages = max(1, min(max_pages, math.ceil(total / per_page)))
    page = min(filters.page, pages)
    filters.page = page

    # The columns of the sort's index; ties broken by date and id, so pages
    # never skip or repeat.
    order = _sort_columns(filters.sort)
    ids = ids.order_by(*order).limit(per_page).offset((page - 1) * per_page)
    query = _page_of(ids, order)
    items = list(db.session.scalars(query).unique().all())
    return Page(
        items=items, total=total, page=page, per_page=per_page, more=more, max_pages=max_pages
    )


# What a search result is ordered by, besides its score: the columns of the
# list orders (_sort_columns), read with each match.
_SORT_KEYS = (Idea.published_at, Idea.support_count, Idea.comment_count, Idea.trending_score)


def _search_order(sort: str):
    """A sort key for search matches (rows of search.recent_matches): the list
    order `sort`, on the attributes _match_key_names() names (ties broken by
    date and id as in _sort_columns). The score ascends (lower is better); the
    others descend."""
    names = _match_key_names(sort)

    def key(row) -> tuple:
        values = []
        for name in names:
            value = getattr(row, name)
            if name == "published_at":
                value = value.timestamp() if value is not None else 0.0
            values.append(value if name == "score" else -value)
        return tuple(values)

    return key


def _ideas_by_id(ids: list[int]) -> dict[int, Idea]:
    """The ideas of `ids` with their details, by id (one query, even when empty:
    a fixed number of queries whatever matches)."""
    query = _with_details(select(Idea).where(Idea.id.in_(ids)))
    return {idea.id: idea for idea in db.session.scalars(query).unique()}


def _search_page(filters: Filters, per_page: int, max_pages: int) -> Page:
    """A page of search results, in two queries whatever the data: the most
    recent matches, as many as the pages offer (search.recent_matches: a bounded
    read of the full-text indexes), ordered here; then the page's rows.

    When more ideas match than the pages offer, the results are drawn from the
    most recent of them, and the page says so (Page.more)."""
    max_pages = min(max_pages, SEARCH_MAX_PAGES)
    cap = max_pages * per_page
    rows, more = search.recent_matches(filters.terms, _conditions(filters), list(_SORT_KEYS), cap)
    rows.sort(key=_search_order(filters.sort))
    total = len(rows)
    pages = max(1, min(max_pages, math.ceil(total / per_page)))
    page = min(filters.page, pages)
    filters.page = page
    chosen = [row.idea_id for row in rows[(page - 1) * per_page : page * per_page]]
    loaded = _ideas_by_id(chosen)
    items = [loaded[idea_id] for idea_id in chosen if idea_id in loaded]
    return Page(
        items=items, total=total, page=page, per_page=per_page, more=more, max_pages=max_pages
    )


@dataclass
class Window:
    """A slice of the list for a cursor: the items after the cursor's row, the
    sort key of the last one (the next cursor), and whether more follow."""

    items: list[Idea]
    last_key: list[Any] | None
    has_more: bool


def sort_keys(sort: str, found: Any = None) -> list[keyset.Key]:
    """A list order as keyset keys: the same columns as `_sort_columns`, then
    the search score first for "relevance" (lower is better)."""
    published = keyset.Key(Idea.published_at, True, nullable=True, kind="datetime")
    last = keyset.Key(Idea.id, True)
    if sort == "supported":
        keys = [keyset.Key(Idea.support_count, True), published, last]
    elif sort == "discussed":
        keys = [keyset.Key(Idea.comment_count, True), published, last]
    elif sort == "trending":
        keys = [keyset.Key(Idea.trending_score, True, kind="float"), last]
    else:
        keys = [published, last]
    if sort == "relevance" and found is not None:
        # As a double: PostgreSQL's real ts_rank would not come back exactly.
        keys = [keyset.Key(cast(found.score, Double), False, kind="float"), *keys]
    return keys


def window(filters: Filters, after: Any, limit: int) -> Window:
    """Public ideas after the row whose sort key is `after` (the JSON values
    `Window.last_key` gave; None: from the start), in the same order as the
    list page: the API's cursor pagination.
    One query whatever the depth: ids and keys are read from the sort's index
    from the cursor on (no OFFSET), one more than `limit` to know whether
    another page follows, then only those rows are joined."""
    if filters.terms:
        return _search_window(filters, after, limit)
    ids = _filtered_ids(filters)
    keys = sort_keys(_plain(filters.sort))
    if after is not None:
        # Raises ValueError when the values do not fit this order's keys.
        ids = ids.where(keyset.condition(keys, keyset.load(keys, after)))
    labelled = [k.column.label(f"k{n}") for n, k in enumerate(keys)]
    chosen = (
        ids.add_columns(*labelled).order_by(*(k.order() for k in keys)).limit(limit + 1)
    ).subquery("chosen")
    outer = [chosen.c[f"k{n}"] for n in range(len(keys))]
    query = _with_details(
        select(Idea, *outer)
        .join(chosen, chosen.c.id == Idea.id)
        .order_by(
            *(c.desc() if k.descending else c.asc() for c, k in zip(outer, keys, strict=True))
        )
    )
    rows = db.session.execute(query).unique().all()
    page = rows[:limit]
    return Window(
        items=[row[0] for row in page],
        last_key=keyset.dump(keys, list(page[-1][1:])) if page else None,
        has_more=len(rows) > limit,
    )


@dataclass(frozen=True)
class _Scored:
    """Stands for the search match in sort_keys(): its score column."""

    score: Any = literal_column("score")


def _match_key_names(sort: str) -> list[str]:
    """The attributes of a search match (search.recent_matches' rows) holding the
    values of sort_keys(sort, ...), in their order."""
    names = {
        "supported": ["support_count", "published_at"],
        "discussed": ["comment_count", "published_at"],
        "trending": ["trending_score"],
        "relevance": ["score", "published_at"],
    }.get(sort, ["published_at"])
    return [*names, "idea_id"]


def _search_window(filters: Filters, after: Any, limit: int) -> Window:
    """window() with search words: the same bounded read of the most recent
    matches as the list page (_search_page), ordered here, and the cursor
    compared here too. Two queries whatever the depth."""
    rows, _more = search.recent_matches(
        filters.terms, _conditions(filters), list(_SORT_KEYS), SEARCH_MAX_PAGES * PER_PAGE
    )
    keys = sort_keys(filters.sort, _Scored())
    names = _match_key_names(filters.sort)
    order = _search_order(filters.sort)
    rows.sort(key=order)
    if after is not None:
        # Raises ValueError when the values do not fit this order's keys.
        cursor = order(SimpleNamespace(**dict(zip(names, keyset.load(keys, after), strict=True))))
        rows = [row for row in rows if order(row) > cursor]
    chosen = rows[: limit + 1]
    ids = [row.idea_id for row in chosen[:limit]]
    loaded = _ideas_by_id(ids)
    page = [row for row in chosen[:limit] if row.idea_id in loaded]
    return Window(
        items=[loaded[row.idea_id] for row in page],
        last_key=keyset.dump(keys, [getattr(page[-1], n) for n in names]) if page else None,
        has_more=len(chosen) > limit,
    )


def _plain(sort: str) -> str:
    """Without search terms there is no relevance: the default order."""
    return DEFAULT_SORT if sort == "relevance" else sort


@dataclass
class ChallengeSummary:
    challenge: Challenge
    idea_count: int
    support_count: int


def challenge_summaries(challenges: list[Challenge] | None = None) -> list[ChallengeSummary]:
    """The four challenges with their number of public ideas and of supports:
    stored totals (kept by the database), one query."""
    if challenges is None:
        challenges = places.challenges()
    return [ChallengeSummary(c, c.idea_count, c.support_count) for c in challenges]


def most_supported(limit: int = 6) -> list[Idea]:
    ids = (
        select(Idea.id)
        .where(Idea.status == IdeaStatus.PUBLISHED)
        .order_by(*_sort_columns("supported"))
        .limit(limit)
    )
    return list(db.session.scalars(_page_of(ids, _sort_columns("supported"))).unique().all())


def top_of_place(
    municipality: Municipality, sort: str, limit: int, answered: bool = False
) -> list[Idea]:
    """A municipality's first public ideas in a list order (only those with an
    official response when `answered`): one query, read from the place's index."""
    ids = select(Idea.id).where(
        Idea.status.in_(LISTED_STATUSES), Idea.municipality_id == municipality.id
    )
    if answered:
        ids = ids.where(Idea.official_status.is_not(None))
    order = _sort_columns(sort)
    return list(db.session.scalars(_page_of(ids.order_by(*order).limit(limit), order)).unique())


def newest(limit: int = 6, challenge: Challenge | None = None) -> list[Idea]:
    ids = select(Idea.id).where(Idea.status.in_(LISTED_STATUSES))
    if challenge is not None:
        ids = ids.where(Idea.challenge_id == challenge.id)
    order = _sort_columns("newest")
    ids = ids.order_by(*order).limit(limit)
    return list(db.session.scalars(_page_of(ids, order)).unique().all())


def challenge_by_slug(slug: str) -> Challenge | None:
    return places.challenge_by_slug(slug)
