"""Whole pages for anonymous visitors, rendered once per content version.

Every anonymous visitor of /fr/ideas/?page=2 sees the same bytes until
something is written. So the public reading pages (the list, a challenge, the
home page, an idea, a search) are kept per process, as the final response
(compressed, with its ETag), under a key made of the host, the path with its
query string and the encoding, and the **content version** they were rendered
at.

- The content version is a counter shared by every process: a Redis key with
  REDIS_URL (several app servers), else the length of a small file in the
  instance folder, one byte appended per write (one machine). Any database
  transaction that wrote something moves it on, after its commit (SQLAlchemy's
  after_flush / do_orm_execute / after_commit events on
  the session), so the next request renders again: no visitor sees a count or
  a status older than the last write.
- The version is read before the request's first query, and a page is stored
  under the version read then: a page rendered while a write commits is stored
  under the older version and never served after the bump.
- Only anonymous visitors (no user id, no remember-me cookie, no pending
  flash messages in the session) are served from it, and only responses that
  caching.py marked as anonymous (Cache-Control: no-cache, with an ETag),
  200, with no session change: a page that put a CSRF token or a flash in the
  session is never shared.
- Entries also expire after PAGE_CACHE_SECONDS (60 s by default), for what
  changes with time alone (dates relative to today, a phase opening).
- If Redis is unreachable, the cache is bypassed: pages are rendered as
  usual.
"""

from __future__ import annotations

import os
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from hashlib import sha256
from typing import Any

from flask import (
    Flask,
    Response,
    current_app,
    g,
    has_request_context,
    render_template,
    request,
    session,
)
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.orm import Session

# The pages kept: public reading pages whose HTML depends only on the URL and
# the data (no per-visitor order or seed).
ENDPOINTS = frozenset(
    {
        "main.home",
        "ideas.index",
        "ideas.challenge",
        "ideas.detail",
        "ideas.feed",
        "ideas.challenge_feed",
    }
)
# Statistics pages: aggregates over every idea, costly to compute at Region
# scale and not expected to move with each support. They are kept for
# STATS_CACHE_SECONDS (300 s by default) whatever is written, and say so.
TIMED_ENDPOINTS = frozenset({"opendata.stats", "opendata.municipalities", "opendata.municipality"})
# The pages that only read (they may be kept, so they write nothing).
READ_ONLY = ENDPOINTS | TIMED_ENDPOINTS
# The headers a kept response carries again (the others are set per request by
# the hooks that run after the cache, such as the security headers).
KEPT_HEADERS = ("Content-Type", "Content-Encoding", "ETag", "Vary", "Cache-Control")
VERSION_KEY = "participation:content-version"
# The blocks of a page that are the same for every visitor, kept for signed-in
# visitors too (the frame around them, with the visitor's menu, is rendered
# each time): see render_shared_blocks().
SHARED_BLOCKS = ("title", "description", "head", "content")
FRAME = "_shared_blocks.html"
REQUEST_VERSION = "participation.content_version"
REQUEST_PAGE = "participation.kept_page"


class PageCache:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.max_entries = int(app.config.get("PAGE_CACHE_ENTRIES", 500))
        self.seconds = float(app.config.get("PAGE_CACHE_SECONDS", 60))
        self.entries: OrderedDict[tuple, tuple[float, int, bytes, list[tuple[str, str]]]] = (
            OrderedDict()
        )
        self.timed: OrderedDict[tuple, tuple[float, int, bytes, list[tuple[str, str]]]] = (
            OrderedDict()
        )
        self.timed_seconds = float(app.config.get("STATS_CACHE_SECONDS", 300))
        self.fragments: OrderedDict[tuple, tuple[float, Any]] = OrderedDict()
        # The statistics pages' blocks, kept STATS_CACHE_SECONDS whatever is written.
        self.timed_fragments: OrderedDict[tuple, tuple[float, Any]] = OrderedDict()
        uri = app.config["SQLALCHEMY_DATABASE_URI"]
        digest = sha256(uri.encode()).hexdigest()[:16]
        self.version_file = app.config.get("PAGE_CACHE_VERSION_FILE") or os.path.join(
            app.instance_path, f"content-version-{digest}"
        )

    # The shared content version -------------------------------------------

    def _redis(self):
        from participation.jobs import redis_connection

        return redis_connection(self.app)

    def version(self) -> int | None:
        """The current content version, or None when it cannot be read."""
        if self.app.config.get("REDIS_URL"):
            from redis.exceptions import RedisError

            try:
                value = self._redis().get(VERSION_KEY)
            except RedisError:
                return None
            return int(value or 0)
        try:
            return os.stat(self.version_file).st_size
        except FileNotFoundError:
            return 0
        except OSError:
            return None

    def request_version(self) -> int | None:
        """The content version as this request first read it: before its first
        query (serve_kept_page below), so that what it renders is at least as
        new as the version it is kept under."""
        # On the request, not on g: a test may hold one app context (one g)
        # around many requests.
        if REQUEST_VERSION not in request.environ:
            request.environ[REQUEST_VERSION] = self.version()
        return request.environ[REQUEST_VERSION]

    def bump(self) -> None:
        """Move the content version on: every kept page is stale."""
        self.entries.clear()
        self.fragments.clear()
        if has_request_context():
            request.environ.pop(REQUEST_VERSION, None)
        if self.app.config.get("REDIS_URL"):
            from redis.exceptions import RedisError

            try:
                self._redis().incr(VERSION_KEY)
            except RedisError:
                self.app.logger.warning("Page cache: Redis unreachable, version not moved on")
            return
        # The version is the file's length: each bump appends one byte, and an
        # append is atomic between processes, so two writers make two bumps.
        # (A million writes make a 1 MB file.)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
        try:
            fd = os.open(self.version_file, flags, 0o600)
        except FileNotFoundError:  # the folder first (once): not a stat per write
            os.makedirs(os.path.dirname(self.version_file), exist_ok=True)
            fd = os.open(self.version_file, flags, 0o600)
        try:
            os.write(fd, b".")
        finally:
            os.close(fd)

    # Requests ----------------------------------------------------------------

    def key(self) -> tuple | None:
        """The request's key, or None when it may not be served from the cache."""
        if (
            request.method != "GET"
            or (request.endpoint not in ENDPOINTS and request.endpoint not in TIMED_ENDPOINTS)
            or not self.app.config.get("PAGE_CACHE_ENABLED", True)
        ):
            return None
        remember = self.app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
        if remember in request.cookies:
            return None
        if session.get("_user_id") is not None or session.get("_flashes"):
            return None
        encoding = request.headers.get("Accept-Encoding", "")
        return (request.host, request.full_path, encoding)

    def lookup(self):
        key = self.key()
        if key is None:
            return None
        timed = request.endpoint in TIMED_ENDPOINTS
        version = -1 if timed else self.request_version()
        if version is None:
            return None
        g.page_cache_key = (key, version)
        entries = self.timed if timed else self.entries
        entry = entries.get(key)
        if entry is None:
            return None
        stored_at, stored_version, body, headers = entry
        seconds = self.timed_seconds if timed else self.seconds
        if stored_version != version or time.monotonic() - stored_at > seconds:
            return None
        entries.move_to_end(key)
        response = Response(body, headers=headers)
        response.make_conditional(request)
        g.page_cache_hit = True
        return response

    def store(self, response: Response) -> Response:
        found = g.get("page_cache_key")
        if (
            found is None
            or g.get("page_cache_hit")
            or response.status_code != 200
            or response.is_streamed
            or response.headers.get("Cache-Control") != "no-cache"
            or "ETag" not in response.headers
            or session.modified
        ):
            return response
        key, version = found
        headers = [
            (name, response.headers[name]) for name in KEPT_HEADERS if name in response.headers
        ]
        entries = self.timed if version == -1 else self.entries
        entries[key] = (time.monotonic(), version, response.get_data(), headers)
        entries.move_to_end(key)
        while len(entries) > self.max_entries:
            entries.popitem(last=False)
        return response

    # Shared blocks ------------------------------------------------------------

    def _piece_key(self, name: str, variant: Hashable, timed: bool) -> tuple | None:
        """The key of a piece of this GET request's page, kept per language,
        URL, content version (-1 when `timed`) and `variant`; None when pieces
        may not be kept (cache off, not a GET, version unreadable)."""
        if not self.app.config.get("PAGE_CACHE_ENABLED", True) or request.method != "GET":
            return None
        version = -1 if timed else self.request_version()
        if version is None:
            return None
        page = request.environ.get(REQUEST_PAGE)
        if page is None:  # once per request: a page may keep several pieces
            page = request.environ[REQUEST_PAGE] = (
                str(get_locale()),
                request.host,
                request.full_path,
            )
        return (*page, name, version, variant)

    def kept(
        self,
        name: str,
        build: Callable[[], tuple[Any, bool]],
        variant: Hashable = None,
        usable: Callable[[Any], bool] | None = None,
        timed: bool = False,
    ) -> Any:
        """The piece `name` of this page, kept from an earlier request for the
        same URL, language, content version and `variant` if `usable(piece)`
        says this visitor may have it; else `build()`, which returns the piece
        and whether it may be kept for others (`timed`: kept for
        STATS_CACHE_SECONDS, whatever is written)."""
        kept, seconds = self.fragments, self.seconds
        if timed:
            kept, seconds = self.timed_fragments, self.timed_seconds
        key = self._piece_key(name, variant, timed)
        if key is not None:
            found = kept.get(key)
            if (
                found is not None
                and time.monotonic() - found[0] <= seconds
                and (usable is None or usable(found[1]))
            ):
                kept.move_to_end(key)
                return found[1]
        piece, keep = build()
        if key is not None and keep:
            kept[key] = (time.monotonic(), piece)
            kept.move_to_end(key)
            while len(kept) > self.max_entries:
                kept.popitem(last=False)
        return piece

    def shared_blocks(
        self,
        template: str,
        build: Callable[[], tuple[dict, int]],
        timed: bool = False,
        variant: Hashable = None,
    ):
        """The SHARED_BLOCKS of `template`, rendered with the context `build()`
        returns, or kept from an earlier request for the same URL, language,
        content version and `variant` (`timed`: for STATS_CACHE_SECONDS,
        whatever is written); and the status (only 200s are kept)."""
        statuses = []

        def render() -> tuple[dict, bool]:
            context, status = build()
            statuses.append(status)
            return _render_blocks(template, context), status == 200

        blocks = self.kept(template, render, variant=variant, timed=timed)
        return blocks, statuses[0] if statuses else 200


def _render_blocks(template_name: str, context: dict) -> dict[str, Any]:
    """Render only the SHARED_BLOCKS of a template that extends base.html."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    template = app.jinja_env.get_template(template_name)
    app.update_template_context(context)
    jinja_context = template.new_context(context)
    # Start the template: its top level runs (imports, the chain of parent
    # blocks) up to the first piece of the parent's output, then stop.
    started = template.root_render_func(jinja_context)
    next(started, None)
    started.close()
    blocks = {
        name: Markup("".join(jinja_context.blocks[name][0](jinja_context)))
        for name in SHARED_BLOCKS
        if name in jinja_context.blocks
    }
    # The style sheets the page lists at its top (`{% set page_styles = ... %}`),
    # for the frame's <head>.
    blocks["page_styles"] = list(jinja_context.vars.get("page_styles") or [])
    return blocks


def render_shared_blocks(
    template: str,
    build: Callable[[], tuple[dict, int]],
    timed: bool = False,
    variant: Hashable = None,
):
    """A page whose SHARED_BLOCKS are kept per URL, language and content version
    (`timed`: for STATS_CACHE_SECONDS) for every visitor (no visitor-specific
    content may be in them, except what `variant` names: the blocks are kept
    apart for each value, such as signed in or not): `build()` returns the
    template's context and status, and runs only when they are not kept. The
    frame around them (base.html) is kept too (kept_frame)."""
    blocks, status = page_cache().shared_blocks(template, build, timed=timed, variant=variant)
    page = kept_frame(
        f"frame-{template}",
        lambda: render_template(FRAME, shared_blocks=blocks),
        variant=variant,
        timed=timed,
        keep=status == 200,
    )
    return page, status


def kept_frame(
    name: str,
    render: Callable[[], str],
    variant: Hashable = None,
    timed: bool = False,
    keep: bool = True,
) -> str:
    """The page `render()` makes around kept pieces (base.html's frame: the
    visitor's menu), kept for every visitor who sees it alike: the same
    pieces (`variant`), the same menu (permissions.MenuRights) and the same
    notice to confirm their address. The menu holds stand-ins for the
    visitor's name, unread count and CSRF token, put in for each visitor
    (templating.menu_fill). Rendered for the visitor alone when a message was
    flashed to them (or not `keep`)."""
    from participation.permissions import menu_rights
    from participation.templating import fill_stand_ins, keeping_stand_ins, menu_fill

    user = current_user._get_current_object()  # type: ignore[attr-defined]

    def build() -> tuple[str, bool]:
        with keeping_stand_ins():
            return render(), keep

    if keep and not session.get("_flashes"):
        seen = (variant, menu_rights(user), bool(getattr(user, "is_confirmed", True)))
        page = page_cache().kept(name, build, variant=seen, timed=timed)
    else:
        page, _keep = build()
    return fill_stand_ins(page, menu_fill(user))


def page_cache() -> PageCache:
    return current_app.extensions["page_cache"]


def init_app(app: Flask) -> None:
    """Register the lookup (a before_request hook: call this after the hooks that
    must still run for a kept page, such as the host check) and the store (an
    after_request hook: call this before compression is set up, so it runs after
    it and keeps the compressed body)."""
    from participation.web import read_only

    cache = app.extensions["page_cache"] = PageCache(app)

    @app.before_request
    def serve_kept_page():
        kept = cache.lookup()
        if kept is None and request.method in ("GET", "HEAD") and request.endpoint in READ_ONLY:
            if request.endpoint in ENDPOINTS and app.config.get("PAGE_CACHE_ENABLED", True):
                cache.request_version()  # before the first query (for the kept pieces)
            read_only()  # a page built here, without a transaction (PostgreSQL)
        return kept

    @app.after_request
    def keep_page(response):
        return cache.store(response)


def _cache_of_current_app() -> PageCache | None:
    from flask import has_app_context

    if not has_app_context():
        return None
    return current_app.extensions.get("page_cache")


# Tables no kept page shows: writing only these leaves the version alone (the
# mail worker marks outbox rows sent all day long; notifications and email
# preferences appear only in a signed-in visitor's own pages and menu, which
# are never kept).
QUIET_TABLES = frozenset({"outbox_messages", "notifications", "email_preferences"})
# The execution option of a statement that writes but is a SELECT:
# `select(func.f(...)).execution_options(**{WRITES: True})`.
WRITES = "participation_writes"


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, context) -> None:
    for row in (*session.new, *session.dirty, *session.deleted):
        if getattr(row, "__tablename__", None) not in QUIET_TABLES:
            session.info["wrote"] = True
            return


@event.listens_for(Session, "do_orm_execute")
def _executed(state) -> None:
    # WRITES marks a statement that writes without being an INSERT, UPDATE or
    # DELETE (a SELECT of a function that writes, such as add_support()).
    if state.is_insert or state.is_update or state.is_delete or state.execution_options.get(WRITES):
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) not in QUIET_TABLES:
            state.session.info["wrote"] = True


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    """After each commit of a transaction that wrote, the content version moves on."""
    if session.info.pop("wrote", False):
        cache = _cache_of_current_app()
        if cache is not None:
            cache.bump()


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop("wrote", None)
