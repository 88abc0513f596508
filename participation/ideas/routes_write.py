"""Proposing, editing and withdrawing ideas, and discussing them.

Each view: parse -> ask permissions.py -> call the service in `transaction()` ->
redirect. A refused permission shows why (`web.refusal`)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from participation.extensions import limiter
from participation.i18n import current_language
from participation.ideas import bp
from participation.ideas.forms import CommentForm, IdeaForm, WithdrawForm
from participation.ideas.routes_read import SIMILAR_QUERY_MAX, detail_page
from participation.permissions import (
    can_comment,
    can_delete_comment,
    can_edit_comment,
    can_edit_idea,
    can_propose,
    can_withdraw_idea,
)
from participation.sanitize import render_markdown
from participation.services import comments as comment_service
from participation.services import ideas as service
from participation.services.search import similar_ideas
from participation.services.supports import supported_ids
from participation.vocabulary import CommentStatus, Denial, IdeaStatus
from participation.web import PARTICIPATION_DENIALS, idea_or_404, refusal, transaction

SIMILAR_LIMIT = 5


def _write_limit():
    return limiter.limit(lambda: current_app.config["RATE_LIMIT_WRITE"], methods=["POST"])


# --- Propose --------------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@login_required
@_write_limit()
def new():
    decision = can_propose(current_user)
    if not decision:
        return refusal(decision, "propose")
    form = IdeaForm()
    if request.method == "GET":
        form.language.data = current_language()
        return render_template("ideas/new.html", form=form)
    action = request.form.get("action", "submit")
    valid = form.validate_on_submit()
    if action == "preview" or not valid:
        return _new_page(form, preview=action == "preview", status=200 if valid else 400)
    with transaction(form) as outcome:
        idea = service.propose_idea(
            current_user, form.to_input(), current_app.config["IDEAS_PREMODERATION"]
        )
    if outcome.failed:
        return _new_page(form, preview=False, status=400)
    if idea.status == IdeaStatus.PENDING:
        flash(
            _(
                "Thank you! Your idea has been received. A moderator will review it soon; "
                "until then only you can see it."
            ),
            "success",
        )
    else:
        flash(_("Thank you! Your idea is published."), "success")
    flash(
        _("You can add your idea in the other languages now: “Translate my idea” on this page."),
        "info",
    )
    return redirect(url_for("ideas.detail", idea_id=idea.id))


def _new_page(form: IdeaForm, preview: bool, status: int):
    text = f"{form.title.data or ''} {form.body.data or ''}"[:SIMILAR_QUERY_MAX]
    similar = similar_ideas(text, limit=SIMILAR_LIMIT) if preview else []
    return (
        render_template(
            "ideas/new.html",
            form=form,
            preview=preview,
            preview_html=render_markdown(form.body.data or "") if preview else None,
            similar=similar,
            supported=supported_ids(current_user, [i.id for i in similar]),
        ),
        status,
    )


# --- Lifecycle ------------------------------------------------------------------


@bp.route("/<int:idea_id>/edit", methods=["GET", "POST"])
@login_required
@_write_limit()
def edit(idea_id: int):
    idea = idea_or_404(idea_id)
    decision = can_edit_idea(current_user, idea)
    if decision.reason == Denial.NOT_AUTHOR:
        abort(403)
    if not decision:
        if decision.reason in PARTICIPATION_DENIALS:
            return refusal(decision, "edit")
        return refusal(decision)
    form = IdeaForm(obj=None)
    if request.method == "GET":
        form.title.data = idea.title
        form.body.data = idea.body_source
        form.challenge.data = idea.challenge_id
        form.municipality.data = idea.municipality_id
        form.language.data = idea.language
        return render_template("ideas/edit.html", form=form, idea=idea)
    if not form.validate_on_submit():
        return render_template("ideas/edit.html", form=form, idea=idea), 400
    with transaction(form) as outcome:
        service.edit_idea(current_user, idea, form.to_input())
    if outcome.failed:
        return render_template("ideas/edit.html", form=form, idea=idea), 400
    flash(_("Your changes are saved. The previous version is kept."), "success")
    return redirect(url_for("ideas.detail", idea_id=idea.id))


@bp.route("/<int:idea_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(idea_id: int):
    """GET: a page that says what withdrawing means (and to how many
    supporters) with a confirm button; POST with confirm=yes: withdraw. A POST
    without it (an old form, a mistaken click) withdraws nothing and shows the
    confirmation page. No JavaScript needed."""
    idea = idea_or_404(idea_id)
    decision = can_withdraw_idea(current_user, idea)
    if decision.reason == Denial.NOT_AUTHOR:
        abort(403)
    if idea.status == IdeaStatus.WITHDRAWN:
        flash(_("This idea is already withdrawn."), "info")
        return redirect(url_for("ideas.detail", idea_id=idea.id))
    if not decision:
        abort(403)
    form = WithdrawForm()
    if request.method == "GET" or not form.validate_on_submit():
        status = 200 if request.method == "GET" else 400
        return render_template("ideas/withdraw.html", idea=idea, form=form), status
    with transaction() as outcome:
        service.withdraw_idea(current_user, idea)
    if not outcome.failed:
        flash(_("Your idea is withdrawn. It stays visible, marked as withdrawn."), "success")
    return redirect(url_for("ideas.detail", idea_id=idea.id))


# --- Comments -------------------------------------------------------------------


@bp.route("/<int:idea_id>/comments", methods=["POST"])
@login_required
@_write_limit()
def comment(idea_id: int):
    idea = idea_or_404(idea_id)
    decision = can_comment(current_user, idea)
    if not decision:
        flash(decision.message, "error")
        return redirect(url_for("ideas.detail", idea_id=idea.id, _anchor="comments"))
    form = CommentForm()
    parent_id = form.parent_id.data
    if not form.validate_on_submit():
        return detail_page(idea, comment_form=form, reply_to=parent_id, status=400)
    with transaction(form) as outcome:
        new_comment = comment_service.add_comment(
            current_user, idea, form.body.data, parent_id=parent_id, language=form.language.data
        )
    if outcome.failed:
        return detail_page(idea, comment_form=form, reply_to=parent_id, status=400)
    flash(_("Your comment is published."), "success")
    return redirect(url_for("ideas.detail", idea_id=idea.id, _anchor=f"comment-{new_comment.id}"))


def _own_comment_or_404(idea, comment_id: int):
    found = comment_service.get_comment(idea, comment_id)
    if found is None or found.status != CommentStatus.VISIBLE:
        abort(404)
    if can_delete_comment(current_user, found).reason == Denial.NOT_AUTHOR:
        abort(403)
    return found


@bp.route("/<int:idea_id>/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
@_write_limit()
def edit_comment(idea_id: int, comment_id: int):
    idea = idea_or_404(idea_id)
    found = _own_comment_or_404(idea, comment_id)
    decision = can_edit_comment(current_user, found)
    if not decision:
        return refusal(decision, "edit_comment")
    form = CommentForm()
    if request.method == "GET":
        form.body.data = found.body_source
        form.language.data = found.language
        return render_template("ideas/edit_comment.html", form=form, idea=idea, comment=found)
    if not form.validate_on_submit():
        return render_template("ideas/edit_comment.html", form=form, idea=idea, comment=found), 400
    with transaction(form) as outcome:
        comment_service.edit_comment(current_user, found, form.body.data, form.language.data)
    if outcome.failed:
        return render_template("ideas/edit_comment.html", form=form, idea=idea, comment=found), 400
    flash(_("Your comment is updated."), "success")
    return redirect(url_for("ideas.detail", idea_id=idea.id, _anchor=f"comment-{found.id}"))


@bp.route("/<int:idea_id>/comments/<int:comment_id>/delete", methods=["POST"])
@login_required
def delete_comment(idea_id: int, comment_id: int):
    idea = idea_or_404(idea_id)
    found = _own_comment_or_404(idea, comment_id)
    with transaction() as outcome:
        comment_service.delete_comment(current_user, found)
    if not outcome.failed:
        flash(_("Your comment is deleted."), "success")
    return redirect(url_for("ideas.detail", idea_id=idea.id, _anchor="comments"))
