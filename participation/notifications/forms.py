"""Notification forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField

from participation.services.notifications import GROUP_LABELS


class PreferencesForm(FlaskForm):
    moderation = BooleanField(GROUP_LABELS["moderation"])
    responses = BooleanField(GROUP_LABELS["responses"])
    comments = BooleanField(GROUP_LABELS["comments"])
    supported = BooleanField(GROUP_LABELS["supported"])


class MarkReadForm(FlaskForm):
    """Mark one notification read; with open=1, go on to its idea."""

    open = HiddenField()


class UnsubscribeForm(FlaskForm):
    """Two buttons: this kind of email, or every notification email."""

    scope = HiddenField(default="group")


EMAIL_HELP = _l(
    "In-app notifications always appear on your notifications page; "
    "here you choose which ones also come by email."
)
