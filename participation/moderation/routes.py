"""Moderation views: the queue, one page per item and per user, the actions,
the log, and the citizens' report form. Thin: parse -> permission -> service in
`transaction()` -> redirect."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from participation.extensions import db, limiter
from participation.forms import choices
from participation.models import Comment, Idea, User
from participation.moderation import bp
from participation.moderation.forms import (
    ActionForm,
    DuplicateForm,
    HideForm,
    LogFilterForm,
    NoteForm,
    RejectForm,
    ReportForm,
    SanctionForm,
)
from participation.parsing import page_number, parse_id
from participation.permissions import (
    Decision,
    can_moderate,
    can_moderate_item,
    can_report,
    can_sanction_user,
    can_view_idea,
    can_view_moderation_log,
)
from participation.security import render_error
from participation.services import DomainError
from participation.services import consultations as consultation_service
from participation.services import moderation as service
from participation.services import reports as report_service
from participation.services import translations as translation_service
from participation.templating import format_datetime
from participation.urls import query_pairs
from participation.vocabulary import (
    Denial,
    ModerationActionKind,
    TargetType,
)
from participation.web import public_idea_url, transaction

QUEUE_PER_PAGE = 30
LOG_PER_PAGE = 50


def _require_moderator() -> None:
    if not can_moderate(current_user):
        abort(403)


def _own_content_refused():
    return render_error(
        403,
        _("You cannot moderate your own content: another moderator must decide about it."),
    )


def idea_url(idea_id: int) -> str:
    return public_idea_url(idea_id)


def comment_url(comment: Comment) -> str:
    return idea_url(comment.idea_id) + f"#comment-{comment.id}"


# --- Queue --------------------------------------------------------------------------


@bp.route("/")
@login_required
def queue():
    _require_moderator()
    page = page_number(request.args.get("page"))
    pending = db.paginate(
        service.pending_ideas_query(), page=max(page, 1), per_page=QUEUE_PER_PAGE, error_out=False
    )
    revisions = service.revision_counts([idea.id for idea in pending.items])
    reported = service.reported_items()
    texts, texts_total = consultation_service.pending_texts_queue()
    return render_template(
        "moderation/queue.html",
        pending=pending,
        revisions=revisions,
        reported=reported,
        texts=texts,
        texts_total=texts_total,
        translations=translation_service.pending_translations(),
        approve_form=ActionForm(),
    )


# --- One item: an idea or a comment ------------------------------------------------------


def _load_item(kind: str, item_id: int) -> Idea | Comment:
    item = service.load_item(TargetType.IDEA if kind == "ideas" else TargetType.COMMENT, item_id)
    if item is None:
        abort(404)
    return item


def _item_page(kind: str, item: Idea | Comment, status: int = 200, **forms):
    idea = item if kind == "ideas" else db.session.get(Idea, item.idea_id)
    defaults = {
        "approve_form": ActionForm(formdata=None),
        "reject_form": RejectForm(formdata=None),
        "hide_form": HideForm(formdata=None),
        "keep_form": HideForm(formdata=None, prefix="keep"),
        "restore_form": NoteForm(formdata=None, prefix="restore"),
        "dismiss_form": NoteForm(formdata=None, prefix="dismiss"),
        "duplicate_form": DuplicateForm(formdata=None),
    }
    defaults.update(forms)
    # Errors that belong to no field (e.g. "no longer waiting for review"), shown
    # even when the form they came from is no longer offered.
    action_errors = [e for f in forms.values() for e in f.form_errors]
    return (
        render_template(
            "moderation/item.html",
            kind=kind,
            item=item,
            idea=idea,
            own=not can_moderate_item(current_user, item),
            reports=service.open_reports(item),
            history=service.item_history(
                TargetType.IDEA if kind == "ideas" else TargetType.COMMENT, item.id
            ),
            revisions=service.idea_revisions(item) if kind == "ideas" else [],
            action_errors=action_errors,
            **defaults,
        ),
        status,
    )


@bp.route("/<any(ideas, comments):kind>/<int:item_id>")
@login_required
def item(kind: str, item_id: int):
    _require_moderator()
    return _item_page(kind, _load_item(kind, item_id))


# What each verb needs: its form (and prefix), which kinds it applies to.
VERBS = {
    "approve": (ActionForm, None, ("ideas",)),
    "reject": (RejectForm, None, ("ideas",)),
    "hide": (HideForm, None, ("ideas", "comments")),
    "keep-hidden": (HideForm, "keep", ("ideas", "comments")),
    "restore": (NoteForm, "restore", ("ideas", "comments")),
    "dismiss": (NoteForm, "dismiss", ("ideas", "comments")),
    "duplicate": (DuplicateForm, None, ("ideas",)),
}
FORM_NAMES = {
    "approve": "approve_form",
    "reject": "reject_form",
    "hide": "hide_form",
    "keep-hidden": "keep_form",
    "restore": "restore_form",
    "dismiss": "dismiss_form",
    "duplicate": "duplicate_form",
}


def _perform(verb: str, item: Idea | Comment, form) -> str:
    """Call the service for `verb`; returns the confirmation message."""
    data = form.data
    if verb == "approve":
        service.approve_idea(current_user, item)
        return _("The idea is published. Its author has been told.")
    if verb == "reject":
        service.reject_idea(current_user, item, data["reason"], data["text"])
        return _("The idea is rejected. Its author has been told why.")
    if verb == "hide":
        service.hide_item(current_user, item, data["reason"], data["text"])
        return _("It is hidden. The public now sees a placeholder.")
    if verb == "keep-hidden":
        service.keep_hidden(current_user, item, data["reason"], data["text"])
        return _("It stays hidden, and its reports are settled.")
    if verb == "restore":
        service.restore_item(current_user, item, data["text"])
        return _("It is visible again.")
    if verb == "dismiss":
        count = service.dismiss_reports(current_user, item, data["text"])
        return ngettext(
            "%(num)s report dismissed. It stays as it is.",
            "%(num)s reports dismissed. It stays as it is.",
            count,
        )
    original = parse_id(data["original_id"])
    service.mark_duplicate(current_user, item, original, data["text"])
    return _(
        "The idea is marked as a duplicate and closed to support. Its supporters have been told."
    )


@bp.route("/<any(ideas, comments):kind>/<int:item_id>/<verb>", methods=["POST"])
@login_required
def act(kind: str, item_id: int, verb: str):
    _require_moderator()
    if verb not in VERBS or kind not in VERBS[verb][2]:
        abort(404)
    item = _load_item(kind, item_id)
    if not can_moderate_item(current_user, item):
        return _own_content_refused()
    form_class, prefix, _kinds = VERBS[verb]
    form = form_class(prefix=prefix) if prefix else form_class()
    if form.validate_on_submit():
        with transaction(form) as outcome:
            message = _perform(verb, item, form)
        if not outcome.failed:
            flash(message, "success")
            if verb in ("approve", "reject"):
                return redirect(url_for("moderation.queue"))
            return redirect(url_for("moderation.item", kind=kind, item_id=item.id))
        item = _load_item(kind, item_id)
    return _item_page(kind, item, 400, **{FORM_NAMES[verb]: form})


# --- Users: suspend, ban, lift ---------------------------------------------------------------


def _load_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.is_deleted:
        abort(404)
    return user


def _user_page(user: User, status: int = 200, sanction_form=None, lift_form=None):
    return (
        render_template(
            "moderation/user.html",
            user=user,
            history=service.user_history(user, LOG_PER_PAGE),
            sanction_form=sanction_form or SanctionForm(formdata=None),
            lift_form=lift_form or NoteForm(formdata=None, prefix="lift"),
            allowed=can_sanction_user(current_user, user),
            action_errors=[e for f in (sanction_form, lift_form) if f for e in f.form_errors],
        ),
        status,
    )


@bp.route("/users/<int:user_id>")
@login_required
def user(user_id: int):
    _require_moderator()
    return _user_page(_load_user(user_id))


def _refuse_sanction(decision: Decision):
    if decision.reason == Denial.OWN_ACCOUNT:
        return render_error(403, _("You cannot suspend or ban yourself."))
    return render_error(
        403, _("Only an administrator can suspend or ban a moderator or an official.")
    )


@bp.route("/users/<int:user_id>/sanction", methods=["POST"])
@login_required
def sanction(user_id: int):
    _require_moderator()
    target = _load_user(user_id)
    decision = can_sanction_user(current_user, target)
    if not decision:
        return _refuse_sanction(decision)
    form = SanctionForm()
    if form.validate_on_submit():
        data = form.data
        with transaction(form) as outcome:
            if data["kind"] == ModerationActionKind.BAN:
                service.ban_user(
                    current_user, target, data["reason"], data["text"], data["hide_content"]
                )
                message = _("The account is banned.")
            elif data["kind"] == ModerationActionKind.SUSPEND:
                until = service.suspend_user(
                    current_user,
                    target,
                    data["days"],
                    data["reason"],
                    data["text"],
                    data["hide_content"],
                )
                message = _("The account is suspended until %(date)s.", date=format_datetime(until))
            else:
                raise DomainError(_("Please choose suspend or ban."), field="kind")
        if not outcome.failed:
            flash(message, "success")
            return redirect(url_for("moderation.user", user_id=target.id))
        target = _load_user(user_id)
    return _user_page(target, 400, sanction_form=form)


@bp.route("/users/<int:user_id>/lift", methods=["POST"])
@login_required
def lift(user_id: int):
    _require_moderator()
    target = _load_user(user_id)
    decision = can_sanction_user(current_user, target)
    if not decision:
        return _refuse_sanction(decision)
    form = NoteForm(prefix="lift")
    if form.validate_on_submit():
        with transaction(form) as outcome:
            service.lift_sanction(current_user, target, form.text.data)
        if not outcome.failed:
            flash(_("The suspension or ban is lifted. They can log in again."), "success")
            return redirect(url_for("moderation.user", user_id=target.id))
        target = _load_user(user_id)
    return _user_page(target, 400, lift_form=form)


# --- The log ----------------------------------------------------------------------------------


@bp.route("/log")
@login_required
def log():
    if not can_view_moderation_log(current_user):
        abort(403)
    form = LogFilterForm(request.args)
    staff = service.staff_members()
    form.actor.choices = choices(
        [("", _("Everyone")), ("0", _("System (automatic)"))]
        + [(str(u.id), u.display_name or str(u.id)) for u in staff]
    )
    valid = form.validate()
    action = form.action.data if form.action.data in ModerationActionKind.values() else None
    actor = parse_id(form.actor.data) if form.actor.data else None
    page = page_number(request.args.get("page"))
    query = service.log_query(
        action=action,
        actor_id=actor,
        date_from=form.date_from.data if valid else None,
        date_to=form.date_to.data if valid else None,
    )
    entries = db.paginate(query, page=max(page, 1), per_page=LOG_PER_PAGE, error_out=False)
    args = query_pairs(drop={"page"})
    return (
        render_template(
            "moderation/log.html",
            form=form,
            entries=entries,
            filter_args=args,
            details_of=service.details_of,
        ),
        200 if valid else 400,
    )


# --- Reports (citizens) ---------------------------------------------------------


def _report_target(kind: str, item_id: int) -> tuple[Idea | Comment, Idea]:
    """The item and its idea if this visitor may see them, else 404 (never reveal
    pending ideas)."""
    found = report_service.load_target(TargetType(kind), item_id)
    if found is None or not can_view_idea(current_user, found[1]):
        abort(404)
    return found


def _back_url(kind: str, item: Idea | Comment) -> str:
    return idea_url(item.id) if kind == TargetType.IDEA else comment_url(item)


def _report_page(kind: str, item, status: int, **context):
    context.setdefault("form", None)
    context.setdefault("blocked", None)
    return (
        render_template(
            "moderation/report.html",
            kind=kind,
            item=item,
            back_url=_back_url(kind, item),
            **context,
        ),
        status,
    )


@bp.route("/report/<any(idea, comment):kind>/<int:item_id>", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["RATE_LIMIT_WRITE"], methods=["POST"])
def report(kind: str, item_id: int):
    item, idea = _report_target(kind, item_id)
    decision = can_report(current_user, item, idea)
    if decision.reason == Denial.NOT_VISIBLE:
        abort(404)
    if not decision:
        return _report_page(kind, item, 403, blocked=decision.message)
    already = report_service.has_reported(current_user, item)
    form = ReportForm()
    if request.method == "POST" and form.validate_on_submit():
        with transaction(form) as outcome:
            result = report_service.report_item(
                current_user, item, form.reason.data, form.details.data
            )
        if not outcome.failed:
            if result.created:
                flash(_("Thank you. The moderators will look at your report."), "success")
            else:
                flash(_("You have already reported this. The moderators will look at it."), "info")
            return redirect(_back_url(kind, item))
    status = 400 if form.is_submitted() else 200
    return _report_page(kind, item, status, form=form, already=already)
