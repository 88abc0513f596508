"""Language selection: URL prefix, then the user's saved language, a cookie,
Accept-Language, and French as the fallback."""

from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.routing import BuildError

LANGUAGES = ("fr", "nl", "en")
DEFAULT_LANGUAGE = "fr"
COOKIE_NAME = "lang"
LANGUAGE_NAMES = {"fr": "Français", "nl": "Nederlands", "en": "English"}
# The Babel locale dates and numbers are formatted with, per interface language:
# English pages are read in Europe, so "24 September 2026" and "02/11/2026, 00:41"
# (en_GB), never the US "September 24, 2026" and "11/2/26, 12:41 AM".
FORMAT_LOCALES = {"fr": "fr", "nl": "nl", "en": "en_GB"}
# The prefix every localized route carries.
PREFIX = "/<any(fr, nl, en):lang_code>"


def preferred_language() -> str:
    """The visitor's language when the URL does not say it."""
    if current_user and current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    cookie = request.cookies.get(COOKIE_NAME)
    if cookie in LANGUAGES:
        return cookie
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def select_locale() -> str:
    """Flask-Babel's locale selector."""
    # The API chooses from ?lang= or Accept-Language (participation.api).
    lang = g.get("lang_code") or g.get("api_language")
    if lang in LANGUAGES:
        return lang
    if request:
        # A 404 under /nl/ (no route matched, so no lang_code) stays in Dutch.
        prefix = request.path.lstrip("/").split("/", 1)[0]
        if prefix in LANGUAGES:
            return prefix
        # Error pages raised before routing (unknown prefix) still speak the
        # visitor's language.
        return preferred_language()
    return DEFAULT_LANGUAGE


def current_language() -> str:
    """The language being rendered: the page's, or the one forced for an email."""
    locale = get_locale()
    if locale is not None and str(locale) in LANGUAGES:
        return str(locale)
    return g.get("lang_code") or DEFAULT_LANGUAGE


def format_locale() -> str:
    """The Babel locale to format dates and numbers in: the interface language,
    with English as en_GB (the interface language itself stays "en")."""
    return FORMAT_LOCALES.get(current_language(), current_language())


def switch_language_url(code: str, external: bool = False) -> str:
    """The current page in another language, with the same query string (built
    by participation.urls, so no visitor parameter can steer or break it).
    Built once per request and language: the frame asks for each language
    twice (the alternate links, absolute, and the switcher)."""
    from participation.urls import public_base_url

    built = g.get("_switch_language_urls")
    if built is None:
        built = g._switch_language_urls = {}
    path = built.get(code)
    if path is None:
        path = built[code] = _switch_language_path(code)
    if not external:
        return path
    # As public_url: the path without the application's root, after
    # PUBLIC_BASE_URL (never the Host the request claims).
    root = request.script_root
    if root and path.startswith(root):
        path = path[len(root) :]
    return public_base_url() + path


def _switch_language_path(code: str) -> str:
    from participation.urls import query_pairs, url_with_query

    endpoint = request.endpoint
    view_args = dict(request.view_args or {})
    if endpoint and current_app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
        view_args["lang_code"] = code
        try:
            return url_with_query(endpoint, query_pairs(), **view_args)
        except BuildError:
            pass
    return url_with_query("main.home", lang_code=code)


def init_app(app: Flask) -> None:
    @app.url_value_preprocessor
    def pull_lang_code(endpoint, values):
        if values and "lang_code" in values:
            g.lang_code = values.pop("lang_code")

    @app.url_defaults
    def add_lang_code(endpoint, values):
        if "lang_code" in values or not endpoint:
            return
        if app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
            values["lang_code"] = g.get("lang_code") or current_language()

    @app.after_request
    def remember_language(response):
        lang = g.get("lang_code")
        if lang and request.cookies.get(COOKIE_NAME) != lang:
            response.set_cookie(
                COOKIE_NAME,
                lang,
                max_age=365 * 24 * 3600,
                httponly=True,
                samesite="Lax",
                secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
            )
        return response

    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        switch_language_url=switch_language_url,
        current_language=current_language,
    )
