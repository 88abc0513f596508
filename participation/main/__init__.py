"""The language-neutral entry point and the home page."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from participation.main import routes  # noqa: E402,F401
