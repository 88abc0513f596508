"""Links built from what a visitor sent, and absolute links.

Two rules, one place:

- A link that keeps the current query string (the language switcher, pagers,
  the dashboard's CSV link) never passes the visitor's parameters to
  `url_for` as keywords: `?endpoint=1`, `?_external=1`, `?lang_code=1` or a
  doubled `?page=1&page=2` would steer or crash it. The query string is
  encoded here instead, every value kept, names that steer link building
  left out.
- An absolute link (emails, feeds, CSV, alternate-language links) starts with
  PUBLIC_BASE_URL, never with the Host the request claims.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode, urlsplit

from flask import current_app, has_request_context, request, url_for

# Names url_for takes as keywords, and the language prefix: never copied from
# the query string into a link.
RESERVED_QUERY_NAMES = frozenset(
    {"endpoint", "values", "lang_code", "_external", "_anchor", "_scheme", "_method"}
)


def query_pairs(args=None, drop: Iterable[str] = ()) -> list[tuple[str, str]]:
    """The query string (default: the current request's) as (name, value)
    pairs, repeated names kept, reserved names, `drop` and empty values left out."""
    if args is None:
        args = request.args
    dropped = RESERVED_QUERY_NAMES | set(drop)
    items = args.items(multi=True) if hasattr(args, "getlist") else args.items()
    return [
        (str(name), str(value))
        for name, value in items
        if name not in dropped and not str(name).startswith("_") and value not in ("", None)
    ]


def url_with_query(
    endpoint: str,
    query: Iterable[tuple[str, str]] | dict | None = None,
    *,
    external: bool = False,
    **values,
) -> str:
    """url_for(endpoint, **values), followed by `query` (pairs or a dict),
    encoded here. A name given in `values` wins over the same name in `query`."""
    if query is None:
        pairs: list[tuple[str, str]] = []
    elif isinstance(query, dict):
        pairs = query_pairs(query)
    else:
        pairs = [(k, v) for k, v in query if k not in RESERVED_QUERY_NAMES]
    pairs = [(k, v) for k, v in pairs if k not in values]
    url = public_url(endpoint, **values) if external else url_for(endpoint, **values)
    if pairs:
        # The same encoding as url_for's (werkzeug.urls): "/" and ":" stay readable.
        url += ("&" if "?" in url else "?") + urlencode(pairs, safe="!$'()*,/:;?@")
    return url


def public_base_url() -> str:
    """PUBLIC_BASE_URL without its trailing slash."""
    return str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")


def public_url(endpoint: str, **values) -> str:
    """An absolute link: PUBLIC_BASE_URL followed by the route's path. The
    request's Host (or X-Forwarded-Host) never appears in it."""
    if has_request_context():
        path = url_for(endpoint, **values)
        root = request.script_root
        if root and path.startswith(root):
            path = path[len(root) :]
    else:
        with current_app.test_request_context("/"):
            path = url_for(endpoint, **values)
    return public_base_url() + path


def check_public_base_url(value: str | None) -> str | None:
    """Why `value` is not a usable PUBLIC_BASE_URL, or None."""
    if not value:
        return "PUBLIC_BASE_URL is not set"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"PUBLIC_BASE_URL {value!r} is not an http(s) address such as https://example.be"
    if parts.query or parts.fragment:
        return f"PUBLIC_BASE_URL {value!r} must not carry a query string or fragment"
    return None


def init_app(app) -> None:
    app.jinja_env.globals.update(
        url_with_query=url_with_query, query_pairs=query_pairs, public_url=public_url
    )
