"""Official forms: they check shape only; the service checks the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, ValidationError

from participation.forms import choices
from participation.services.browse import WHOLE_REGION
from participation.services.officials import DEFAULT_PERIOD, RESPONSE_MAX
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


class SlugField(SelectField):
    """A filter given by its readable slug, as in the public list's URLs; a
    value outside the list gets `invalid` (the page answers 400)."""

    def __init__(self, label=None, invalid=None, **kwargs):
        super().__init__(label, **kwargs)
        self.invalid = invalid

    def pre_validate(self, form):
        if self.data and self.data not in {c.value for c in self.choices}:
            raise ValidationError(str(self.invalid))


class DashboardFilterForm(FlaskForm):
    """GET filters: they stay in the URL, so a view can be bookmarked and shared.
    Challenges and municipalities by slug, as in the public list (?challenge=safe,
    ?municipality=ixelles or =region for the ideas about the whole Region)."""

    class Meta:
        csrf = False

    challenge = SlugField(
        _l("Challenge"), invalid=_l("There is no such challenge. Choose one from the list.")
    )
    municipality = SlugField(
        _l("Municipality"),
        invalid=_l("There is no such municipality. Choose one of the 19 from the list."),
    )
    period = SelectField(
        _l("Period"),
        # Not "all time" by default: supports in the period would equal the total.
        default=DEFAULT_PERIOD,
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
            [("", str(_l("All challenges")))] + [(c.slug, c.name(language)) for c in challenges]
        )
        self.municipality.choices = choices(
            [("", str(_l("All municipalities"))), (WHOLE_REGION, str(_l("The whole Region")))]
            + [(m.slug, m.name(language)) for m in municipalities]
        )
