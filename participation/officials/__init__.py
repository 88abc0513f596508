"""Officials: the dashboard of top ideas, its CSV export, and official statuses."""

from flask import Blueprint

from participation.i18n import PREFIX

bp = Blueprint("officials", __name__, url_prefix=f"{PREFIX}/officials")

from participation.officials import routes  # noqa: E402,F401
