"""Official forms: they check shape only; the service checks the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length

from participation.forms import choices, optional_int
from participation.services.officials import RESPONSE_MAX
from participation.vocabulary import OfficialStatus


def _response_length() -> Length:
    return Length(
        max=RESPONSE_MAX,
        message=_l("The response can have at most %(max)d characters.", max=RESPONSE_MAX),
    )


class StatusForm(FlaskForm):
    status = SelectField(
        _l("New official status"),
        # Validated by the service, so that a value outside the list gets a clear message.
        validate_choice=False,
    )
    # One text per language; the `lang` attribute gives each its spelling checker.
    response_fr = TextAreaField(
        _l("Public response in French"),
        validators=[_response_length()],
        description=_l(
            "Shown to everyone on the idea page and sent to its author and supporters, "
            "each in their language. French and Dutch are both required when there is "
            "a response, and always for “Accepted” and “Not retained”."
        ),
        render_kw={"rows": 7, "maxlength": RESPONSE_MAX, "lang": "fr"},
    )
    response_nl = TextAreaField(
        _l("Public response in Dutch"),
        validators=[_response_length()],
        render_kw={"rows": 7, "maxlength": RESPONSE_MAX, "lang": "nl"},
    )
    response_en = TextAreaField(
        _l("Public response in English (optional)"),
        validators=[_response_length()],
        description=_l("Without it, English readers see the French text."),
        render_kw={"rows": 5, "maxlength": RESPONSE_MAX, "lang": "en"},
    )

    def responses(self) -> dict[str, str]:
        return {
            "fr": self.response_fr.data or "",
            "nl": self.response_nl.data or "",
            "en": self.response_en.data or "",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = choices(
            [("", str(_l("Choose a status")))]
            + [(value, str(label)) for value, label in OfficialStatus.choices()]
        )


class DashboardFilterForm(FlaskForm):
    """GET filters: they stay in the URL, so a view can be bookmarked and shared."""

    class Meta:
        csrf = False

    challenge = SelectField(_l("Challenge"), coerce=optional_int)
    municipality = SelectField(_l("Municipality"), coerce=optional_int)
    period = SelectField(
        _l("Period"),
        default="all",
        choices=choices(
            [
                ("all", _l("All time")),
                ("30d", _l("Last 30 days")),
                ("7d", _l("Last 7 days")),
            ]
        ),
    )

    def set_choices(self, challenges, municipalities, language: str) -> None:
        self.challenge.choices = choices(
            [("", str(_l("All challenges")))] + [(c.id, c.name(language)) for c in challenges]
        )
        self.municipality.choices = choices(
            [("", str(_l("All municipalities")))]
            + [(m.id, m.name(language)) for m in municipalities]
        )
