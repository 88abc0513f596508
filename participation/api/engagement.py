"""Participatory budgets and consultations in the API: rounds with their
projects and, once counted, their results; consultations with their results
once the permission verb lets a visitor read them. Never who voted or
answered: only counts, and a count of people under the small-cell threshold
is null (then the consultation's results are withheld altogether)."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate
from sqlalchemy import select

from participation.api import (
    PUBLIC,
    RESOURCES,
    api_language,
    bp,
    json_response,
    operation,
    parse_args,
    utc,
)
from participation.api.routes import municipality_ref
from participation.api.schemas import LanguageArgs, MunicipalityRefSchema, Out, _required
from participation.extensions import db
from participation.models import BudgetProject
from participation.permissions import can_view_consultation, can_view_consultation_results
from participation.services import budgets, consultations
from participation.services.statistics import SMALL_CELL, protected
from participation.urls import public_url
from participation.vocabulary import (
    ConsultationState,
    Feasibility,
    OutcomeRule,
    QuestionKind,
    RoundPhase,
)

RESOURCES += [("budgets", "api.budgets"), ("consultations", "api.consultations")]

PEOPLE = f"null when fewer than {SMALL_CELL} (small-cell protection)"


# --- Schemas ---------------------------------------------------------------------------


class ProjectSchema(Out):
    id = _required(fields.Integer())
    title = _required(fields.String())
    description = _required(fields.String(metadata={"description": "Plain text"}))
    cost = _required(fields.Integer(allow_none=True, metadata={"description": "Euros"}))
    feasibility = _required(fields.String(validate=validate.OneOf(Feasibility.values())))
    feasibility_label = _required(fields.String())
    votes = _required(
        fields.Integer(allow_none=True, metadata={"description": "null until counted"})
    )
    funded = _required(
        fields.Boolean(
            allow_none=True,
            metadata={"description": "By the round's own rule; null until counted"},
        )
    )


class RoundSchema(Out):
    id = _required(fields.Integer())
    url = _required(fields.String())
    title = _required(fields.String())
    description = _required(fields.String())
    municipality = _required(
        fields.Nested(
            MunicipalityRefSchema, allow_none=True, metadata={"description": "null: the Region"}
        )
    )
    total_amount = _required(fields.Integer(metadata={"description": "Euros"}))
    phase = _required(fields.String(validate=validate.OneOf(RoundPhase.values())))
    phase_label = _required(fields.String())
    submission_opens_at = _required(fields.DateTime())
    voting_opens_at = _required(fields.DateTime())
    voting_closes_at = _required(fields.DateTime())
    outcome_rule = _required(fields.String(validate=validate.OneOf(OutcomeRule.values())))
    counted_at = _required(fields.DateTime(allow_none=True))
    ballots = _required(fields.Integer(allow_none=True, metadata={"description": PEOPLE}))
    projects = _required(fields.List(fields.Nested(ProjectSchema)))


class RoundListSchema(Out):
    data = _required(fields.List(fields.Nested(RoundSchema)))


class OptionResultSchema(Out):
    label = _required(fields.String())
    count = _required(fields.Integer())
    percent = _required(fields.Integer())


class ScaleResultSchema(Out):
    value = _required(fields.Integer())
    count = _required(fields.Integer())
    percent = _required(fields.Integer())


class QuestionResultSchema(Out):
    text = _required(fields.String())
    kind = _required(fields.String(validate=validate.OneOf(QuestionKind.values())))
    answers = _required(fields.Integer(metadata={"description": "People who answered it"}))
    options = _required(fields.List(fields.Nested(OptionResultSchema)))
    scale = _required(fields.List(fields.Nested(ScaleResultSchema)))
    average = _required(fields.Float(allow_none=True))


class ConsultationSchema(Out):
    id = _required(fields.Integer())
    url = _required(fields.String())
    title = _required(fields.String())
    intro = _required(fields.String())
    municipality = _required(fields.Nested(MunicipalityRefSchema, allow_none=True))
    state = _required(fields.String(validate=validate.OneOf(ConsultationState.values())))
    opens_at = _required(fields.DateTime())
    closes_at = _required(fields.DateTime())
    respondents = _required(fields.Integer(allow_none=True, metadata={"description": PEOPLE}))
    results = _required(
        fields.List(
            fields.Nested(QuestionResultSchema),
            allow_none=True,
            metadata={
                "description": "null until a visitor may read them (after closing, or live "
                f"if so chosen) and while fewer than {SMALL_CELL} people answered; free-text "
                "answers are not included"
            },
        )
    )


class ConsultationListSchema(Out):
    data = _required(fields.List(fields.Nested(ConsultationSchema)))


# --- Views -----------------------------------------------------------------------------


def round_data(budget_round, projects: list[BudgetProject]) -> dict[str, Any]:
    language = api_language()
    counted = budget_round.counted_at is not None
    return {
        "id": budget_round.id,
        "url": public_url("budgets.round_page", round_id=budget_round.id, lang_code=language),
        "title": budget_round.title(language),
        "description": budget_round.description(language),
        "municipality": municipality_ref(budget_round.municipality),
        "total_amount": budget_round.total_amount,
        "phase": budget_round.phase,
        "phase_label": RoundPhase.label_of(budget_round.phase),
        "submission_opens_at": utc(budget_round.submission_opens_at),
        "voting_opens_at": utc(budget_round.voting_opens_at),
        "voting_closes_at": utc(budget_round.voting_closes_at),
        "outcome_rule": budget_round.outcome_rule,
        "counted_at": utc(budget_round.counted_at),
        "ballots": protected(budget_round.ballot_count) if counted else None,
        "projects": [
            {
                "id": p.id,
                "title": p.title,
                "description": p.description,
                "cost": p.cost,
                "feasibility": p.feasibility,
                "feasibility_label": Feasibility.label_of(p.feasibility),
                "votes": p.vote_count if counted else None,
                "funded": p.funded_by(budget_round.outcome_rule) if counted else None,
            }
            for p in projects
        ],
    }


@bp.route("/budgets", endpoint="budgets")
@operation(
    _l("Participatory budget rounds, their projects and, once counted, their results"),
    RoundListSchema,
    query=LanguageArgs,
    example="/api/v1/budgets?lang=en",
    endpoint="budgets",
)
def budgets_view():
    parse_args(LanguageArgs)
    rounds = budgets.rounds()
    projects: dict[int, list[BudgetProject]] = {r.id: [] for r in rounds}
    if rounds:
        for project in db.session.scalars(
            select(BudgetProject)
            .where(BudgetProject.round_id.in_(list(projects)))
            .order_by(BudgetProject.vote_count.desc(), BudgetProject.id)
        ):
            projects[project.round_id].append(project)
    return json_response(RoundListSchema, {"data": [round_data(r, projects[r.id]) for r in rounds]})


def consultation_data(consultation, with_results: bool) -> dict[str, Any]:
    language = api_language()
    respondents = protected(consultation.respondent_count)
    data: dict[str, Any] = {
        "id": consultation.id,
        "url": public_url(
            "consultations.detail", consultation_id=consultation.id, lang_code=language
        ),
        "title": consultation.title(language),
        "intro": consultation.intro(language),
        "municipality": municipality_ref(consultation.municipality),
        "state": consultation.state(),
        "opens_at": utc(consultation.opens_at),
        "closes_at": utc(consultation.closes_at),
        "respondents": respondents,
    }
    data["results"] = None
    if (
        with_results
        and respondents is not None
        and can_view_consultation_results(PUBLIC, consultation)
    ):
        found = consultations.results(consultation, language, with_texts=False)
        data["results"] = [
            dict(
                text=q.question.text(language),
                kind=q.question.kind,
                answers=q.n,
                options=[
                    {"label": o.option.label(language), "count": o.count, "percent": o.percent}
                    for o in q.options
                ],
                scale=[{"value": v, "count": c, "percent": p} for v, c, p in q.scale],
                average=q.average,
            )
            for q in found.questions
        ]
    return data


@bp.route("/consultations", endpoint="consultations")
@operation(
    _l("Consultations open or closed (results on each consultation's own address)"),
    ConsultationListSchema,
    query=LanguageArgs,
    example="/api/v1/consultations?lang=fr",
    endpoint="consultations",
)
def consultations_view():
    parse_args(LanguageArgs)
    groups = consultations.listing(include_upcoming=False)
    rows = [c for state in groups.values() for c in state if can_view_consultation(PUBLIC, c)]
    return json_response(
        ConsultationListSchema, {"data": [consultation_data(c, False) for c in rows]}
    )


@bp.route("/consultations/<int:consultation_id>")
@operation(
    _l("One consultation with its results, once they may be read"),
    ConsultationSchema,
    query=LanguageArgs,
    path_params={"consultation_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}},
    errors=(400, 404, 429),
    example="/api/v1/consultations/1",
)
def consultation(consultation_id: int):
    parse_args(LanguageArgs)
    found = consultations.load(consultation_id)
    if found is None or not can_view_consultation(PUBLIC, found):
        abort(404)
    return json_response(ConsultationSchema, consultation_data(found, True))
