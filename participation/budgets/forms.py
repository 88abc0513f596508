"""Budget forms: they check shape only; the service checks the rules."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional

from participation.forms import MunicipalityField, choices, date_in_range, language_choices
from participation.services.budgets import RoundInput
from participation.vocabulary import BallotRule, Feasibility, Language, OutcomeRule

_WHOLE = _l("Please give a whole number.")


def _start(day) -> datetime | None:
    return datetime.combine(day, time()) if day else None


class RoundForm(FlaskForm):
    title_fr = StringField(_l("Title in French"))
    title_nl = StringField(_l("Title in Dutch"))
    title_en = StringField(_l("Title in English (optional)"))
    description_fr = TextAreaField(_l("Description in French"), render_kw={"rows": 5})
    description_nl = TextAreaField(_l("Description in Dutch"), render_kw={"rows": 5})
    description_en = TextAreaField(_l("Description in English (optional)"), render_kw={"rows": 5})
    municipality_id = MunicipalityField(_l("Scope"), empty_label=_l("The whole Region"))
    total_amount = IntegerField(
        _l("Total amount (euros)"),
        validators=[InputRequired(message=_WHOLE), NumberRange(min=1, message=_WHOLE)],
    )
    submission_opens_at = DateField(
        _l("Project submission opens on"), validators=[InputRequired(), date_in_range]
    )
    review_opens_at = DateField(
        _l("Feasibility review opens on"), validators=[InputRequired(), date_in_range]
    )
    voting_opens_at = DateField(_l("Voting opens on"), validators=[InputRequired(), date_in_range])
    voting_closes_at = DateField(
        _l("Last day of voting"),
        description=_l("Voting closes at the end of this day; the results follow."),
        validators=[InputRequired(), date_in_range],
    )
    ballot_rule = SelectField(
        _l("Ballot"), choices=choices(BallotRule.choices()), validate_choice=False
    )
    min_share = IntegerField(
        _l("Budget ballot: least share of the budget to spend (percent)"),
        default=0,
        validators=[Optional()],
    )
    max_choices = IntegerField(
        _l("Approval ballot: most projects a voter may choose"), validators=[Optional()]
    )
    outcome_rule = SelectField(
        _l("Official outcome rule"),
        choices=choices(OutcomeRule.choices()),
        validate_choice=False,
        description=_l("Both rules are always computed and shown side by side."),
    )

    def to_input(self) -> RoundInput:
        closes = self.voting_closes_at.data
        return RoundInput(
            title_fr=self.title_fr.data or "",
            title_nl=self.title_nl.data or "",
            title_en=self.title_en.data or "",
            description_fr=self.description_fr.data or "",
            description_nl=self.description_nl.data or "",
            description_en=self.description_en.data or "",
            municipality_id=self.municipality_id.data,
            total_amount=self.total_amount.data,
            submission_opens_at=_start(self.submission_opens_at.data),
            review_opens_at=_start(self.review_opens_at.data),
            voting_opens_at=_start(self.voting_opens_at.data),
            voting_closes_at=_start(closes + timedelta(days=1)) if closes else None,
            ballot_rule=self.ballot_rule.data,
            min_share=self.min_share.data,
            max_choices=self.max_choices.data,
            outcome_rule=self.outcome_rule.data,
        )


class ProjectForm(FlaskForm):
    title = StringField(_l("Title"), render_kw={"maxlength": 150})
    description = TextAreaField(
        _l("Description"),
        description=_l("What would be done, where, and for whom."),
        render_kw={"rows": 8, "maxlength": 5000},
    )
    language = SelectField(_l("Language of your text"), validate_choice=False)
    challenge = SelectField(_l("Challenge"), validate_choice=False)
    municipality = MunicipalityField(_l("Municipality"), empty_label=_l("The whole Region"))
    # Optional translations (the one in the text's own language is ignored).
    title_fr = StringField(_l("Title in French"), render_kw={"maxlength": 150})
    description_fr = TextAreaField(_l("Description in French"), render_kw={"rows": 4})
    title_nl = StringField(_l("Title in Dutch"), render_kw={"maxlength": 150})
    description_nl = TextAreaField(_l("Description in Dutch"), render_kw={"rows": 4})
    title_en = StringField(_l("Title in English"), render_kw={"maxlength": 150})
    description_en = TextAreaField(_l("Description in English"), render_kw={"rows": 4})

    def translations(self) -> dict[str, tuple[str, str]]:
        return {
            lang: (
                getattr(self, f"title_{lang}").data or "",
                getattr(self, f"description_{lang}").data or "",
            )
            for lang in Language.values()
        }

    def set_choices(self, challenges, language: str) -> None:
        self.language.choices = language_choices()
        self.challenge.choices = choices(
            [("", str(_l("None in particular")))]
            + [(str(c.id), c.name(language)) for c in challenges]
        )


class ReviewForm(FlaskForm):
    feasibility = SelectField(
        _l("Verdict"),
        choices=choices(Feasibility.choices((Feasibility.FEASIBLE, Feasibility.NOT_FEASIBLE))),
        validate_choice=False,
    )
    cost = IntegerField(
        _l("Cost estimate (euros)"),
        validators=[Optional(), NumberRange(min=1, message=_WHOLE)],
    )
    reason_fr = TextAreaField(
        _l("Public reason in French"),
        description=_l("Required when the project is not feasible."),
        render_kw={"rows": 4},
    )
    reason_nl = TextAreaField(_l("Public reason in Dutch"), render_kw={"rows": 4})


class BallotForm(FlaskForm):
    """Only the CSRF token: the chosen projects are read as a list of ids."""


class CountForm(FlaskForm):
    """Only the CSRF token."""


class PhaseForm(FlaskForm):
    """Only the CSRF token: start the next phase now."""


class FromIdeaForm(FlaskForm):
    idea_id = StringField(
        _l("Number of the published idea"),
        description=_l("The number at the end of the idea's address, as in /ideas/123."),
        render_kw={"inputmode": "numeric"},
    )
