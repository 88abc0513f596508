"""The OpenAPI 3.1 document, generated from the code: each view registered with
`@operation(...)`, its route in the URL map, and its marshmallow schemas
(through apispec). Served at /api/v1/openapi.json; nothing is written by hand
beside it."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app, request
from flask_babel import force_locale

from participation.api import OPERATIONS, bp
from participation.api.schemas import ErrorSchema
from participation.urls import public_base_url, public_url

TITLE = "Participation Brussels-Capital Region: open data API"
DESCRIPTION = (
    "Read-only and public: the ideas residents proposed, supported and discussed, "
    "the official responses they received, and statistics. Public content only "
    "(pending and rejected ideas never appear; ideas hidden by moderation show a "
    "notice instead of their words), and no email addresses or user ids.\n\n"
    "Lists are paginated with cursors: follow `meta.next_cursor` (or `links.next`) "
    "with the same filters. Every answer carries an `ETag` (and `Last-Modified` "
    "when known): send it back in `If-None-Match` to get a `304`. Labels follow "
    "`?lang=` (fr, nl, en), then `Accept-Language`. Errors are "
    '`{"error": {"code", "message"}}`. Data under CC BY 4.0.'
)
ERROR_DESCRIPTIONS = {
    400: "Invalid query parameters (see error.details)",
    404: "Not found, or not public",
    429: "Too many requests (see Retry-After)",
}


def openapi_path(rule: str) -> str:
    """/ideas/<int:idea_id> -> /ideas/{idea_id}"""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def build() -> dict[str, Any]:
    spec = APISpec(
        title=TITLE,
        version="1.0.0",
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()],
        info={
            "description": DESCRIPTION,
            "license": {
                "name": "CC BY 4.0",
                "url": "https://creativecommons.org/licenses/by/4.0/",
            },
        },
        servers=[{"url": public_base_url()}],
    )
    spec.components.schema("Error", schema=ErrorSchema)
    rules = {rule.endpoint: rule.rule for rule in current_app.url_map.iter_rules()}
    headers = {
        "ETag": {"description": "Send back in If-None-Match", "schema": {"type": "string"}},
        "Last-Modified": {"schema": {"type": "string"}},
    }
    with force_locale("en"):
        for op in OPERATIONS:
            parameters: list[dict[str, Any]] = [
                {"in": "path", "name": name, "required": True, "schema": schema}
                for name, schema in op.path_params.items()
            ]
            if op.query is not None:
                parameters.append({"in": "query", "schema": op.query})
            responses: dict[str, Any] = {
                "200": {
                    "description": "OK",
                    "headers": headers,
                    "content": {"application/json": {"schema": op.response}},
                },
                "304": {"description": "Not modified since the ETag sent in If-None-Match"},
            }
            for code in op.errors:
                responses[str(code)] = {
                    "description": ERROR_DESCRIPTIONS.get(code, "Error"),
                    "content": {"application/json": {"schema": "Error"}},
                }
            spec.path(
                path=openapi_path(rules[op.endpoint]),
                operations={
                    "get": dict(
                        operationId=op.endpoint.removeprefix("api."),
                        summary=str(op.summary),
                        parameters=parameters,
                        responses=responses,
                    )
                },
            )
    document = spec.to_dict()
    document["externalDocs"] = {
        "description": "The API page",
        "url": public_url("opendata.api_docs", lang_code="en"),
    }
    return document


@bp.route("/openapi.json")
def openapi():
    """This API described in OpenAPI 3.1 (generated, never written by hand)."""
    cache = current_app.extensions.setdefault("participation_openapi", {})
    if "body" not in cache:
        cache["body"] = json.dumps(build(), ensure_ascii=False, indent=1)
    body = cache["body"]
    response = current_app.response_class(body, mimetype="application/json")
    response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response.make_conditional(request)
