"""Security headers, safe redirects and error pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, jsonify, make_response, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ]
)


def is_safe_local_path(target: str | None) -> bool:
    """True for a path on this site ("/fr/ideas?x=1"); False for anything that
    could leave it ("//evil.example", "https://evil.example", "/\\evil.example")."""
    if not target or not isinstance(target, str):
        return False
    if not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, fallback: str) -> str:
    return target if is_safe_local_path(target) else fallback


def _error_messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("We could not understand that request. Please try again.")),
        403: (_("Access denied"), _("You do not have permission to do this.")),
        404: (
            _("Page not found"),
            _("The page you are looking for does not exist or is no longer available."),
        ),
        405: (_("Method not allowed"), _("This address cannot be used in this way.")),
        413: (_("Request too large"), _("What you sent is too large. Please shorten it.")),
        429: (
            _("Too many attempts"),
            _("You have made too many attempts. Please wait a moment and try again."),
        ),
        500: (
            _("Something went wrong"),
            _("An unexpected error occurred on our side. Please try again later."),
        ),
    }


def render_error(code: int, detail: str | None = None):
    from participation import api

    if api.is_api_request():
        # The API answers every error in JSON: {"error": {"code", "message"}}.
        return api.error_response(code, detail)
    messages = _error_messages()
    title, message = messages.get(code, messages[500 if code >= 500 else 400])
    if detail:
        message = detail
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    if (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    ):
        return jsonify(error=title, message=message, status=code), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def _with_error_headers(result, error: HTTPException):
    """Keep the headers the error carries (Allow on a 405, Retry-After on a 429)."""
    response = make_response(result)
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _has_nul(data) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in data.items(multi=True))


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_nul_bytes():
        """No person types a NUL character, and PostgreSQL cannot store one:
        refuse such requests with a clear 400 instead of failing later."""
        if (
            "\x00" in request.path
            or _has_nul(request.args)
            or (request.method == "POST" and _has_nul(request.form))
        ):
            return render_error(
                400,
                _(
                    "What you sent contains invisible control characters that we cannot "
                    "store. Please go back, retype the text and try again."
                ),
            )
        return None

    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("PRODUCTION"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400,
            _(
                "Your form has expired or was sent from another site. "
                "Please go back, reload the page and try again."
            ),
        )

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        """A Host header outside TRUSTED_HOSTS: no link can be built for it, so
        a small page without the layout."""
        title = _("Bad request")
        message = _("We could not understand that request. Please try again.")
        body = (
            f'<!doctype html><html lang="{escape(str(get_locale()))}"><meta charset="utf-8">'
            f"<title>{escape(title)}</title><h1>{escape(title)}</h1><p>{escape(message)}</p></html>"
        )
        return body, 400, {"Content-Type": "text/html; charset=utf-8"}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return _with_error_headers(render_error(error.code), error)

    @app.errorhandler(InternalServerError)
    def server_error(error):
        return render_error(500)
