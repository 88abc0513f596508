"""Supporting ideas (and withdrawing a support)."""

from flask import Blueprint

from participation.i18n import PREFIX

bp = Blueprint("supports", __name__, url_prefix=f"{PREFIX}/ideas")

from participation.supports import routes  # noqa: E402,F401
