"""The public, read-only JSON API at /api/v1/.

It reads through the same services and asks the same permission verbs as the
HTML pages, always as an anonymous visitor (a browser's session never widens
what the API shows), so a rule cannot be skipped: pending and rejected ideas
are never found, hidden ones show their placeholder, and no email or user id
appears.

Conventions, in this package:
- `schemas.py`: every response shape and query string (marshmallow); responses
  are dumped through them, and `spec.py` turns them into OpenAPI 3.1.
- `routes.py`: the resources. Each view is registered with `@operation(...)`,
  which the OpenAPI document and the API page are built from.
- here: errors as {"error": {"code", "message"}}, the language of labels
  (?lang= or Accept-Language), CORS for GET, ETag/Last-Modified with 304, rate
  limits, cursors.

Adding a resource (budget rounds, projects and results; consultations and their
results: see issue 13): write its schemas in `schemas.py`, its views in a
module of this package (e.g. `budgets.py`) imported at the bottom of this file,
each with `@operation(...)`; they then appear in /api/v1/openapi.json, on the
API page, in the index at /api/v1/ (RESOURCES) and in the schemathesis test.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, g, request
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import AnonymousUserMixin
from itsdangerous import BadData, URLSafeSerializer
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import BadRequest

from participation.extensions import limiter
from participation.i18n import DEFAULT_LANGUAGE, LANGUAGES

PREFIX = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=PREFIX)

# Who the API reads as: always an anonymous visitor.
PUBLIC = AnonymousUserMixin()

# The resources listed at /api/v1/ (name, endpoint). Budgets and consultations
# add theirs here when they land.
RESOURCES: list[tuple[str, str]] = [
    ("challenges", "api.challenges"),
    ("municipalities", "api.municipalities"),
    ("ideas", "api.ideas"),
    ("statistics", "api.statistics"),
]

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": (
        "ETag, Last-Modified, Content-Language, Retry-After, "
        "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"
    ),
    "Access-Control-Max-Age": "86400",
}


# --- Describing operations (the OpenAPI document and the API page read this) ---------


@dataclass
class Operation:
    endpoint: str
    summary: Any  # a lazy string: English in the spec, translated on the API page
    response: type[Schema]
    query: type[Schema] | None = None
    path_params: dict[str, dict] = field(default_factory=dict)
    errors: tuple[int, ...] = (400, 429)
    example: str = ""  # a path with its query string, for the API page
    conditional: bool = True


OPERATIONS: list[Operation] = []


def operation(
    summary: Any,
    response: type[Schema],
    *,
    query: type[Schema] | None = None,
    path_params: dict[str, dict] | None = None,
    errors: tuple[int, ...] = (400, 429),
    example: str = "",
    conditional: bool = True,
    endpoint: str | None = None,
) -> Callable:
    def register(view: Callable) -> Callable:
        OPERATIONS.append(
            Operation(
                endpoint=f"api.{endpoint or view.__name__}",
                summary=summary,
                response=response,
                query=query,
                path_params=path_params or {},
                errors=errors,
                example=example,
                conditional=conditional,
            )
        )
        return view

    return register


# --- Errors ---------------------------------------------------------------------------

ERROR_CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    429: "too_many_requests",
    500: "server_error",
}


def _error_messages() -> dict[int, str]:
    return {
        400: _("We could not understand that request."),
        404: _("There is nothing at this address, or it is not public."),
        405: _("This address only answers GET requests."),
        429: _("Too many requests: please wait a moment and try again."),
        500: _("An unexpected error occurred on our side. Please try again later."),
    }


def is_api_request() -> bool:
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


def error_response(status: int, message: str | None = None, details: dict | None = None):
    """The JSON answer for an error: {"error": {"code", "message"[, "details"]}}."""
    messages = _error_messages()
    body: dict[str, Any] = {
        "code": ERROR_CODES.get(status, "server_error" if status >= 500 else "bad_request"),
        "message": message or messages.get(status) or messages[500 if status >= 500 else 400],
    }
    if details:
        body["details"] = {key: str(value) for key, value in details.items()}
    response = current_app.response_class(
        json.dumps({"error": body}, ensure_ascii=False),
        status=status,
        mimetype="application/json",
    )
    response.headers.update(CORS_HEADERS)
    response.headers["Cache-Control"] = "no-store"
    return response


class InvalidQuery(BadRequest):
    """Refused query parameters: answered as a 400 with each field's reason."""

    def __init__(self, details: dict[str, Any], message: str | None = None):
        super().__init__()
        self.details = details
        self.message = message


@bp.errorhandler(InvalidQuery)
def invalid_query(error: InvalidQuery):
    return error_response(
        400, error.message or _("Some parameters are not valid."), details=error.details
    )


def parse_args(schema: type[Schema]) -> dict[str, Any]:
    """The query string checked against `schema` (the first of repeated values)."""
    try:
        return schema().load(request.args.to_dict())
    except ValidationError as error:
        details = {
            name: " ".join(str(m) for m in messages)
            if isinstance(messages, list)
            else str(messages)
            for name, messages in error.normalized_messages().items()
        }
        raise InvalidQuery(details) from None


# --- Language, CORS, rate limits -------------------------------------------------------


def api_language() -> str:
    return g.get("api_language") or DEFAULT_LANGUAGE


@bp.before_request
def choose_language():
    """?lang= first, then Accept-Language, then French. An unknown ?lang= is a 400."""
    asked = request.args.get("lang")
    if asked is not None and asked not in LANGUAGES:
        g.api_language = request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE
        refresh()
        raise InvalidQuery({"lang": _("Choose fr, nl or en.")})
    g.api_language = asked or request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE
    refresh()


@bp.after_request
def api_headers(response: Response):
    response.headers.update(CORS_HEADERS)
    response.headers["Content-Language"] = api_language()
    response.vary.add("Accept-Language")
    return response


# One budget per address for the whole API, whatever the endpoints it calls.
limiter.shared_limit(lambda: current_app.config["RATE_LIMIT_API"], scope="api")(bp)


# --- Answers: JSON with ETag, Last-Modified and 304 -------------------------------------


def utc(value: datetime | None) -> datetime | None:
    """A stored naive UTC time as an aware one (ISO 8601 with its offset)."""
    return value.replace(tzinfo=UTC) if value is not None else None


def json_response(schema: type[Schema], data: Any, last_modified: datetime | None = None):
    """`data` dumped through `schema` (only declared fields go out), with a strong
    ETag over the exact bytes and, when known, Last-Modified; a conditional GET
    that matches gets a 304 with no body."""
    body = json.dumps(schema().dump(data), ensure_ascii=False, separators=(",", ":"))
    response = current_app.response_class(body, mimetype="application/json")
    response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
    if last_modified is not None:
        response.last_modified = last_modified.replace(tzinfo=UTC, microsecond=0)
    response.headers["Cache-Control"] = "public, max-age=60"
    return response.make_conditional(request)


# --- Cursors ---------------------------------------------------------------------------


def _query_key(args: dict[str, Any]) -> str:
    """What a cursor is bound to: the query's filters and order (not its limit)."""
    kept = {k: v for k, v in sorted(args.items()) if k not in ("cursor", "limit", "lang")}
    return hashlib.sha256(json.dumps(kept, default=str).encode()).hexdigest()[:12]


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="api-cursor")


def encode_cursor(last_key: list[Any], args: dict[str, Any]) -> str:
    """An opaque, signed cursor: "after the row whose sort key is `last_key`",
    bound to the query's filters and order. Not an offset: a page starts where
    the previous one ended, however many rows came before or were added since."""
    return _signer().dumps({"a": last_key, "k": _query_key(args)})


def damaged_cursor() -> InvalidQuery:
    return InvalidQuery(
        {"cursor": _("This cursor is damaged: use the next_cursor of a previous page.")}
    )


def decode_cursor(cursor: str | None, args: dict[str, Any]) -> Any:
    """The sort key a cursor stands for (None without a cursor); a 400 for a
    damaged or altered cursor, or one that belongs to another query."""
    if not cursor:
        return None
    try:
        data = _signer().loads(cursor)
        after, key = data["a"], data["k"]
    except (BadData, KeyError, TypeError, ValueError, UnicodeError):
        raise damaged_cursor() from None
    if key != _query_key(args):
        raise InvalidQuery(
            {"cursor": _("This cursor belongs to another query: keep the same filters.")}
        )
    return after


from participation.api import routes, spec  # noqa: E402,F401,I001

# Budgets and consultations, after the ideas (the order of the API page).
from participation.api import engagement  # noqa: E402,F401
