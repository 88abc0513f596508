"""Finding ideas: lists, filters, search, challenge pages, feeds."""

from __future__ import annotations

from flask import abort, current_app, render_template, request

from participation.ideas import bp
from participation.models import Challenge
from participation.models.base import utcnow
from participation.pagecache import render_shared_blocks
from participation.services import browse
from participation.urls import public_url

FEED_SIZE = 30


def _render_list(template: str, slug: str | None = None):
    """A list page. Its blocks are the same for every visitor, so they are kept
    per URL, language and content version (participation.pagecache): a visitor,
    signed in or not, costs only the frame until something is written."""

    def build() -> tuple[dict, int]:
        choices = browse.load_choices()
        challenge = None
        if slug is not None:
            challenge = next((c for c in choices.challenges if c.slug == slug), None)
            if challenge is None:
                abort(404)
        filters = browse.parse_filters(request.args, choices, challenge=challenge)
        filters.endpoint = request.endpoint or "ideas.index"
        filters.endpoint_args = {"slug": challenge.slug} if challenge is not None else {}
        page = browse.list_ideas(
            filters, per_page=_per_page(), max_pages=current_app.config.get("IDEAS_MAX_PAGES")
        )
        context = {
            "filters": filters,
            "page": page,
            "choices": choices,
            "challenge": challenge,
            "status_labels": browse.STATUS_LABELS,
            "sort_labels": browse.SORT_LABELS,
            "whole_region": browse.WHOLE_REGION,
        }
        return context, 400 if filters.errors else 200

    return render_shared_blocks(template, build)


def _per_page() -> int:
    return int(current_app.config.get("IDEAS_PER_PAGE") or browse.PER_PAGE)


@bp.route("/")
def index():
    """All public ideas, filtered, searched, sorted and paginated from the URL."""
    return _render_list("ideas/list.html")


@bp.route("/challenge/<slug>")
def challenge(slug: str):
    return _render_list("ideas/challenge.html", slug=slug)


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
