"""Admin views: list and search users, change a role (never one's own); the
outgoing mail queue."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select

from participation.admin import bp
from participation.extensions import db
from participation.forms import apply_domain_error, page_number
from participation.models import User
from participation.models.accounts import ROLES
from participation.moderation.forms import ActionForm, RoleForm, UserSearchForm
from participation.permissions import can_change_role, can_manage_outbox, can_manage_roles
from participation.security import render_error
from participation.services import DomainError
from participation.services import moderation as service
from participation.services import outbox as outbox_service

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
    query = select(User).where(User.deleted_at.is_(None))
    if form.status.data == "sanctioned":
        query = service.sanctioned_users_query().where(User.deleted_at.is_(None))
    else:
        query = query.order_by(User.created_at.desc(), User.id.desc())
    search = (form.q.data or "").strip()[:254]
    if search:
        like = f"%{search.lower()}%"
        query = query.where(
            or_(func.lower(User.display_name).like(like), func.lower(User.email).like(like))
        )
    if form.role.data in ROLES:
        query = query.where(User.role == form.role.data)
    page = page_number(request.args.get("page"))
    users = db.paginate(query, page=max(page, 1), per_page=USERS_PER_PAGE, error_out=False)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return (
        render_template(
            "admin/users.html",
            form=form,
            users=users,
            filter_args=args,
            role_form=RoleForm(formdata=None),
            role_errors=role_errors or {},
            sanctioned=form.status.data == "sanctioned",
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
        try:
            service.change_role(current_user, target, form.role.data)
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "%(name)s is now: %(role)s.",
                    name=target.display_name,
                    role=_role_label(target.role),
                ),
                "success",
            )
            return redirect(url_for("admin.users"))
    errors = [*form.role.errors, *form.form_errors]
    if form.csrf_token.errors:
        errors.append(_("Your form has expired. Please send it again."))
    return _users_page(400, {user_id: errors})


def _role_label(role: str) -> str:
    from participation.moderation.forms import ROLE_LABELS

    return str(ROLE_LABELS[role])


# --- Outgoing mail --------------------------------------------------------------------


def _require_outbox_admin() -> None:
    if not can_manage_outbox(current_user):
        abort(403)


@bp.route("/outbox")
@login_required
def outbox():
    """Messages waiting to be sent and messages that failed, with a retry button."""
    _require_outbox_admin()
    view = outbox_service.queue_view(current_user)
    return render_template("admin/outbox.html", view=view, form=ActionForm())


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@login_required
def outbox_retry(message_id: int):
    _require_outbox_admin()
    form = ActionForm()
    if not form.validate_on_submit():
        return render_error(400, _("Your form has expired. Please send it again."))
    try:
        outbox_service.retry(current_user, message_id)
    except DomainError as error:
        db.session.rollback()
        if error.code == "not_found":
            abort(404)
        flash(error.message, "error")
        return redirect(url_for("admin.outbox"))
    db.session.commit()
    flash(_("The message will be sent again."), "success")
    return redirect(url_for("admin.outbox"))
