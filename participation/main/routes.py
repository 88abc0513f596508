from __future__ import annotations

from flask import redirect, render_template, url_for

from participation.i18n import PREFIX, preferred_language
from participation.main import bp
from participation.services import browse
from participation.services import consultations as consultation_service

HOME_LIST_SIZE = 5
# Open consultations shown on the home page, closing soonest first.
HOME_CONSULTATIONS = 3


@bp.route("/")
def root():
    """Send visitors to their language: saved preference, cookie, browser, French."""
    response = redirect(url_for("main.home", lang_code=preferred_language()))
    response.headers["Vary"] = "Cookie, Accept-Language"
    return response


@bp.route(f"{PREFIX}/")
def home():
    """The open consultations, the challenges with their counts, the most supported
    and the newest ideas (four queries whatever the data)."""
    return render_template(
        "main/home.html",
        consultations=consultation_service.open_consultations(HOME_CONSULTATIONS),
        challenges=browse.challenge_summaries(),
        most_supported=browse.most_supported(HOME_LIST_SIZE),
        newest=browse.newest(HOME_LIST_SIZE),
    )


@bp.route(f"{PREFIX}/about")
def about():
    return render_template("main/about.html")
