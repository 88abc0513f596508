"""Consultation forms for officials: they check shape only; the service checks the
rules. Residents answer with one plain HTML form that the service reads itself
(services.consultations.parse_answers)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from participation.forms import MunicipalityField, choices, optional_int
from participation.sanitize import clean_field
from participation.services import consultations as service
from participation.vocabulary import QuestionKind, ResultsVisibility

BRUSSELS = ZoneInfo("Europe/Brussels")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


def to_utc(value: datetime | None) -> datetime | None:
    """A time typed in Brussels, as the naive UTC the database keeps."""
    if value is None:
        return None
    return value.replace(tzinfo=BRUSSELS).astimezone(UTC).replace(tzinfo=None)


def to_brussels(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC).astimezone(BRUSSELS).replace(tzinfo=None)


def _text(label, limit: int, rows: int | None = None, hint=None):
    kwargs = {"filters": [clean_field], "description": hint or ""}
    if rows:
        return TextAreaField(label, render_kw={"rows": rows, "maxlength": limit}, **kwargs)
    return StringField(label, render_kw={"maxlength": limit}, **kwargs)


def _datetime(label):
    field = DateTimeLocalField(
        label, format=DATETIME_FORMATS, validators=[Optional()], description=_l("Brussels time.")
    )
    return field


class ConsultationForm(FlaskForm):
    title_fr = _text(_l("Title in French"), service.TITLE_MAX)
    title_nl = _text(_l("Title in Dutch"), service.TITLE_MAX)
    title_en = _text(_l("Title in English (optional)"), service.TITLE_MAX)
    intro_fr = _text(_l("Introduction in French"), service.INTRO_MAX, rows=4)
    intro_nl = _text(_l("Introduction in Dutch"), service.INTRO_MAX, rows=4)
    intro_en = _text(_l("Introduction in English (optional)"), service.INTRO_MAX, rows=4)
    opens_at = _datetime(_l("Opens on"))
    closes_at = _datetime(_l("Closes on"))
    municipality = MunicipalityField(
        _l("Who is asked"), empty_label=_l("The whole Region"), coerce=optional_int
    )
    results_visibility = SelectField(
        _l("Results"), choices=choices(ResultsVisibility.choices()), validate_choice=False
    )

    def to_input(self) -> service.ConsultationInput:
        return service.ConsultationInput(
            title_fr=self.title_fr.data or "",
            title_nl=self.title_nl.data or "",
            title_en=self.title_en.data or "",
            intro_fr=self.intro_fr.data or "",
            intro_nl=self.intro_nl.data or "",
            intro_en=self.intro_en.data or "",
            opens_at=to_utc(self.opens_at.data),
            closes_at=to_utc(self.closes_at.data),
            municipality_id=self.municipality.data,
            results_visibility=self.results_visibility.data or "",
        )

    def fill(self, consultation) -> None:
        for name in ("title", "intro"):
            for code in ("fr", "nl", "en"):
                key = f"{name}_{code}"
                getattr(self, key).data = getattr(consultation, key) or ""
        self.opens_at.data = to_brussels(consultation.opens_at)
        self.closes_at.data = to_brussels(consultation.closes_at)
        self.municipality.data = consultation.municipality_id
        self.results_visibility.data = consultation.results_visibility


class ClosingForm(FlaskForm):
    closes_at = _datetime(_l("Closes on"))


class QuestionForm(FlaskForm):
    kind = SelectField(
        _l("Kind of question"), choices=choices(QuestionKind.choices()), validate_choice=False
    )
    required = BooleanField(_l("An answer is required"), default=True)
    text_fr = _text(_l("Question in French"), service.QUESTION_MAX)
    text_nl = _text(_l("Question in Dutch"), service.QUESTION_MAX)
    text_en = _text(_l("Question in English (optional)"), service.QUESTION_MAX)
    options_fr = _text(
        _l("Options in French"),
        4000,
        rows=5,
        hint=_l("One option per line. Not needed for a scale or a free text."),
    )
    options_nl = _text(_l("Options in Dutch"), 4000, rows=5, hint=_l("The same lines, in Dutch."))
    options_en = _text(_l("Options in English (optional)"), 4000, rows=5)
    max_choices = StringField(
        _l("At most this many choices (optional)"),
        description=_l(
            "Multiple choice: how many options one may tick. Ranking: how many to order."
        ),
        render_kw={"inputmode": "numeric", "maxlength": 3},
    )
    dont_know = BooleanField(_l("Add “I do not know”"))
    none_of_these = BooleanField(_l("Add “None of these”"))
    low_label_fr = _text(_l("Scale: label of 1, in French"), service.SCALE_LABEL_MAX)
    low_label_nl = _text(_l("Scale: label of 1, in Dutch"), service.SCALE_LABEL_MAX)
    low_label_en = _text(_l("Scale: label of 1, in English (optional)"), service.SCALE_LABEL_MAX)
    high_label_fr = _text(_l("Scale: label of 5, in French"), service.SCALE_LABEL_MAX)
    high_label_nl = _text(_l("Scale: label of 5, in Dutch"), service.SCALE_LABEL_MAX)
    high_label_en = _text(_l("Scale: label of 5, in English (optional)"), service.SCALE_LABEL_MAX)

    def to_input(self) -> service.QuestionInput:
        raw = (self.max_choices.data or "").strip()
        max_choices = None
        if raw:
            max_choices = int(raw) if raw.isdigit() and raw.isascii() and len(raw) < 4 else 0
        values = {
            name: getattr(self, name).data or ""
            for name in (
                "text_fr",
                "text_nl",
                "text_en",
                "options_fr",
                "options_nl",
                "options_en",
                "low_label_fr",
                "low_label_nl",
                "low_label_en",
                "high_label_fr",
                "high_label_nl",
                "high_label_en",
            )
        }
        return service.QuestionInput(
            kind=self.kind.data or "",
            required=bool(self.required.data),
            max_choices=max_choices,
            dont_know=bool(self.dont_know.data),
            none_of_these=bool(self.none_of_these.data),
            **values,
        )


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token."""
