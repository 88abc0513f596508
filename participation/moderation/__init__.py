"""Moderation queue, reports, moderator actions and the moderation log."""

from flask import Blueprint

from participation.i18n import PREFIX

bp = Blueprint("moderation", __name__, url_prefix=f"{PREFIX}/moderation")

from participation.moderation import routes, routes_translations  # noqa: E402,F401
