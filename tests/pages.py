"""Helpers to read rendered pages in tests: text, CSP-clean markup, translations,
and a test client that posts forms with their CSRF token, as a browser does."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from flask import Flask
from flask_babel import force_locale, gettext

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def html(response) -> str:
    return response.get_data(as_text=True)


def assert_clean_page(response) -> None:
    """No inline script, style attribute or event handler: the CSP would block them."""
    body = html(response)
    for pattern in (INLINE_SCRIPT, INLINE_STYLE, INLINE_HANDLER):
        found = pattern.search(body)
        assert not found, f"{response.request.path}: {found.group(0)}"


def without_tokens(body: str) -> str:
    """A page without its per-request CSRF token values."""
    return re.sub(r'name="csrf_token"[^>]*>|value="[^"]*"[^>]*name="csrf_token"[^>]*>', "", body)


def translated(app: Flask, lang: str, msgid: str, **variables) -> str:
    """`msgid` as the site shows it in `lang` (HTML-escaped like Jinja does)."""
    from markupsafe import escape

    with app.test_request_context(f"/{lang}/"), force_locale(lang):
        return str(escape(gettext(msgid, **variables)))


def client_for_role(role, app, make_client, make_user, login):
    """A client signed in with `role` (or anonymous), and a page to read a CSRF token from.
    Roles: anonymous, unconfirmed, citizen, suspended, moderator, official, admin."""
    from datetime import timedelta

    from participation.extensions import db
    from participation.models import User
    from participation.models.base import utcnow

    client = make_client()
    if role == "anonymous":
        return client, "/en/account/login"
    user = make_user(
        role=role if role in ("moderator", "official", "admin") else "citizen",
        confirmed=role != "unconfirmed",
    )
    login(client, user)
    if role == "suspended":
        with app.app_context():
            db.session.get(User, user.id).suspended_until = utcnow() + timedelta(days=3)
            db.session.commit()
    return client, "/en/"


class _Unsafe(HTMLParser):
    """Collects markup that would run: script/svg/iframe/foreign forms, on* handlers,
    javascript: links. Escaped text ("&lt;svg onload=") is inert and not collected."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag in ("svg", "iframe") or (tag == "script" and not names.get("src")):
            self.found.append(tag)
        if tag == "form" and "evil" in (names.get("action") or ""):
            self.found.append("form")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}")
            if name in ("href", "src", "action") and "javascript:" in (value or "").lower():
                self.found.append(f"{tag} {name}={value}")


def unsafe_markup(html: str) -> list[str]:
    parser = _Unsafe()
    parser.feed(html)
    return parser.found


# --- Clients with CSRF on --------------------------------------------------------

CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html) or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no csrf_token in the page"
    return match.group(1)


class FormClient:
    """A test client that reads the CSRF token from the page, as a browser does."""

    def __init__(self, client):
        self.client = client

    def __getattr__(self, name):
        return getattr(self.client, name)

    def token(self, page: str = "/en/") -> str:
        response = self.client.get(page)
        return csrf_from(response.get_data(as_text=True))

    def submit(self, url: str, data: dict | None = None, page: str | None = None, **kwargs):
        """GET `page` (default: `url`) for a token, then POST `data` to `url`."""
        data = dict(data or {})
        data.setdefault("csrf_token", self.token(page or url))
        return self.client.post(url, data=data, **kwargs)
