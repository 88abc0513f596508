"""Idea and comment forms: they check shape only; the services check the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, ValidationError

from participation.forms import MunicipalityField, choices, language_choices, optional_int
from participation.i18n import current_language
from participation.sanitize import clean_field
from participation.services import comments as comment_service
from participation.services import ideas as idea_service


def _strip(value):
    """Pasted text often carries spaces at either end, and sometimes control
    characters that no feed or export could carry (see sanitize.clean_field)."""
    return clean_field(value)


class ChallengeField(SelectField):
    """A required choice among the challenges, named in the page's language."""

    def __init__(self, label=None, **kwargs):
        kwargs.setdefault("coerce", optional_int)
        super().__init__(label, **kwargs)

    def _load(self):
        from participation.services.places import challenges

        lang = current_language()
        rows = challenges()
        self.choices = choices(
            [("", str(_l("Choose a challenge"))), *((c.id, c.name(lang)) for c in rows)]
        )

    def iter_choices(self):
        if not self.choices:
            self._load()
        yield from super().iter_choices()

    def pre_validate(self, form):
        if not self.choices:
            self._load()
        if self.data is None:
            raise ValidationError(str(_l("Please choose one of the four challenges.")))
        if self.data not in {c.value for c in self.choices}:
            raise ValidationError(str(_l("Please choose a challenge from the list.")))


class TextLanguageField(SelectField):
    def __init__(self, label=None, **kwargs):
        kwargs.setdefault("choices", language_choices())
        super().__init__(label, **kwargs)

    def pre_validate(self, form):
        if self.data not in {c.value for c in self.choices}:
            raise ValidationError(str(_l("Please choose French, Dutch or English.")))


class IdeaForm(FlaskForm):
    title = StringField(
        _l("Title"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Please give your idea a title.")),
            Length(
                min=idea_service.TITLE_MIN,
                max=idea_service.TITLE_MAX,
                message=_l("The title must have between %(min)d and %(max)d characters."),
            ),
        ],
        description=_l("Between 8 and 120 characters. Say what you propose, in a few words."),
        render_kw={"maxlength": idea_service.TITLE_MAX, "autocomplete": "off"},
    )
    body = TextAreaField(
        _l("Description"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Please describe your idea.")),
            Length(
                min=idea_service.BODY_MIN,
                max=idea_service.BODY_MAX,
                message=_l("The description must have between %(min)d and %(max)d characters."),
            ),
        ],
        description=_l(
            "Between 20 and 5,000 characters. Leave an empty line between paragraphs and "
            "start list items with a dash (-). Paste links as they are, or write "
            "[a link](https://example.be). *Emphasis* and **bold** work too."
        ),
        render_kw={"rows": 10, "maxlength": idea_service.BODY_MAX},
    )
    challenge = ChallengeField(_l("Challenge"))
    municipality = MunicipalityField(
        _l("Municipality"),
        empty_label=_l("The whole Region"),
        description=_l(
            "Where would it happen? Leave “The whole Region” if it concerns all of Brussels."
        ),
    )
    language = TextLanguageField(
        _l("Language of your text"),
        description=_l("Others can filter ideas by language."),
    )

    def to_input(self) -> idea_service.IdeaInput:
        return idea_service.IdeaInput(
            title=self.title.data or "",
            body=self.body.data or "",
            challenge_id=self.challenge.data,
            municipality_id=self.municipality.data,
            language=self.language.data or "",
        )


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Please write your comment.")),
            Length(
                min=comment_service.BODY_MIN,
                max=comment_service.BODY_MAX,
                message=_l("A comment has between %(min)d and %(max)d characters."),
            ),
        ],
        description=_l("Up to 2,000 characters. Be kind and stay on topic."),
        render_kw={"rows": 4, "maxlength": comment_service.BODY_MAX},
    )
    # By default the page's language; the writer may say they wrote in another.
    language = TextLanguageField(_l("Language of your comment"), default=current_language)
    parent_id = HiddenField(filters=[optional_int])


class WithdrawForm(FlaskForm):
    """The confirmation of a withdrawal: without confirm=yes, nothing happens."""

    confirm = HiddenField(
        validators=[
            AnyOf(["yes"], message=_l("Please confirm that you want to withdraw your idea."))
        ]
    )


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token (withdraw, delete, support)."""

    next = HiddenField()


class TranslationForm(FlaskForm):
    """An idea's title and description in another language (services/translations.py)."""

    language = TextLanguageField(_l("Language of the translation"))
    title = StringField(
        _l("Title"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Please give your idea a title.")),
            Length(
                min=idea_service.TITLE_MIN,
                max=idea_service.TITLE_MAX,
                message=_l("The title must have between %(min)d and %(max)d characters."),
            ),
        ],
        render_kw={"maxlength": idea_service.TITLE_MAX, "autocomplete": "off"},
    )
    body = TextAreaField(
        _l("Description"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Please describe your idea.")),
            Length(
                min=idea_service.BODY_MIN,
                max=idea_service.BODY_MAX,
                message=_l("The description must have between %(min)d and %(max)d characters."),
            ),
        ],
        description=_l(
            "Translate the whole description, without adding or leaving out anything. "
            "The same formatting works as in the original."
        ),
        render_kw={"rows": 10, "maxlength": idea_service.BODY_MAX},
    )
