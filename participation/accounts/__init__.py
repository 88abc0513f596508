"""Citizen accounts: register, confirm, log in, reset, profile, data, deletion."""

from flask import Blueprint

from participation.i18n import PREFIX

bp = Blueprint("accounts", __name__, url_prefix=f"{PREFIX}/account")

from participation.accounts import routes  # noqa: E402,F401
