"""Open data for people: the API page, the datasets page and downloads
(/data/, with the DCAT-AP catalogue), and the statistics page with its charts."""

from flask import Blueprint

bp = Blueprint("opendata", __name__)

from participation.opendata import routes  # noqa: E402,F401
