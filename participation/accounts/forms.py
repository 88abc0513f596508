"""Account forms: they check shape only; the services check the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from participation.forms import MunicipalityField, language_choices
from participation.sanitize import clean_field
from participation.services.passwords import MAX_LENGTH, MIN_LENGTH


def _strip(value):
    """Pasted text often carries spaces at either end, and sometimes control
    characters that no feed or export could carry (see sanitize.clean_field)."""
    return clean_field(value)


def email_field(label=None):
    return EmailField(
        label or _l("Email address"),
        validators=[
            DataRequired(message=_l("Please enter your email address.")),
            Length(max=254, message=_l("An email address has at most 254 characters.")),
            Email(
                message=_l("Please enter a valid email address, like name@example.be."),
                check_deliverability=False,
            ),
        ],
        filters=[_strip],
        render_kw={"autocomplete": "email"},
    )


def display_name_field():
    return StringField(
        _l("Display name"),
        validators=[
            DataRequired(message=_l("Please enter the name others will see.")),
            Length(min=2, max=60, message=_l("Use between 2 and 60 characters.")),
        ],
        filters=[_strip],
        description=_l("Shown next to your ideas and comments. It can be a first name."),
        render_kw={"autocomplete": "nickname", "maxlength": 60},
    )


def new_password_field(label=None):
    return PasswordField(
        label or _l("Password"),
        validators=[
            DataRequired(message=_l("Please choose a password.")),
            Length(
                min=MIN_LENGTH,
                max=MAX_LENGTH,
                message=_l("Use between 10 and 128 characters."),
            ),
        ],
        description=_l("At least 10 characters. Avoid common passwords."),
        render_kw={"autocomplete": "new-password"},
    )


def confirm_password_field():
    return PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(message=_l("Please repeat your password.")),
            EqualTo("password", message=_l("The two passwords do not match.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


def language_field():
    return SelectField(
        _l("Preferred language"),
        choices=language_choices(),
        validators=[DataRequired(message=_l("Please choose a language."))],
        description=_l("We write to you in this language."),
    )


class RegisterForm(FlaskForm):
    email = email_field()
    display_name = display_name_field()
    password = new_password_field()
    confirm = confirm_password_field()
    language = language_field()
    municipality = MunicipalityField(_l("Home municipality (optional)"))
    accept_rules = BooleanField(
        _l("I accept the participation rules"),
        validators=[
            DataRequired(message=_l("Please accept the participation rules to create an account."))
        ],
    )


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Please enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in on this device"))


class EmailForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password = new_password_field(_l("New password"))
    confirm = confirm_password_field()


class ProfileForm(FlaskForm):
    display_name = display_name_field()
    language = language_field()
    municipality = MunicipalityField(_l("Home municipality (optional)"))


class ChangeEmailForm(FlaskForm):
    email = email_field(_l("New email address"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Please enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )
    password = new_password_field(_l("New password"))
    confirm = confirm_password_field()


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(message=_l("Please enter your password to confirm."))],
        render_kw={"autocomplete": "current-password"},
    )
    confirm = BooleanField(
        _l("I understand that my account will be deleted and cannot be recovered."),
        validators=[DataRequired(message=_l("Please tick the box to confirm."))],
    )


class ConfirmActionForm(FlaskForm):
    """A form with only its CSRF token: logout, resend a link."""
