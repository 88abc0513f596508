"""Notifications: the list page, marking as read, email preferences, unsubscribing."""

from flask import Blueprint

from participation.i18n import PREFIX

bp = Blueprint("notifications", __name__, url_prefix=f"{PREFIX}/notifications")

from participation.notifications import routes  # noqa: E402,F401
