"""Thin views: parse, ask permission, call the service in `transaction()`, redirect."""

from __future__ import annotations

import secrets

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from participation import jobs
from participation.budgets import bp, charts
from participation.budgets.forms import (
    BallotForm,
    CountForm,
    FromIdeaForm,
    PhaseForm,
    ProjectForm,
    ReviewForm,
    RoundForm,
)
from participation.extensions import csrf
from participation.i18n import current_language
from participation.models.base import utcnow
from participation.parsing import parse_id
from participation.permissions import (
    can_change_phase,
    can_count_budget,
    can_manage_budgets,
    can_review_project,
    can_submit_project,
    can_vote_budget,
)
from participation.services import budgets as service
from participation.services import places
from participation.services.budgets import BallotRefused
from participation.vocabulary import Feasibility
from participation.web import refusal, transaction


def _round_or_404(round_id: int):
    budget_round = service.load_round(round_id)
    if budget_round is None:
        abort(404)
    return budget_round


def _project_or_404(budget_round, project_id: int):
    project = service.load_project(budget_round, project_id)
    if project is None:
        abort(404)
    return project


def _visitor_seed() -> int:
    """A random seed kept in the visitor's session: their project order stays put."""
    seed = session.get("budget_seed")
    if not isinstance(seed, int):
        seed = secrets.randbelow(2**31)
        session["budget_seed"] = seed
    return seed


@bp.route("/")
def index():
    receipts = service.receipts_of(current_user) if current_user.is_authenticated else []
    return render_template("budgets/index.html", rounds=service.rounds(), receipts=receipts)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_round():
    decision = can_manage_budgets(current_user)
    if not decision:
        return refusal(decision)
    form = RoundForm()
    if request.method == "GET":
        return render_template("budgets/round_form.html", form=form)
    if not form.validate_on_submit():
        return render_template("budgets/round_form.html", form=form), 400
    with transaction(form) as outcome:
        budget_round = service.create_round(current_user, form.to_input())
    if outcome.failed:
        return render_template("budgets/round_form.html", form=form), 400
    flash(_("The budget round has been created."), "success")
    return redirect(url_for("budgets.round_page", round_id=budget_round.id))


@bp.route("/<int:round_id>")
def round_page(round_id: int, from_idea_form=None, status: int = 200):
    budget_round = _round_or_404(round_id)
    now = utcnow()
    challenge_id = parse_id(request.args.get("challenge"))
    municipality_id = parse_id(request.args.get("municipality"))
    projects = service.shuffled(
        service.projects_of(
            budget_round, challenge_id=challenge_id, municipality_id=municipality_id
        ),
        _visitor_seed() + round_id,
    )
    manager = bool(can_manage_budgets(current_user))
    return render_template(
        "budgets/round.html",
        budget_round=budget_round,
        phase=budget_round.phase_at(now),
        now=now,
        projects=projects,
        challenges={c.id: c for c in places.challenges()},
        municipalities=places.municipalities(),
        filters={"challenge": challenge_id, "municipality": municipality_id},
        events=service.events_of(budget_round) if manager else [],
        from_idea_form=from_idea_form or (FromIdeaForm(formdata=None) if manager else None),
    ), status


@bp.route("/<int:round_id>/phase", methods=["POST"])
@login_required
def next_phase(round_id: int):
    budget_round = _round_or_404(round_id)
    decision = can_change_phase(current_user, budget_round)
    if not decision:
        return refusal(decision)
    if not PhaseForm().validate_on_submit():
        flash(_("Your form has expired. Please send it again."), "error")
        return redirect(url_for("budgets.round_page", round_id=round_id)), 400
    with transaction() as outcome:
        phase = service.advance_phase(current_user, budget_round)
    if not outcome.failed:
        flash(_("The round is now in its phase: %(phase)s.", phase=phase.label), "success")
    return redirect(url_for("budgets.round_page", round_id=round_id))


@bp.route("/<int:round_id>/projects/from-idea", methods=["POST"])
@login_required
def from_idea(round_id: int):
    budget_round = _round_or_404(round_id)
    decision = can_manage_budgets(current_user)
    if not decision:
        return refusal(decision)
    form = FromIdeaForm()
    if not form.validate_on_submit():
        return round_page(round_id, from_idea_form=form, status=400)
    with transaction(form) as outcome:
        project = service.project_from_idea(
            current_user, budget_round, parse_id((form.idea_id.data or "").strip().lstrip("#"))
        )
    if outcome.failed:
        return round_page(round_id, from_idea_form=form, status=400)
    flash(_("The idea is now a project of this round; its supporters have been told."), "success")
    return redirect(url_for("budgets.project", round_id=round_id, project_id=project.id))


@bp.route("/<int:round_id>/projects/new", methods=["GET", "POST"])
@login_required
def new_project(round_id: int):
    budget_round = _round_or_404(round_id)
    decision = can_submit_project(current_user, budget_round)
    if not decision:
        return refusal(decision)
    language = current_language()
    form = ProjectForm()
    form.set_choices(places.challenges(), language)
    if request.method == "GET":
        form.language.data = language
        return render_template("budgets/project_form.html", budget_round=budget_round, form=form)
    if not form.validate_on_submit():
        return render_template(
            "budgets/project_form.html", budget_round=budget_round, form=form
        ), 400
    with transaction(form) as outcome:
        project = service.submit_project(
            current_user,
            budget_round,
            form.title.data,
            form.description.data,
            form.language.data,
            parse_id(form.challenge.data) if form.challenge.data else None,
            form.municipality.data,
            translations=form.translations(),
        )
    if outcome.failed:
        return render_template(
            "budgets/project_form.html", budget_round=budget_round, form=form
        ), 400
    flash(
        _("Your project has been submitted. Officials will review its cost and feasibility."),
        "success",
    )
    return redirect(url_for("budgets.project", round_id=round_id, project_id=project.id))


@bp.route("/<int:round_id>/projects/<int:project_id>")
def project(round_id: int, project_id: int):
    budget_round = _round_or_404(round_id)
    item = _project_or_404(budget_round, project_id)
    return render_template(
        "budgets/project.html",
        budget_round=budget_round,
        project=item,
        challenges={c.id: c for c in places.challenges()},
        idea=service.idea_of(item),
    )


@bp.route("/<int:round_id>/projects/<int:project_id>/review", methods=["GET", "POST"])
@login_required
def review(round_id: int, project_id: int):
    budget_round = _round_or_404(round_id)
    item = _project_or_404(budget_round, project_id)
    decision = can_review_project(current_user, item)
    if not decision:
        return refusal(decision)
    form = ReviewForm()
    page = {"budget_round": budget_round, "project": item, "form": form}
    if request.method == "GET":
        form.cost.data = item.cost
        if item.feasibility != Feasibility.PENDING:
            form.feasibility.data = item.feasibility
        form.reason_fr.data = item.feasibility_reason_fr
        form.reason_nl.data = item.feasibility_reason_nl
        return render_template("budgets/review.html", **page)
    if not form.validate_on_submit():
        return render_template("budgets/review.html", **page), 400
    with transaction(form) as outcome:
        service.review_project(
            current_user,
            item,
            form.cost.data,
            form.feasibility.data,
            form.reason_fr.data,
            form.reason_nl.data,
        )
    if outcome.failed:
        item = _project_or_404(budget_round, project_id)
        return render_template("budgets/review.html", **{**page, "project": item}), 400
    flash(_("The review has been saved."), "success")
    return redirect(url_for("budgets.project", round_id=round_id, project_id=project_id))


def _ballot_page(budget_round, check, form, ballot=None, status=200, errors=()):
    projects = service.shuffled(check_projects(budget_round), _visitor_seed() + budget_round.id)
    return (
        render_template(
            "budgets/ballot.html",
            budget_round=budget_round,
            projects=projects,
            check=check,
            form=form,
            ballot=ballot,
            errors=list(errors),
            fits=service.fits,
        ),
        status,
    )


def check_projects(budget_round):
    return service.projects_of(budget_round, feasible_only=True)


@bp.route("/<int:round_id>/ballot", methods=["GET", "POST"])
@csrf.exempt  # checked below by BallotForm, so that a refused ballot keeps its choices
@login_required
def ballot(round_id: int):
    budget_round = _round_or_404(round_id)
    decision = can_vote_budget(current_user, budget_round)
    if not decision:
        return refusal(decision)
    form = BallotForm()
    on_ballot = check_projects(budget_round)
    if request.method == "GET":
        current = service.ballot_of(budget_round, current_user)
        chosen = service.choices_of(current)
        check = service.check_ballot(budget_round, [str(i) for i in sorted(chosen)], on_ballot)
        if not chosen:
            check.errors = []
        return _ballot_page(budget_round, check, form, ballot=current)
    raw = request.form.getlist("project")
    check = service.check_ballot(budget_round, raw, on_ballot)
    if not form.validate_on_submit():
        return _ballot_page(
            budget_round,
            check,
            form,
            status=400,
            errors=[_("Your form has expired. Please send it again.")],
        )
    if request.form.get("action") == "check":
        return _ballot_page(budget_round, check, form, status=400 if check.errors else 200)
    with transaction(flash_errors=False) as outcome:
        saved = service.cast_ballot(current_user, budget_round, raw)
    if outcome.failed:
        error = outcome.error
        if isinstance(error, BallotRefused):
            return _ballot_page(budget_round, error.check, form, status=400)
        return _ballot_page(budget_round, check, form, status=403, errors=[error.message])
    flash(
        _(
            "Your ballot is saved. Your receipt code is %(code)s: keep it to find your "
            "ballot in the published ballot file.",
            code=saved.receipt,
        ),
        "success",
    )
    return redirect(url_for("budgets.ballot", round_id=round_id))


@bp.route("/<int:round_id>/count", methods=["POST"])
@login_required
def count(round_id: int):
    budget_round = _round_or_404(round_id)
    decision = can_count_budget(current_user, budget_round)
    if not decision:
        return refusal(decision)
    form = CountForm()
    if not form.validate_on_submit():
        flash(_("Your form has expired. Please send it again."), "error")
        return redirect(url_for("budgets.round_page", round_id=round_id)), 400
    with transaction() as outcome:
        service.request_count(current_user, budget_round)
    if outcome.failed:
        return redirect(url_for("budgets.round_page", round_id=round_id))
    jobs.enqueue_count(current_app._get_current_object(), round_id, current_user.id)
    flash(_("The count has started. The results are published as soon as it is done."), "success")
    return redirect(url_for("budgets.round_page", round_id=round_id))


@bp.route("/<int:round_id>/results")
def results(round_id: int):
    budget_round = _round_or_404(round_id)
    if budget_round.counted_at is None:
        return render_template(
            "budgets/not_counted.html",
            budget_round=budget_round,
            phase=budget_round.phase,
            count_form=CountForm(),
        ), 404
    return render_template(
        "budgets/results.html", budget_round=budget_round, results=service.results(budget_round)
    )


@bp.route("/<int:round_id>/charts/<any(votes, budget):name>.svg")
def chart(round_id: int, name: str):
    budget_round = _round_or_404(round_id)
    if budget_round.counted_at is None:
        abort(404)
    data = service.results(budget_round)
    svg = (charts.votes_chart if name == "votes" else charts.budget_chart)(data)
    return Response(
        svg,
        mimetype="image/svg+xml",
        headers={
            # An SVG shown as an image runs no script; its own styles need this.
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
            "Cache-Control": "public, max-age=300",
        },
    )


@bp.route("/<int:round_id>/round.pb")
def export(round_id: int):
    budget_round = _round_or_404(round_id)
    if budget_round.counted_at is None:
        abort(404)
    body = service.export_pabulib(budget_round)
    return Response(
        body,
        mimetype="text/plain",
        headers={
            "Content-Type": "text/plain; charset=utf-8",
            "Content-Disposition": f'attachment; filename="budget-round-{round_id}.pb"',
        },
    )
