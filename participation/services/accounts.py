"""Account verbs: register, confirm, authenticate, reset, update, export, delete."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import Select, func, or_, select

from participation.extensions import db
from participation.models import User
from participation.models.accounts import new_session_token
from participation.models.base import utcnow
from participation.permissions import can_delete_account, can_log_in, require
from participation.services import DomainError, outbox
from participation.services.passwords import hash_password, password_problem, verify_password
from participation.vocabulary import Denial, Role

CONFIRM_SALT = "confirm-email"
RESET_SALT = "reset-password"


class TokenError(DomainError):
    """kind is 'expired', 'invalid' or 'used'."""

    def __init__(self, kind: str):
        messages = {
            "expired": _("This link has expired. Please ask for a new one."),
            "invalid": _("This link is not valid. Please check that you copied all of it."),
            "used": _("This link has already been used. Please ask for a new one if needed."),
        }
        super().__init__(messages[kind], code=kind)
        self.kind = kind


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


@dataclass
class Registration:
    user: User | None  # None when the email already had an account
    existing: User | None


def register(
    email: str,
    display_name: str,
    password: str,
    language: str,
    municipality_id: int | None = None,
    *,
    password_hash: str | None = None,
    rules_accepted: bool = False,
) -> Registration:
    """Create an unconfirmed citizen. If the email is taken, create nothing and
    return the existing account, so the caller can warn its owner by mail
    without telling the visitor. `password_hash`: a hash of `password` made
    earlier, for many accounts with one password (the demo data).
    `rules_accepted`: the participation rules were accepted (the register
    form asks for it); the time is kept on the account."""
    email = normalize_email(email)
    problem = password_problem(password, email, display_name)
    if problem:
        raise DomainError(problem, field="password")
    existing = find_by_email(email)
    if existing is not None:
        return Registration(user=None, existing=existing)
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=password_hash or hash_password(password),
        language=language,
        municipality_id=municipality_id,
        role=Role.CITIZEN,
        rules_accepted_at=utcnow() if rules_accepted else None,
    )
    db.session.add(user)
    db.session.flush()
    return Registration(user=user, existing=None)


# --- Tokens -----------------------------------------------------------------


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _password_fingerprint(user: User) -> str:
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def make_confirm_token(user: User, email: str | None = None) -> str:
    return _serializer(CONFIRM_SALT).dumps({"uid": user.id, "email": email or user.email})


def make_reset_token(user: User) -> str:
    return _serializer(RESET_SALT).dumps({"uid": user.id, "pw": _password_fingerprint(user)})


def _load(salt: str, token: str, max_age: int) -> dict[str, Any]:
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenError("expired") from exc
    except BadSignature as exc:
        raise TokenError("invalid") from exc
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        raise TokenError("invalid")
    return data


def confirm_email(token: str) -> User:
    """Confirm the address in the token: the registration address, or a new
    address asked for on the profile page."""
    data = _load(CONFIRM_SALT, token, current_app.config["CONFIRM_TOKEN_MAX_AGE"])
    user = db.session.get(User, data["uid"])
    email = data.get("email")
    if user is None or user.is_deleted or not isinstance(email, str):
        raise TokenError("invalid")
    if user.email == email:
        if user.is_confirmed:
            raise TokenError("used")
    elif user.pending_email == email:
        other = find_by_email(email)
        if other is not None and other.id != user.id:
            raise DomainError(_("This email address is already used by another account."))
        user.email = email
        user.pending_email = None
    else:
        raise TokenError("used")
    user.email_confirmed_at = utcnow()
    db.session.flush()
    return user


def user_for_reset_token(token: str) -> User:
    data = _load(RESET_SALT, token, current_app.config["RESET_TOKEN_MAX_AGE"])
    user = db.session.get(User, data["uid"])
    if user is None or user.is_deleted:
        raise TokenError("invalid")
    if data.get("pw") != _password_fingerprint(user):
        raise TokenError("used")
    return user


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset_token(token)
    set_password(user, new_password)
    if not user.is_confirmed:
        # Following a link sent to the address proves the address.
        user.email_confirmed_at = utcnow()
    return user


# --- Account emails (written to the outbox, sent by the worker) ----------------


def _link(endpoint: str, language: str, **values: Any) -> str:
    from participation.mail import external_url

    return external_url(endpoint, lang_code=language, **values)


def queue_confirmation(user: User, email: str | None = None) -> None:
    """Mail a confirmation link to the account's address, or to the new
    address it asked for."""
    address = email or user.email
    if address is None:  # a deleted account has no address
        return
    token = make_confirm_token(user, email)
    outbox.queue_email(
        address,
        "confirm",
        user.language,
        recipient_id=user.id,
        link=_link("accounts.confirm", user.language, token=token),
        hours=current_app.config["CONFIRM_TOKEN_MAX_AGE"] // 3600,
    )


def queue_already_registered(owner: User) -> None:
    """Someone tried to register with this account's address: tell its owner."""
    if owner.email is None:
        return
    outbox.queue_email(
        owner.email,
        "already_registered",
        owner.language,
        recipient_id=owner.id,
        login_link=_link("accounts.login", owner.language),
        reset_link=_link("accounts.reset_request", owner.language),
    )


def queue_reset(user: User) -> None:
    if user.email is None:
        return
    token = make_reset_token(user)
    outbox.queue_email(
        user.email,
        "reset",
        user.language,
        recipient_id=user.id,
        link=_link("accounts.reset_password", user.language, token=token),
        minutes=current_app.config["RESET_TOKEN_MAX_AGE"] // 60,
    )


# --- Sign in ------------------------------------------------------------------


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None. Costs the same time either way."""
    user = find_by_email(email)
    if user is None or user.is_deleted:
        verify_password(None, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def log_in(email: str, password: str) -> User:
    """The user for these credentials if they may log in; DomainError otherwise
    (its code is the Denial when the account is banned or suspended)."""
    user = authenticate(email, password)
    if user is None:
        raise DomainError(_("The email address or password is not correct."))
    decision = can_log_in(user)
    if decision.reason == Denial.SUSPENDED:
        from participation.templating import format_datetime

        raise DomainError(
            _(
                "Your account is suspended until %(date)s. You cannot log in until then.",
                date=format_datetime(user.suspended_until, "long"),
            ),
            code=Denial.SUSPENDED,
        )
    require(decision)
    return user


# --- Profile -----------------------------------------------------------------


def set_password(user: User, new_password: str) -> None:
    problem = password_problem(new_password, user.email, user.display_name)
    if problem:
        raise DomainError(problem, field="password")
    user.password_hash = hash_password(new_password)
    user.session_token = new_session_token()  # signs out other sessions
    db.session.flush()


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise DomainError(_("Your current password is not correct."), field="current_password")
    set_password(user, new_password)


def update_profile(
    user: User, display_name: str, language: str, municipality_id: int | None
) -> None:
    user.display_name = display_name.strip()
    user.language = language
    user.municipality_id = municipality_id
    db.session.flush()


def request_email_change(user: User, new_email: str) -> str | None:
    """Remember the new address until it is confirmed. Returns the address to
    send the confirmation link to, or None if nothing changes."""
    new_email = normalize_email(new_email)
    if new_email == user.email:
        user.pending_email = None
        db.session.flush()
        return None
    user.pending_email = new_email
    db.session.flush()
    return new_email


def set_role(user: User, role: str) -> None:
    if role not in Role.values():
        raise DomainError(_("Unknown role."), field="role")
    user.role = role
    db.session.flush()


def user_search_query(
    text: str | None = None, role: str | None = None, sanctioned: bool = False
) -> Select:
    """The admin's user list: by name or email, role, or only suspended and banned."""
    if sanctioned:
        from participation.services.moderation import sanctioned_users_query

        query = sanctioned_users_query().where(User.deleted_at.is_(None))
    else:
        query = (
            select(User)
            .where(User.deleted_at.is_(None))
            .order_by(User.created_at.desc(), User.id.desc())
        )
    search = (text or "").strip()[:254]
    if search:
        like = f"%{search.lower()}%"
        query = query.where(
            or_(func.lower(User.display_name).like(like), func.lower(User.email).like(like))
        )
    if role:
        query = query.where(User.role == role)
    return query


# --- Personal data -----------------------------------------------------------

# Other areas (ideas, moderation, ...) register a function that returns their
# part of a user's data export.
EXPORT_SECTIONS: list = []


def _ideas_section(user: User) -> tuple[str, dict[str, Any]]:
    """The user's ideas, supports and comments."""
    from participation.services.ideas import export_section

    return export_section(user)


EXPORT_SECTIONS.append(_ideas_section)


def export_user_data(user: User) -> dict[str, Any]:
    def iso(value):
        return value.isoformat() + "Z" if value else None

    data: dict[str, Any] = {
        "account": {
            "id": user.id,
            "email": user.email,
            "pending_email": user.pending_email,
            "display_name": user.display_name,
            "language": user.language,
            "municipality": user.municipality.name_en if user.municipality else None,
            "role": user.role,
            "created_at": iso(user.created_at),
            "email_confirmed_at": iso(user.email_confirmed_at),
            "last_login_at": iso(user.last_login_at),
            "suspended_until": iso(user.suspended_until),
        },
        "exported_at": iso(utcnow()),
    }
    for section in EXPORT_SECTIONS:
        name, value = section(user)
        data[name] = value
    return data


def delete_account(user: User, password: str | None) -> None:
    """Erase personal data; public contributions stay, shown as 'former participant'.
    The account's password is asked again."""
    require(can_delete_account(user, password), field="password")
    user.email = None
    user.pending_email = None
    user.display_name = None
    user.password_hash = None
    user.municipality_id = None
    user.last_login_at = None
    user.deleted_at = utcnow()
    user.session_token = new_session_token()
    db.session.flush()
