"""Open data pages: the API page, the datasets page with the downloads and the
DCAT-AP catalogue under /data/, and the statistics page with its charts.
Thin views over services.datasets and services.statistics."""

from __future__ import annotations

import json

from flask import abort, current_app, render_template, send_from_directory
from marshmallow import validate

from participation.api import CORS_HEADERS, OPERATIONS
from participation.api.spec import openapi_path
from participation.i18n import PREFIX, current_language
from participation.opendata import bp, charts, tilemap
from participation.pagecache import render_shared_blocks
from participation.services import datasets, places, statistics
from participation.urls import public_base_url, public_url


def _directory() -> str:
    return current_app.config["OPENDATA_DIR"]


# --- The API page ------------------------------------------------------------------------


def _parameters(schema) -> list[dict]:
    """A query schema's parameters, with their allowed values, for the API page."""
    if schema is None:
        return []
    found = []
    for name, field in schema().fields.items():
        choices = [v.choices for v in field.validators if isinstance(v, validate.OneOf)]
        found.append({"name": name, "choices": list(choices[0]) if choices else []})
    return found


@bp.route(f"{PREFIX}/api")
def api_docs():
    """How to use the API, with an example per endpoint (from the same registry
    as the OpenAPI document)."""
    rules = {rule.endpoint: rule.rule for rule in current_app.url_map.iter_rules()}
    endpoints = [
        {
            "path": openapi_path(rules[op.endpoint]),
            "summary": op.summary,
            "example": public_base_url() + op.example,
            "parameters": _parameters(op.query),
        }
        for op in OPERATIONS
    ]
    return render_template(
        "opendata/api.html",
        endpoints=endpoints,
        base=public_base_url(),
        openapi_url=public_url("api.openapi"),
    )


# --- Datasets -------------------------------------------------------------------------------


@bp.route(f"{PREFIX}/data")
def data():
    """The datasets with their sizes and dates, the catalogue, and the API page."""
    generated, found = datasets.published(_directory())
    return render_template("opendata/data.html", generated=generated, datasets=found)


@bp.route("/data/catalog.jsonld")
def catalog():
    """The DCAT-AP catalogue that open data portals harvest."""
    document = datasets.catalog(
        _directory(),
        catalog_url=public_url("opendata.catalog"),
        download_url=lambda name: public_url("opendata.download", filename=name),
        page_url=public_url("opendata.data", lang_code="en"),
        home_url=public_base_url() + "/",
    )
    response = current_app.response_class(
        json.dumps(document, ensure_ascii=False, indent=1), mimetype="application/ld+json"
    )
    response.headers.update(CORS_HEADERS)
    return response


@bp.route("/data/<filename>")
def download(filename: str):
    """One exported file (only the names the datasets define)."""
    known = datasets.filenames()
    if filename not in known:
        abort(404)
    _, fmt = known[filename]
    # Flask adds "; charset=utf-8" to text/csv.
    response = send_from_directory(
        _directory(), filename, mimetype=datasets.MEDIA_TYPES[fmt], max_age=3600
    )
    response.headers.update(CORS_HEADERS)
    return response


# --- Statistics -----------------------------------------------------------------------------


# The statistics pages show the numbers a job counts at most every
# STATS_CACHE_SECONDS (services/statistics.figures()), and when; their blocks
# are kept as long for every visitor, signed in or not (participation.pagecache;
# anonymous visitors get the whole page kept).


@bp.route(f"{PREFIX}/stats")
def stats():
    """Participation at a glance: four queries whatever the data."""

    def build() -> tuple[dict, int]:
        language = current_language()
        overview = statistics.overview(language)
        tiles = tilemap.build(overview.municipalities, language)
        return {
            "overview": overview,
            "tilemap": tiles,
            "computed_at": overview.computed_at,
        }, 200

    return render_shared_blocks("opendata/stats.html", build, timed=True)


@bp.route(f"{PREFIX}/municipalities")
def municipalities():
    """The tile map of the 19 municipalities with their numbers: two queries."""

    def build() -> tuple[dict, int]:
        language = current_language()
        found = statistics.figures()
        rows = statistics.with_participants(language, found)
        return {
            "rows": rows,
            "average": statistics.region_average(rows),
            "tilemap": tilemap.build(rows, language),
            "computed_at": found.computed_at,
        }, 200

    return render_shared_blocks("opendata/municipalities.html", build, timed=True)


@bp.route(f"{PREFIX}/municipalities/<slug>")
def municipality(slug: str):
    """One municipality beside the Region's average: five queries whatever the data."""
    found = places.municipality_by_slug(slug)
    if found is None:
        abort(404)

    def build() -> tuple[dict, int]:
        numbers = statistics.figures()
        return {
            "profile": statistics.profile(found, current_language(), numbers),
            "computed_at": numbers.computed_at,
        }, 200

    return render_shared_blocks("opendata/municipality.html", build, timed=True)


@bp.route(f"{PREFIX}/stats/<any(weekly, challenges, municipalities):chart>.svg")
def chart(chart: str):
    """A statistics chart as SVG (its data table is on the page beside it), from
    the stored numbers: two queries at most."""
    language = current_language()
    if chart == "weekly":
        svg = charts.weekly(statistics.weekly())
    elif chart == "challenges":
        svg = charts.challenges(statistics.by_challenge(), language)
    else:
        svg = charts.municipalities(statistics.by_municipality(language), language)
    response = current_app.response_class(svg, mimetype="image/svg+xml")
    # pygal styles its SVG with an inline <style>; an SVG shown through <img> runs no script.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
