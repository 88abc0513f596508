"""Admin forms: roles and the user search. They check shape only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from participation.forms import choices
from participation.vocabulary import Role

# The user search's status filter: suspended or banned accounts.
SANCTIONED = "sanctioned"


class RoleForm(FlaskForm):
    role = SelectField(
        _l("Role"),
        choices=choices(Role.choices()),
        validate_choice=False,
    )


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name or email address"), validators=[Optional(), Length(max=254)])
    role = SelectField(
        _l("Role"),
        choices=choices([("", _l("All roles")), *Role.choices()]),
        validate_choice=False,
    )
    status = SelectField(
        _l("Status"),
        choices=choices([("", _l("Everyone")), (SANCTIONED, _l("Suspended or banned"))]),
        validate_choice=False,
    )
