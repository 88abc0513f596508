"""Notification forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField

from participation.vocabulary import EmailGroup


class PreferencesForm(FlaskForm):
    """One checkbox per email group, named by its value."""

    moderation = BooleanField(EmailGroup.MODERATION.lazy_label)
    responses = BooleanField(EmailGroup.RESPONSES.lazy_label)
    comments = BooleanField(EmailGroup.COMMENTS.lazy_label)
    supported = BooleanField(EmailGroup.SUPPORTED.lazy_label)
    budgets = BooleanField(EmailGroup.BUDGETS.lazy_label)
    budget_voting = BooleanField(EmailGroup.BUDGET_VOTING.lazy_label)
    new_consultations = BooleanField(EmailGroup.NEW_CONSULTATIONS.lazy_label)
    consultation_results = BooleanField(EmailGroup.CONSULTATION_RESULTS.lazy_label)


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
