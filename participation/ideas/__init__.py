"""Ideas: propose, edit, withdraw, read, discuss (routes_write), and find
(routes_browse: lists, search, challenge pages, feeds)."""

from flask import Blueprint

from participation.i18n import PREFIX

bp = Blueprint("ideas", __name__, url_prefix=f"{PREFIX}/ideas")

from participation.ideas import routes_browse, routes_write  # noqa: E402,F401
