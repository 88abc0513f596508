"""Open data pages: thin views over services.statistics and services.datasets."""

from __future__ import annotations

from flask import render_template

from participation.i18n import PREFIX
from participation.opendata import bp


@bp.route(f"{PREFIX}/api")
def api_docs():
    """How to use the API, with an example per endpoint."""
    from participation.api import OPERATIONS

    return render_template("opendata/api.html", operations=OPERATIONS)
