"""Helpers to read rendered pages in tests: text, CSP-clean markup, translations."""

from __future__ import annotations

import re

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
