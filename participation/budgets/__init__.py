"""Participatory budgeting: rounds, projects, ballots, results and the Pabulib file."""

from flask import Blueprint

from participation.i18n import PREFIX

bp = Blueprint("budgets", __name__, url_prefix=f"{PREFIX}/budgets")

from participation.budgets import routes  # noqa: E402,F401
