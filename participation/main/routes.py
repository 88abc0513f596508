from __future__ import annotations

from flask import redirect, render_template, url_for

from participation.i18n import PREFIX, preferred_language
from participation.main import bp
from participation.services import browse

HOME_LIST_SIZE = 5


@bp.route("/")
def root():
    """Send visitors to their language: saved preference, cookie, browser, French."""
    response = redirect(url_for("main.home", lang_code=preferred_language()))
    response.headers["Vary"] = "Cookie, Accept-Language"
    return response


@bp.route(f"{PREFIX}/")
def home():
    """The challenges with their counts, the most supported and the newest ideas
    (three queries whatever the data)."""
    return render_template(
        "main/home.html",
        challenges=browse.challenge_summaries(),
        most_supported=browse.most_supported(HOME_LIST_SIZE),
        newest=browse.newest(HOME_LIST_SIZE),
    )


@bp.route(f"{PREFIX}/about")
def about():
    return render_template("main/about.html")
