"""What the browser may keep, and compressed responses.

- Static files: url_for('static', ...) adds `?v=<content hash>`, and a request
  carrying the current hash is answered with a one-year, immutable lifetime:
  a changed file gets a new URL, so a visitor never runs stale CSS or JS.
- Pages for anonymous visitors get an ETag (a hash of the body) and
  `Cache-Control: no-cache`: the browser revalidates every view and gets a
  304 without the body when nothing changed. `Vary: Cookie` keeps shared
  caches from handing them to a signed-in visitor.
- Pages for a signed-in visitor are `private, no-store`: never kept, so no one
  sees another person's page or a stale count of their own support.
- Flask-Compress answers with brotli or gzip (HTML, CSS, JS, JSON, SVG, Atom).
"""

from __future__ import annotations

import hashlib
import os

from flask import Flask, g, request
from werkzeug.local import LocalProxy

from participation import pagecache
from participation.extensions import compress

ONE_YEAR = 365 * 24 * 3600
CACHEABLE = {"text/html", "application/atom+xml"}


def init_app(app: Flask) -> None:
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "deflate"])
    # Brotli's fastest level. At the default level 4, a list page is 5.1 KB
    # for 0.41 ms of CPU; at level 1, 5.9 KB for 0.09 ms. Level 0 is as small
    # for a list page, 6.3 KB, for a third less CPU than level 1. It costs 15 %
    # more bytes only on an idea page signed in (7.5 KB instead of 6.4 KB),
    # whose reply forms repeat, and there it saves 5 % of the request
    # (callgrind: 11.0 M instructions per request at level 1, 10.5 M at 0).
    app.config.setdefault("COMPRESS_BR_LEVEL", 0)
    app.config.setdefault(
        "COMPRESS_MIMETYPES",
        [
            "text/html",
            "text/css",
            "text/plain",
            "text/xml",
            "text/csv",
            "application/json",
            "application/javascript",
            "text/javascript",
            "application/atom+xml",
            "image/svg+xml",
        ],
    )
    hashes: dict[str, tuple[float, str]] = {}

    def static_hash(filename: str) -> str | None:
        path = os.path.join(app.static_folder or "", filename)
        try:
            mtime = os.stat(path).st_mtime
        except OSError:
            return None
        known = hashes.get(filename)
        if known is None or known[0] != mtime:
            with open(path, "rb") as f:
                known = hashes[filename] = (mtime, hashlib.sha256(f.read()).hexdigest()[:12])
        return known[1]

    @app.url_defaults
    def fingerprint_static(endpoint, values):
        if endpoint == "static" and "v" not in values and values.get("filename"):
            version = static_hash(values["filename"])
            if version:
                values["v"] = version

    # The page cache's store hook is registered before Compress's, so it runs
    # after it and keeps the compressed body (see participation.pagecache).
    pagecache.init_app(app)
    # Compress's hook is registered first, so it runs after cache_headers
    # (Flask runs after_request hooks in reverse): it sees the ETag, marks it
    # with the encoding and answers 304 to a matching If-None-Match.
    compress.init_app(app)

    @app.after_request
    def cache_headers(response):
        if request.endpoint == "static":
            filename = (request.view_args or {}).get("filename")
            if filename and request.args.get("v") == static_hash(filename):
                response.cache_control.public = True
                response.cache_control.max_age = ONE_YEAR
                response.cache_control.immutable = True
                response.cache_control.no_cache = None
            return response
        if response.mimetype not in CACHEABLE or "Cache-Control" in response.headers:
            return response
        response.vary.add("Cookie")
        # The visitor as the request loaded them (never loaded again here: a
        # failing load would recurse through the error page). Not loaded:
        # treated as signed in, nothing kept.
        # (A LocalProxy here means login_user(current_user) was called: the
        # proxy would resolve to itself; treat it as signed in.)
        user = g.get("_login_user")
        if user is None or type(user) is LocalProxy or user.is_authenticated:
            response.headers["Cache-Control"] = "private, no-store"
        elif (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not response.is_streamed
        ):
            response.headers["Cache-Control"] = "no-cache"
            response.add_etag()
            # 304 for a client that does not take compressed answers (the
            # others get theirs from Compress, with the encoded ETag).
            response.make_conditional(request)
        return response
