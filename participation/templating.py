"""What every template can use: permissions, display helpers, locale formatting."""

from __future__ import annotations

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from participation.permissions import can


def display_name(user) -> str:
    """A contributor's public name; deleted accounts show as 'former participant'."""
    if user is None or user.is_deleted or not user.display_name:
        return _("Former participant")
    return user.display_name


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(can=can, display_name=display_name)
    app.jinja_env.filters.update(
        date=lambda value, fmt="long": format_date(value, fmt) if value else "",
        datetime=lambda value, fmt="medium": format_datetime(value, fmt) if value else "",
        number=lambda value: format_decimal(value or 0),
    )

    @app.context_processor
    def inject_user():
        return {"current_user": current_user, "locale": str(get_locale())}
