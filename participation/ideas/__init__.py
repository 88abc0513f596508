"""Ideas: propose, edit, withdraw, discuss (routes_write), read one (routes_read), and find
(routes_browse: lists, search, challenge pages, feeds)."""

from flask import Blueprint

from participation.i18n import PREFIX

bp = Blueprint("ideas", __name__, url_prefix=f"{PREFIX}/ideas")

from participation.ideas import (  # noqa: E402,F401
    routes_browse,
    routes_read,
    routes_translate,
    routes_write,
)
