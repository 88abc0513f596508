"""Thin views: parse -> ask permissions.py -> call the service in `transaction()` ->
redirect. The answer form is one plain HTML form: no JavaScript needed."""

from __future__ import annotations

import json

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from participation.consultations import bp
from participation.consultations.charts import question_chart
from participation.consultations.downloads import answers_csv, results_csv, results_json
from participation.consultations.forms import (
    ActionForm,
    ClosingForm,
    ConsultationForm,
    QuestionForm,
    to_utc,
)
from participation.extensions import limiter
from participation.i18n import current_language
from participation.permissions import (
    can_answer_consultation,
    can_create_consultation,
    can_edit_consultation,
    can_moderate_consultation_texts,
    can_move_closing_date,
    can_view_consultation,
    can_view_consultation_results,
)
from participation.services import consultations as service
from participation.vocabulary import Denial
from participation.web import refusal, transaction


def _write_limit():
    return limiter.limit(lambda: current_app.config["RATE_LIMIT_WRITE"], methods=["POST"])


def consultation_or_404(consultation_id: int):
    consultation = service.load(consultation_id)
    if consultation is None or not can_view_consultation(current_user, consultation):
        abort(404)
    return consultation


# --- Finding ------------------------------------------------------------------------


@bp.route("/")
def index():
    groups = service.listing(include_upcoming=bool(can_create_consultation(current_user)))
    return render_template("consultations/index.html", groups=groups)


# --- Answering ----------------------------------------------------------------------


def _answer_page(consultation, answers=None, errors=None, message=None, status=200):
    answered = service.has_answered(current_user, consultation)
    return (
        render_template(
            "consultations/detail.html",
            consultation=consultation,
            questions=service.questions_of(consultation),
            answered=answered,
            decision=can_answer_consultation(current_user, consultation, answered),
            answers=answers if answers is not None else MultiDict(),
            errors=errors or {},
            message=message,
            rank_field=service.rank_field,
            text_max=service.TEXT_ANSWER_MAX,
        ),
        status,
    )


@bp.route("/<int:consultation_id>")
def detail(consultation_id: int):
    return _answer_page(consultation_or_404(consultation_id))


@bp.route("/<int:consultation_id>", methods=["POST"])
@login_required
@_write_limit()
def answer(consultation_id: int):
    consultation = consultation_or_404(consultation_id)
    form = ActionForm()
    answers = request.form
    if not form.validate_on_submit():
        message = _("Your form has expired. Please send it again.")
        return _answer_page(consultation, answers, message=message, status=400)
    decision = can_answer_consultation(
        current_user, consultation, service.has_answered(current_user, consultation)
    )
    if not decision:
        status = 409 if decision.reason == Denial.ALREADY_ANSWERED else 403
        return _answer_page(consultation, answers, message=decision.message, status=status)
    with transaction(flash_errors=False) as outcome:
        service.answer_consultation(current_user, consultation, answers)
    if outcome.error is not None:
        errors = getattr(outcome.error, "errors", {})
        status = 409 if outcome.error.code == Denial.ALREADY_ANSWERED else 400
        consultation = consultation_or_404(consultation_id)
        return _answer_page(consultation, answers, errors, outcome.error.message, status)
    flash(_("Thank you! Your answers have been recorded, anonymously."), "success")
    return redirect(url_for("consultations.detail", consultation_id=consultation_id))


# --- Results ------------------------------------------------------------------------


def _results_or_refusal(consultation_id: int):
    consultation = consultation_or_404(consultation_id)
    decision = can_view_consultation_results(current_user, consultation)
    if not decision:
        return consultation, None, refusal(decision)
    return consultation, service.results(consultation, current_language()), None


@bp.route("/<int:consultation_id>/results")
def results(consultation_id: int):
    consultation, outcome, refused = _results_or_refusal(consultation_id)
    if refused:
        return refused
    return render_template("consultations/results.html", consultation=consultation, results=outcome)


@bp.route("/<int:consultation_id>/results/<int:question_id>.svg")
def chart(consultation_id: int, question_id: int):
    _consultation, outcome, refused = _results_or_refusal(consultation_id)
    if refused:
        abort(refused[1])
    found = [q for q in outcome.questions if q.question.id == question_id]
    if not found:
        abort(404)
    svg = question_chart(found[0], current_language())
    if svg is None:
        abort(404)
    return Response(
        svg,
        mimetype="image/svg+xml",
        headers={
            # The chart's own styles are inside the SVG; nothing in it runs.
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
            "Cache-Control": "no-store",
        },
    )


def _download(body: bytes | str, mimetype: str, filename: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/<int:consultation_id>/results.csv")
def download_results(consultation_id: int):
    _consultation, outcome, refused = _results_or_refusal(consultation_id)
    if refused:
        return refused
    body = results_csv(outcome, current_language())
    return _download(body, "text/csv", f"consultation-{consultation_id}-results.csv")


@bp.route("/<int:consultation_id>/results.json")
def download_json(consultation_id: int):
    _consultation, outcome, refused = _results_or_refusal(consultation_id)
    if refused:
        return refused
    body = json.dumps(results_json(outcome, current_language()), ensure_ascii=False, indent=1)
    return _download(body, "application/json", f"consultation-{consultation_id}-results.json")


@bp.route("/<int:consultation_id>/answers.csv")
def download_answers(consultation_id: int):
    consultation, outcome, refused = _results_or_refusal(consultation_id)
    if refused:
        return refused
    body = answers_csv(consultation, current_language())
    return _download(body, "text/csv", f"consultation-{consultation_id}-answers.csv")


# --- Creating and editing (officials) ---------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@login_required
@_write_limit()
def new():
    decision = can_create_consultation(current_user)
    if not decision:
        return refusal(decision)
    form = ConsultationForm()
    if request.method == "GET":
        return render_template("consultations/new.html", form=form)
    if not form.validate_on_submit():
        return render_template("consultations/new.html", form=form), 400
    with transaction(form) as outcome:
        consultation = service.create_consultation(current_user, form.to_input())
    if outcome.failed:
        return render_template("consultations/new.html", form=form), 400
    flash(_("The consultation is saved. Now add its questions."), "success")
    return redirect(url_for("consultations.edit", consultation_id=consultation.id))


def _edit_page(consultation, form=None, closing=None, question_form=None, status=200):
    editable = can_edit_consultation(current_user, consultation)
    if form is None:
        form = ConsultationForm(formdata=None)
        form.fill(consultation)
    if closing is None:
        closing = ClosingForm(formdata=None)
        closing.closes_at.data = form.closes_at.data
    return (
        render_template(
            "consultations/edit.html",
            consultation=consultation,
            editable=editable,
            form=form,
            closing=closing,
            question_form=question_form or QuestionForm(formdata=None),
            questions=service.questions_of(consultation),
            events=service.events(consultation),
            action_form=ActionForm(),
        ),
        status,
    )


@bp.route("/<int:consultation_id>/edit", methods=["GET", "POST"])
@login_required
@_write_limit()
def edit(consultation_id: int):
    consultation = consultation_or_404(consultation_id)
    decision = can_move_closing_date(current_user, consultation)
    if not decision:
        return refusal(decision)
    if request.method == "GET":
        return _edit_page(consultation)
    if not can_edit_consultation(current_user, consultation):
        # After the first answer, only the closing date moves.
        closing = ClosingForm()
        if not closing.validate_on_submit():
            return _edit_page(consultation, closing=closing, status=400)
        with transaction(closing) as outcome:
            service.move_closing_date(current_user, consultation, to_utc(closing.closes_at.data))
        if outcome.failed:
            return _edit_page(consultation_or_404(consultation_id), closing=closing, status=400)
        flash(_("The closing date has been moved. The change is logged."), "success")
        return redirect(url_for("consultations.edit", consultation_id=consultation_id))
    form = ConsultationForm()
    if not form.validate_on_submit():
        return _edit_page(consultation, form=form, status=400)
    with transaction(form) as outcome:
        service.update_consultation(current_user, consultation, form.to_input())
    if outcome.failed:
        return _edit_page(consultation_or_404(consultation_id), form=form, status=400)
    flash(_("The consultation has been saved."), "success")
    return redirect(url_for("consultations.edit", consultation_id=consultation_id))


@bp.route("/<int:consultation_id>/questions", methods=["POST"])
@login_required
@_write_limit()
def add_question(consultation_id: int):
    consultation = consultation_or_404(consultation_id)
    decision = can_edit_consultation(current_user, consultation)
    if not decision:
        return refusal(decision)
    form = QuestionForm()
    if not form.validate_on_submit():
        return _edit_page(consultation, question_form=form, status=400)
    with transaction(form) as outcome:
        service.add_question(current_user, consultation, form.to_input())
    if outcome.failed:
        return _edit_page(consultation_or_404(consultation_id), question_form=form, status=400)
    flash(_("The question has been added."), "success")
    return redirect(url_for("consultations.edit", consultation_id=consultation_id))


@bp.route("/<int:consultation_id>/questions/<int:question_id>/delete", methods=["POST"])
@login_required
@_write_limit()
def remove_question(consultation_id: int, question_id: int):
    consultation = consultation_or_404(consultation_id)
    decision = can_edit_consultation(current_user, consultation)
    if not decision:
        return refusal(decision)
    if not ActionForm().validate_on_submit():
        abort(400)
    with transaction() as outcome:
        service.remove_question(current_user, consultation, question_id)
    if outcome.failed:
        abort(404)
    flash(_("The question has been removed."), "success")
    return redirect(url_for("consultations.edit", consultation_id=consultation_id))


# --- Moderating free text -------------------------------------------------------------


@bp.route("/<int:consultation_id>/texts")
@login_required
def texts(consultation_id: int):
    consultation = consultation_or_404(consultation_id)
    decision = can_moderate_consultation_texts(current_user)
    if not decision:
        return refusal(decision)
    questions = {q.id: q for q in service.questions_of(consultation)}
    return render_template(
        "consultations/texts.html",
        consultation=consultation,
        pending=service.pending_texts(consultation),
        questions=questions,
        form=ActionForm(),
    )


@bp.route("/<int:consultation_id>/texts/<string(length=32):text_id>", methods=["POST"])
@login_required
def moderate_text(consultation_id: int, text_id: str):
    consultation = consultation_or_404(consultation_id)
    decision = can_moderate_consultation_texts(current_user)
    if not decision:
        return refusal(decision)
    if not ActionForm().validate_on_submit():
        abort(400)
    action = request.form.get("action")
    if action not in ("approve", "reject"):
        abort(400)
    with transaction() as outcome:
        service.moderate_text(current_user, consultation, text_id, action == "approve")
    if outcome.failed:
        abort(404)
    flash(
        _("The answer is published.")
        if action == "approve"
        else _("The answer stays unpublished."),
        "success",
    )
    if request.form.get("back") == "queue":  # sent from the main moderation queue
        return redirect(url_for("moderation.queue") + "#texts-heading")
    return redirect(url_for("consultations.texts", consultation_id=consultation_id))
