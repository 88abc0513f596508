"""Finding ideas: lists, filters, search, challenge pages, feeds."""

from __future__ import annotations

from flask import abort, current_app, render_template, request

from participation.ideas import bp
from participation.models import Challenge
from participation.models.base import utcnow
from participation.services import browse
from participation.urls import public_url

FEED_SIZE = 30


def _render_list(
    template: str,
    choices: browse.Choices,
    challenge: Challenge | None = None,
    **context,
):
    filters = browse.parse_filters(request.args, choices, challenge=challenge)
    filters.endpoint = request.endpoint or "ideas.index"
    filters.endpoint_args = {"slug": challenge.slug} if challenge is not None else {}
    page = browse.list_ideas(
        filters, per_page=_per_page(), max_pages=current_app.config.get("IDEAS_MAX_PAGES")
    )
    status = 400 if filters.errors else 200
    return (
        render_template(
            template,
            filters=filters,
            page=page,
            choices=choices,
            challenge=challenge,
            status_labels=browse.STATUS_LABELS,
            sort_labels=browse.SORT_LABELS,
            whole_region=browse.WHOLE_REGION,
            **context,
        ),
        status,
    )


def _per_page() -> int:
    return int(current_app.config.get("IDEAS_PER_PAGE") or browse.PER_PAGE)


@bp.route("/")
def index():
    """All public ideas, filtered, searched, sorted and paginated from the URL."""
    return _render_list("ideas/list.html", browse.load_choices())


@bp.route("/challenge/<slug>")
def challenge(slug: str):
    choices = browse.load_choices()
    found = next((c for c in choices.challenges if c.slug == slug), None)
    if found is None:
        abort(404)
    return _render_list("ideas/challenge.html", choices, challenge=found)


def _feed(challenge: Challenge | None):
    ideas = browse.newest(limit=FEED_SIZE, challenge=challenge)
    # Absolute links start with PUBLIC_BASE_URL, never with the request's Host.
    if challenge is not None:
        page_url = public_url("ideas.challenge", slug=challenge.slug)
        self_url = public_url("ideas.challenge_feed", slug=challenge.slug)
    else:
        page_url = public_url("ideas.index")
        self_url = public_url("ideas.feed")
    body = render_template(
        "ideas/feed.xml",
        ideas=ideas,
        challenge=challenge,
        page_url=page_url,
        self_url=self_url,
        now=utcnow(),
    )
    return body, 200, {"Content-Type": "application/atom+xml; charset=utf-8"}


@bp.route("/feed.atom")
def feed():
    """Atom feed of the newest public ideas."""
    return _feed(None)


@bp.route("/challenge/<slug>/feed.atom")
def challenge_feed(slug: str):
    found = browse.challenge_by_slug(slug)
    if found is None:
        abort(404)
    return _feed(found)
