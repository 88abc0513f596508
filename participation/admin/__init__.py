"""Administration: users and their roles, suspended and banned accounts."""

from flask import Blueprint

from participation.i18n import PREFIX

bp = Blueprint("admin", __name__, url_prefix=f"{PREFIX}/admin")

from participation.admin import routes  # noqa: E402,F401
