"""Proposing, editing, withdrawing, reading and discussing ideas."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from participation.extensions import db, limiter
from participation.forms import apply_domain_error, page_number, parse_id
from participation.i18n import current_language
from participation.ideas import bp
from participation.ideas.forms import ActionForm, CommentForm, IdeaForm
from participation.permissions import (
    can_comment,
    can_edit_comment,
    can_edit_idea,
    can_view_idea,
    can_withdraw_idea,
    is_author,
    participation_block_reason,
    support_block_reason,
)
from participation.sanitize import render_markdown
from participation.security import render_error
from participation.services import DomainError
from participation.services import comments as comment_service
from participation.services import ideas as service
from participation.services.search import similar_ideas
from participation.services.supports import has_supported, supported_ids

SIMILAR_LIMIT = 5


@bp.app_context_processor
def _idea_helpers():
    """Templates ask the same permission module why an action is unavailable."""
    return {
        "support_block_reason": support_block_reason,
        "participation_block_reason": participation_block_reason,
    }


SIMILAR_QUERY_MAX = 2000


def _write_limit():
    return limiter.limit(lambda: current_app.config["RATE_LIMIT_WRITE"], methods=["POST"])


def _visible_idea_or_404(idea_id: int):
    """The idea if this visitor may see it; 404 otherwise (never reveal pending ideas)."""
    idea = service.load_idea(idea_id)
    if idea is None or not can_view_idea(current_user, idea):
        abort(404)
    return idea


def _blocked_page(reason: str, action: str):
    """A 403 page that says why the user cannot take part yet, and how to fix it."""
    return render_template("ideas/blocked.html", reason=reason, action=action), 403


# --- Propose --------------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@login_required
@_write_limit()
def new():
    reason = participation_block_reason(current_user)
    if reason:
        return _blocked_page(reason, "propose")
    form = IdeaForm()
    if request.method == "GET":
        form.language.data = current_language()
        return render_template("ideas/new.html", form=form)
    action = request.form.get("action", "submit")
    valid = form.validate_on_submit()
    if action == "preview" or not valid:
        return _new_page(form, preview=action == "preview", status=200 if valid else 400)
    try:
        idea = service.propose_idea(
            current_user, form.to_input(), current_app.config["IDEAS_PREMODERATION"]
        )
    except DomainError as error:
        db.session.rollback()
        apply_domain_error(form, error)
        return _new_page(form, preview=False, status=400)
    db.session.commit()
    if idea.status == "pending":
        flash(
            _(
                "Thank you! Your idea has been received. A moderator will review it soon; "
                "until then only you can see it."
            ),
            "success",
        )
    else:
        flash(_("Thank you! Your idea is published."), "success")
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


@bp.route("/similar")
def similar():
    """Published ideas like the text being written (for the proposal form's script)."""
    text = (request.args.get("q") or "")[:SIMILAR_QUERY_MAX]
    exclude = parse_id(request.args.get("exclude"))
    ideas = similar_ideas(text, limit=SIMILAR_LIMIT, exclude_id=exclude)
    return jsonify(
        # The same list as the preview step, with a support button per idea.
        html=render_template(
            "ideas/_similar_list.html",
            similar=ideas,
            supported=supported_ids(current_user, [i.id for i in ideas]),
            preview=True,
        ),
        ideas=[
            {
                "id": idea.id,
                "title": idea.title,
                "url": url_for("ideas.detail", idea_id=idea.id),
                "support_count": idea.support_count,
                "support_label": _support_label(idea.support_count),
            }
            for idea in ideas
        ],
    )


def _support_label(count: int) -> str:
    from flask_babel import format_decimal, ngettext

    return ngettext("%(count)s support", "%(count)s supports", count, count=format_decimal(count))


# --- Read -----------------------------------------------------------------------


@bp.route("/<int:idea_id>")
def detail(idea_id: int):
    idea = _visible_idea_or_404(idea_id)
    return _detail_page(idea)


def _detail_page(idea, comment_form=None, reply_to=None, status: int = 200):
    """The idea page: a fixed number of queries (idea, comments, the visitor's support)."""
    show_text = idea.status != "hidden" or is_author(current_user, idea)
    discussion = None
    if idea.status in ("published", "withdrawn"):
        discussion = comment_service.threads(idea, page=page_number(request.args.get("comments")))
    threads = discussion.threads if discussion else []
    reply_form = None
    if comment_form is not None and reply_to is not None:
        # Errors of a reply show in that reply's form, if its thread is still there.
        if any(t.comment.id == reply_to and not t.is_placeholder for t in threads):
            reply_form, comment_form = comment_form, None
        else:
            reply_to = None
    return (
        render_template(
            "ideas/detail.html",
            idea=idea,
            show_text=show_text,
            threads=threads,
            discussion=discussion,
            supported=has_supported(current_user, idea),
            comment_form=comment_form or CommentForm(formdata=None),
            reply_form=reply_form,
            reply_to=reply_to,
        ),
        status,
    )


# --- Lifecycle ------------------------------------------------------------------


@bp.route("/<int:idea_id>/edit", methods=["GET", "POST"])
@login_required
@_write_limit()
def edit(idea_id: int):
    idea = _visible_idea_or_404(idea_id)
    if not is_author(current_user, idea):
        abort(403)
    if not can_edit_idea(current_user, idea):
        reason = participation_block_reason(current_user)
        if reason:
            return _blocked_page(reason, "edit")
        return render_error(
            403,
            _(
                "This idea can no longer be edited: once someone else supports it or an "
                "official answers it, its text stays as they read it. You can still "
                "withdraw it, or explain a change in a comment."
            ),
        )
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
    try:
        service.edit_idea(current_user, idea, form.to_input())
    except DomainError as error:
        db.session.rollback()
        apply_domain_error(form, error)
        return render_template("ideas/edit.html", form=form, idea=idea), 400
    db.session.commit()
    flash(_("Your changes are saved. The previous version is kept."), "success")
    return redirect(url_for("ideas.detail", idea_id=idea.id))


@bp.route("/<int:idea_id>/withdraw", methods=["POST"])
@login_required
def withdraw(idea_id: int):
    idea = _visible_idea_or_404(idea_id)
    if not is_author(current_user, idea):
        abort(403)
    if idea.status == "withdrawn":
        flash(_("This idea is already withdrawn."), "info")
        return redirect(url_for("ideas.detail", idea_id=idea.id))
    if not can_withdraw_idea(current_user, idea):
        abort(403)
    ActionForm().validate_on_submit()  # CSRF is checked for every POST already
    service.withdraw_idea(current_user, idea)
    db.session.commit()
    flash(_("Your idea is withdrawn. It stays visible, marked as withdrawn."), "success")
    return redirect(url_for("ideas.detail", idea_id=idea.id))


@bp.route("/mine")
@login_required
def mine():
    return render_template("ideas/mine.html", ideas=service.ideas_of(current_user))


# --- Comments -------------------------------------------------------------------


def _comment_block(idea):
    """Flash why this user cannot comment and send them back to the idea."""
    reason = participation_block_reason(current_user)
    messages = {
        "unconfirmed": _(
            "Please confirm your email address before commenting: follow the link we sent "
            "you, or ask for a new one on your account page."
        ),
        "suspended": _("Your account is suspended: you cannot comment for now."),
    }
    flash(messages.get(reason, _("Comments are closed on this idea.")), "error")
    return redirect(url_for("ideas.detail", idea_id=idea.id, _anchor="comments"))


@bp.route("/<int:idea_id>/comments", methods=["POST"])
@login_required
@_write_limit()
def comment(idea_id: int):
    idea = _visible_idea_or_404(idea_id)
    if not can_comment(current_user, idea):
        return _comment_block(idea)
    form = CommentForm()
    parent_id = form.parent_id.data
    if not form.validate_on_submit():
        return _detail_page(idea, comment_form=form, reply_to=parent_id, status=400)
    try:
        new_comment = comment_service.add_comment(
            current_user, idea, form.body.data, parent_id=parent_id
        )
    except DomainError as error:
        db.session.rollback()
        apply_domain_error(form, error)
        return _detail_page(idea, comment_form=form, reply_to=parent_id, status=400)
    db.session.commit()
    flash(_("Your comment is published."), "success")
    return redirect(url_for("ideas.detail", idea_id=idea.id, _anchor=f"comment-{new_comment.id}"))


def _own_comment_or_404(idea, comment_id: int):
    found = comment_service.get_comment(idea, comment_id)
    if found is None or found.status != "visible":
        abort(404)
    if not is_author(current_user, found):
        abort(403)
    return found


@bp.route("/<int:idea_id>/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
@_write_limit()
def edit_comment(idea_id: int, comment_id: int):
    idea = _visible_idea_or_404(idea_id)
    found = _own_comment_or_404(idea, comment_id)
    if not can_edit_comment(current_user, found):
        return render_error(
            403,
            _(
                "A comment can be changed during 15 minutes after it is posted. "
                "You can still delete it and write a new one."
            ),
        )
    form = CommentForm()
    if request.method == "GET":
        form.body.data = found.body_source
        return render_template("ideas/edit_comment.html", form=form, idea=idea, comment=found)
    if not form.validate_on_submit():
        return render_template("ideas/edit_comment.html", form=form, idea=idea, comment=found), 400
    try:
        comment_service.edit_comment(current_user, found, form.body.data)
    except DomainError as error:
        db.session.rollback()
        apply_domain_error(form, error)
        return render_template("ideas/edit_comment.html", form=form, idea=idea, comment=found), 400
    db.session.commit()
    flash(_("Your comment is updated."), "success")
    return redirect(url_for("ideas.detail", idea_id=idea.id, _anchor=f"comment-{found.id}"))


@bp.route("/<int:idea_id>/comments/<int:comment_id>/delete", methods=["POST"])
@login_required
def delete_comment(idea_id: int, comment_id: int):
    idea = _visible_idea_or_404(idea_id)
    found = _own_comment_or_404(idea, comment_id)
    comment_service.delete_comment(current_user, found)
    db.session.commit()
    flash(_("Your comment is deleted."), "success")
    return redirect(url_for("ideas.detail", idea_id=idea.id, _anchor="comments"))
