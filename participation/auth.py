"""Flask-Login wiring: sessions carry the user's id and a rotating token."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import with_expression

from participation.extensions import db, login_manager
from participation.security import is_safe_local_path


def init_app(app: Flask) -> None:
    from participation.models import User
    from participation.models.notifications import unread_count_of_user

    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str):
        uid, _sep, token = user_id.partition(":")
        if not uid.isdigit() or not token:
            return None
        # The header's unread notification count comes in the same SELECT.
        user = db.session.get(
            User,
            int(uid),
            options=[with_expression(User.unread_notification_count, unread_count_of_user())],
            populate_existing=True,
        )
        if user is None or user.is_deleted or user.session_token != token:
            return None
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        """Anonymous visitors go to the login page and come back afterwards."""
        flash(str(login_manager.login_message), "info")
        if request.method == "GET":
            target = request.full_path.rstrip("?")
        else:
            referrer = urlsplit(request.referrer or "")
            same_site = referrer.netloc in ("", request.host)
            target = (
                (referrer.path + ("?" + referrer.query if referrer.query else ""))
                if same_site
                else None
            )
        if not is_safe_local_path(target):
            target = None
        return redirect(url_for("accounts.login", next=target))
