"""Admin views: list and search users, change a role (never one's own); the
outgoing mail queue."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from participation.admin import bp
from participation.admin.forms import SANCTIONED, RoleForm, UserSearchForm
from participation.extensions import db
from participation.models import OutboxMessage, User
from participation.moderation.forms import ActionForm
from participation.parsing import page_number
from participation.permissions import can_change_role, can_manage_outbox, can_manage_roles
from participation.security import render_error
from participation.services import accounts as account_service
from participation.services import moderation as service
from participation.services import outbox as outbox_service
from participation.urls import query_pairs
from participation.vocabulary import Role
from participation.web import refusal, transaction

USERS_PER_PAGE = 50


def _require_admin() -> None:
    if not can_manage_roles(current_user):
        abort(403)


@bp.route("/")
@login_required
def index():
    _require_admin()
    return redirect(url_for("admin.users"))


def _users_page(status: int = 200, role_errors: dict | None = None):
    form = UserSearchForm(request.args)
    sanctioned = form.status.data == SANCTIONED
    query = account_service.user_search_query(
        text=form.q.data,
        role=form.role.data if form.role.data in Role.values() else None,
        sanctioned=sanctioned,
    )
    page = page_number(request.args.get("page"))
    users = db.paginate(query, page=max(page, 1), per_page=USERS_PER_PAGE, error_out=False)
    args = query_pairs(drop={"page"})
    return (
        render_template(
            "admin/users.html",
            form=form,
            users=users,
            filter_args=args,
            role_form=RoleForm(formdata=None),
            role_errors=role_errors or {},
            sanctioned=sanctioned,
        ),
        status,
    )


@bp.route("/users")
@login_required
def users():
    _require_admin()
    return _users_page()


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@login_required
def change_role(user_id: int):
    _require_admin()
    target = db.session.get(User, user_id)
    if target is None or target.is_deleted:
        abort(404)
    if not can_change_role(current_user, target):
        return render_error(403, _("You cannot change your own role."))
    form = RoleForm()
    if form.validate_on_submit():
        with transaction(form) as outcome:
            service.change_role(current_user, target, form.role.data)
        if not outcome.failed:
            flash(
                _(
                    "%(name)s is now: %(role)s.",
                    name=target.display_name,
                    role=Role.label_of(target.role),
                ),
                "success",
            )
            return redirect(url_for("admin.users"))
    errors = [*form.role.errors, *form.form_errors]
    if form.csrf_token.errors:
        errors.append(_("Your form has expired. Please send it again."))
    return _users_page(400, {user_id: errors})


# --- Outgoing mail --------------------------------------------------------------------


@bp.route("/outbox")
@login_required
def outbox():
    """Messages waiting to be sent and messages that failed, with a retry button."""
    decision = can_manage_outbox(current_user)
    if not decision:
        return refusal(decision)
    view = outbox_service.queue_view(current_user)
    return render_template("admin/outbox.html", view=view, form=ActionForm())


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@login_required
def outbox_retry(message_id: int):
    decision = can_manage_outbox(current_user)
    if not decision:
        return refusal(decision)
    form = ActionForm()
    if not form.validate_on_submit():
        return render_error(400, _("Your form has expired. Please send it again."))
    if db.session.get(OutboxMessage, message_id) is None:
        abort(404)
    with transaction() as outcome:
        outbox_service.retry(current_user, message_id)
    if not outcome.failed:
        flash(_("The message will be sent again."), "success")
    return redirect(url_for("admin.outbox"))
