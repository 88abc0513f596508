"""The API's resources: thin views over the same services as the HTML pages.

Each asks the permission verbs as an anonymous visitor (`PUBLIC`) and answers
through a schema. Query counts are fixed whatever the data (see tests/test_api.py).
"""

from __future__ import annotations

import time
from typing import Any

from flask import abort, current_app, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from participation.api import (
    PUBLIC,
    RESOURCES,
    InvalidQuery,
    api_language,
    bp,
    damaged_cursor,
    decode_cursor,
    encode_cursor,
    json_response,
    operation,
    parse_args,
    utc,
)
from participation.api import schemas as s
from participation.models import Challenge, Comment, Idea, Municipality, OfficialStatusChange
from participation.permissions import can_read_text, can_view_idea
from participation.services import browse, comments, ideas, officials, places, statistics
from participation.templating import display_name
from participation.urls import public_url, url_with_query
from participation.vocabulary import (
    LISTED_IDEA_STATUSES,
    IdeaStatus,
    OfficialStatus,
    Reason,
)

IDEA_ID = {
    "idea_id": {
        "type": "integer",
        "minimum": 1,
        "maximum": 2**31 - 1,
        "description": "An idea's id",
    }
}
SLUG = {"slug": {"type": "string", "description": "A challenge's slug"}}


# --- Shaping rows into the schemas' dictionaries ---------------------------------------


def names(item: Challenge | Municipality) -> dict[str, str]:
    return {code: item.name(code) for code in ("fr", "nl", "en")}


def challenge_ref(challenge: Challenge) -> dict[str, Any]:
    return {"slug": challenge.slug, "name": challenge.name(api_language())}


def municipality_ref(municipality: Municipality | None) -> dict[str, Any] | None:
    if municipality is None:
        return None
    return {
        "slug": municipality.slug,
        "nis_code": municipality.nis_code,
        "name": municipality.name(api_language()),
    }


def author(user) -> dict[str, str]:
    return {"display_name": display_name(user)}


def official_response(change: OfficialStatusChange) -> dict[str, Any]:
    shown = change.version(api_language())
    return {
        "status": change.status,
        "status_label": OfficialStatus.label_of(change.status, change.status),
        "response": shown[1] if shown else "",
        "response_language": shown[0] if shown else None,
        "response_texts": {code: text or None for code, text in change.responses.items()},
        "answered_by": author(change.official),
        "created_at": utc(change.created_at),
    }


def hidden_notice(reason: str | None) -> str:
    notice = _(
        "This idea has been hidden by moderation because it does not follow the "
        "participation rules."
    )
    if reason:
        notice += " " + _("Reason: %(reason)s.", reason=Reason.label_of(reason))
    return notice


def idea_data(idea: Idea, history: list[OfficialStatusChange]) -> dict[str, Any]:
    """An idea as the API shows it to everyone: a hidden idea keeps its place
    (status, challenge, dates) but its words and author give way to the notice."""
    readable = bool(can_read_text(PUBLIC, idea))
    return {
        "id": idea.id,
        "url": public_url("ideas.detail", idea_id=idea.id, lang_code=api_language()),
        "comments_url": public_url("api.idea_comments", idea_id=idea.id),
        "status": idea.status,
        "status_label": IdeaStatus.label_of(idea.status, idea.status),
        "placeholder": None if readable else hidden_notice(idea.hidden_reason),
        "title": idea.title if readable else None,
        "body_html": idea.body_html if readable else None,
        "language": idea.language,
        "author": author(idea.author) if readable else None,
        "challenge": challenge_ref(idea.challenge),
        "municipality": municipality_ref(idea.municipality),
        "published_at": utc(idea.published_at),
        "updated_at": utc(idea.updated_at),
        "withdrawn_at": utc(idea.withdrawn_at),
        "support_count": idea.support_count,
        "comment_count": idea.comment_count,
        "duplicate_of": idea.duplicate_of_id,
        "official_status": idea.official_status,
        "official_status_label": (
            OfficialStatus.label_of(idea.official_status, idea.official_status)
            if idea.official_status
            else None
        ),
        "official_responses": [official_response(c) for c in history] if readable else [],
    }


def idea_changed_at(idea: Idea, history: list[OfficialStatusChange]):
    """The latest change to what the API shows of an idea (its counters aside)."""
    moments = [idea.updated_at, idea.published_at, idea.withdrawn_at, idea.hidden_at]
    moments += [c.created_at for c in history]
    return max(m for m in moments if m is not None)


def page_links(args: dict[str, Any], endpoint: str, next_cursor: str | None, **values):
    query = [(k, str(v)) for k, v in sorted(args.items()) if k != "cursor"]
    self_query = query + ([("cursor", args["cursor"])] if args.get("cursor") else [])
    return {
        "self": url_with_query(endpoint, self_query, external=True, **values),
        "next": (
            url_with_query(endpoint, [*query, ("cursor", next_cursor)], external=True, **values)
            if next_cursor
            else None
        ),
    }


# --- Resources -------------------------------------------------------------------------


@bp.route("/")
@operation(
    _l("The API's resources and documentation"),
    s.IndexSchema,
    query=s.LanguageArgs,
    example="/api/v1/",
)
def index():
    parse_args(s.LanguageArgs)
    return json_response(
        s.IndexSchema,
        {
            "version": "1",
            "documentation": public_url("opendata.api_docs", lang_code=api_language()),
            "openapi": public_url("api.openapi"),
            "licence": "https://creativecommons.org/licenses/by/4.0/",
            "resources": [{"name": name, "url": public_url(ep)} for name, ep in RESOURCES],
        },
    )


@bp.route("/challenges")
@operation(
    _l("The Region's four challenges"),
    s.ChallengeListSchema,
    query=s.LanguageArgs,
    example="/api/v1/challenges?lang=en",
)
def challenges():
    parse_args(s.LanguageArgs)
    language = api_language()
    data = [
        {
            "slug": c.slug,
            "position": c.position,
            "name": c.name(language),
            "description": c.description(language),
            "names": names(c),
            "url": public_url("ideas.challenge", slug=c.slug, lang_code=language),
            "ideas_url": url_with_query("api.ideas", {"challenge": c.slug}, external=True),
        }
        for c in places.challenges()
    ]
    return json_response(s.ChallengeListSchema, {"data": data})


@bp.route("/municipalities")
@operation(
    _l("The Region's 19 municipalities"),
    s.MunicipalityListSchema,
    query=s.LanguageArgs,
    example="/api/v1/municipalities?lang=nl",
)
def municipalities():
    parse_args(s.LanguageArgs)
    language = api_language()
    data = [
        {
            "slug": m.slug,
            "nis_code": m.nis_code,
            "name": m.name(language),
            "names": names(m),
            "ideas_url": url_with_query("api.ideas", {"municipality": m.slug}, external=True),
        }
        for m in places.municipalities(language)
    ]
    return json_response(s.MunicipalityListSchema, {"data": data})


@bp.route("/ideas", endpoint="ideas")
@operation(
    _l("Public ideas, filtered and sorted as on the site, a page at a time"),
    s.IdeaPageSchema,
    query=s.IdeaListArgs,
    example="/api/v1/ideas?challenge=sustainable&municipality=ixelles&status=accepted&limit=10",
    endpoint="ideas",
)
def ideas_list():
    try:
        args, refused = parse_args(s.IdeaListArgs), {}
    except InvalidQuery as error:
        args, refused = {}, error.details
    # The same allow-lists as the site's list (an unknown challenge or municipality).
    filters = browse.parse_filters(request.args, browse.load_choices())
    refused = {**{k: str(v) for k, v in filters.errors.items()}, **refused}
    if refused:
        raise InvalidQuery(refused)
    limit = args.get("limit", s.DEFAULT_LIMIT)
    after = decode_cursor(args.get("cursor"), args)
    try:
        window = browse.window(filters, after, limit)
    except ValueError:
        raise damaged_cursor() from None
    visible = [idea for idea in window.items if can_view_idea(PUBLIC, idea)]
    history = officials.histories([idea.id for idea in visible])
    next_cursor = (
        encode_cursor(window.last_key, args) if window.has_more and window.last_key else None
    )
    changed = [idea_changed_at(idea, history[idea.id]) for idea in visible]
    return json_response(
        s.IdeaPageSchema,
        {
            "data": [idea_data(idea, history[idea.id]) for idea in visible],
            "meta": {"limit": limit, "count": len(visible), "next_cursor": next_cursor},
            "links": page_links(args, "api.ideas", next_cursor),
        },
        last_modified=max(changed) if changed else None,
    )


def _public_idea_or_404(idea_id: int) -> Idea:
    idea = ideas.load_idea(idea_id)
    if idea is None or not can_view_idea(PUBLIC, idea):
        abort(404)
    return idea


@bp.route("/ideas/<int:idea_id>")
@operation(
    _l("One public idea, with its official responses"),
    s.IdeaSchema,
    query=s.LanguageArgs,
    path_params=IDEA_ID,
    errors=(400, 404, 429),
    example="/api/v1/ideas/1",
)
def idea(idea_id: int):
    parse_args(s.LanguageArgs)
    found = _public_idea_or_404(idea_id)
    history = officials.history(found.id) if found.official_status else []
    return json_response(
        s.IdeaSchema, idea_data(found, history), last_modified=idea_changed_at(found, history)
    )


@bp.route("/ideas/<int:idea_id>/comments")
@operation(
    _l("The visible comments on a public idea, threads in order, a page at a time"),
    s.CommentPageSchema,
    query=s.PageArgs,
    path_params=IDEA_ID,
    errors=(400, 404, 429),
    example="/api/v1/ideas/1/comments?limit=50",
)
def idea_comments(idea_id: int):
    args = parse_args(s.PageArgs)
    limit = args.get("limit", s.DEFAULT_LIMIT)
    after = decode_cursor(args.get("cursor"), {**args, "idea_id": idea_id})
    found = _public_idea_or_404(idea_id)
    page: list[Comment] = []
    next_cursor = None
    # The words of a listed, readable idea only (a hidden idea's discussion is withheld).
    if found.status in LISTED_IDEA_STATUSES and can_read_text(PUBLIC, found):
        try:
            window = comments.visible_window(found, after, limit)
        except ValueError:
            raise damaged_cursor() from None
        page = [c for c in window.comments if can_read_text(PUBLIC, c)]
        if window.has_more and window.last_key:
            next_cursor = encode_cursor(window.last_key, {**args, "idea_id": idea_id})
    data = [
        {
            "id": c.id,
            "idea_id": c.idea_id,
            "parent_id": c.parent_id,
            "author": author(c.author),
            "body_html": c.body_html,
            "language": c.language,
            "created_at": utc(c.created_at),
            "edited_at": utc(c.edited_at),
        }
        for c in page
    ]
    moments = [m for c in page for m in (c.created_at, c.edited_at) if m is not None]
    return json_response(
        s.CommentPageSchema,
        {
            "data": data,
            "meta": {"limit": limit, "count": len(data), "next_cursor": next_cursor},
            "links": page_links(args, "api.idea_comments", next_cursor, idea_id=idea_id),
        },
        last_modified=max(moments) if moments else None,
    )


@bp.route("/statistics", endpoint="statistics")
@operation(
    _l("Participation in numbers: totals, per challenge, per municipality, per week"),
    s.StatisticsSchema,
    query=s.LanguageArgs,
    example="/api/v1/statistics?lang=fr",
    endpoint="statistics",
)
def statistics_view():
    parse_args(s.LanguageArgs)
    language = api_language()
    # The numbers a job counts at most every STATS_CACHE_SECONDS (as on the /stats
    # page); this answer is kept as long per process and language when the page
    # cache is on.
    kept = current_app.extensions.setdefault("api_statistics", {})
    found = kept.get(language)
    seconds = current_app.config.get("STATS_CACHE_SECONDS", 300)
    if found is None or time.monotonic() - found[0] > seconds:
        payload = _statistics_payload(language)
        if current_app.config.get("PAGE_CACHE_ENABLED"):
            kept[language] = (time.monotonic(), payload)
    else:
        payload = found[1]
    return json_response(s.StatisticsSchema, payload)


def _statistics_payload(language: str) -> dict[str, Any]:
    overview = statistics.overview(language)

    def tally(t: statistics.Tally) -> dict[str, Any]:
        return {
            "ideas": t.ideas,
            "supports": t.supports,
            "comments": t.comments,
            "answered": t.answered,
            "answer_rate": round(t.answer_rate, 4),
        }

    return {
        "computed_at": utc(overview.computed_at),
        "totals": tally(overview.totals),
        "median_days_to_answer": overview.median_days_to_answer,
        "participants": statistics.protected(overview.participants),
        "small_cell_threshold": statistics.SMALL_CELL,
        "by_challenge": [
            {"challenge": challenge_ref(r.challenge), **tally(r.tally)} for r in overview.challenges
        ],
        "by_municipality": [
            {
                "municipality": municipality_ref(r.municipality),
                **tally(r.tally),
                "participants": statistics.protected(r.participants),
            }
            for r in overview.municipalities
        ],
        "by_week": [
            {
                "week_start": w.start,
                "ideas": w.ideas,
                "supports": w.supports,
                "comments": w.comments,
            }
            for w in overview.weeks
        ],
        "most_supported_this_month": [
            {
                "idea_id": top.idea.id,
                "title": top.idea.title,
                "url": public_url("ideas.detail", idea_id=top.idea.id, lang_code=language),
                "supports": top.supports,
            }
            for top in overview.month_top
        ],
    }
