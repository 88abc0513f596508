"""Password rules and hashing (scrypt, through Werkzeug).

The method comes from the PASSWORD_HASH_METHOD setting: full-cost "scrypt"
everywhere but TestConfig, which uses a cheap scrypt to keep the suite fast.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from flask import current_app, has_app_context
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 10
MAX_LENGTH = 128
DEFAULT_METHOD = "scrypt"


def _method() -> str:
    if has_app_context():
        return str(current_app.config.get("PASSWORD_HASH_METHOD", DEFAULT_METHOD))
    return DEFAULT_METHOD


@cache
def _dummy_hash(method: str) -> str:
    """A real hash with the configured method, so that a login for an unknown
    email costs as much time as one for a known email."""
    return generate_password_hash("not-a-real-password-but-costs-the-same", method)


_dummy_hash(DEFAULT_METHOD)  # made at import, as before, not on the first login


@cache
def common_passwords() -> frozenset[str]:
    text = (
        resources.files("participation")
        .joinpath("data/common_passwords.txt")
        .read_text(encoding="utf-8")
    )
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def password_problem(
    password: str, email: str | None = None, name: str | None = None
) -> str | None:
    """A translated explanation of what is wrong with a new password, or None."""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(n)d characters.", n=MAX_LENGTH)
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) <= 2:
        return _("This password is too common. Choose one that is harder to guess.")
    for personal in (email, (email or "").split("@")[0], name):
        if personal and len(personal) >= 4 and personal.lower() in lowered:
            return _("Your password must not contain your email address or name.")
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_method())


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        check_password_hash(_dummy_hash(_method()), password)
        return False
    return check_password_hash(password_hash, password)
