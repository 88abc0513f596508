"""Flask-Login wiring: sessions carry the user's id and a rotating token."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import lazyload, with_expression

from participation.extensions import db, login_manager
from participation.security import is_safe_local_path


def init_app(app: Flask) -> None:
    from participation.models import User
    from participation.models.notifications import unread_count_of_user

    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    # Built once: the header's unread notification count comes in the same SELECT.
    # The home municipality (joined by default) is read only by the personal
    # data export: loaded there if asked, not on every request.
    signed_in_user = (
        select(User)
        .options(
            with_expression(User.unread_notification_count, unread_count_of_user()),
            lazyload(User.municipality),
        )
        .where(User.id == bindparam("uid"))
        .execution_options(populate_existing=True)
    )

    @login_manager.user_loader
    def load_user(user_id: str):
        uid, _sep, token = user_id.partition(":")
        if not uid.isdigit() or not token:
            return None
        user = db.session.execute(signed_in_user, {"uid": int(uid)}).scalar_one_or_none()
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
