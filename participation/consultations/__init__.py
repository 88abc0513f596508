"""Consultations: officials ask questions, residents answer once and anonymously,
everyone reads the results in percentages."""

from flask import Blueprint

from participation.i18n import PREFIX

bp = Blueprint("consultations", __name__, url_prefix=f"{PREFIX}/consultations")

from participation.consultations import routes  # noqa: E402,F401
