from __future__ import annotations

from flask import redirect, render_template, url_for

from participation.i18n import PREFIX, preferred_language
from participation.main import bp


@bp.route("/")
def root():
    """Send visitors to their language: saved preference, cookie, browser, French."""
    response = redirect(url_for("main.home", lang_code=preferred_language()))
    response.headers["Vary"] = "Cookie, Accept-Language"
    return response


@bp.route(f"{PREFIX}/")
def home():
    return render_template("main/home.html")


@bp.route(f"{PREFIX}/about")
def about():
    return render_template("main/about.html")
