"""Thin views: parse the form, check permission, call the service, commit, redirect."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from participation.extensions import db
from participation.forms import page_number
from participation.models.notifications import EMAIL_GROUPS
from participation.notifications import bp
from participation.notifications.forms import (
    EMAIL_HELP,
    MarkReadForm,
    PreferencesForm,
    UnsubscribeForm,
)
from participation.services import DomainError
from participation.services import notifications as service


@bp.route("/")
@login_required
def index():
    page = service.list_for(current_user, page_number(request.args.get("page")))
    return render_template(
        "notifications/index.html",
        page=page,
        form=MarkReadForm(),
        describe=service.describe,
        idea_title=service.idea_title_for,
    )


@bp.route("/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id: int):
    form = MarkReadForm()
    if not form.validate_on_submit():
        abort(400)
    notification = service.get_own(current_user, notification_id)
    if notification is None:
        abort(404)
    service.mark_read(current_user, notification)
    idea_id = notification.idea_id
    db.session.commit()
    if form.open.data and idea_id:
        return redirect(url_for("ideas.detail", idea_id=idea_id))
    flash(_("The notification is marked as read."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/read-all", methods=["POST"])
@login_required
def mark_all_read():
    form = MarkReadForm()
    if not form.validate_on_submit():
        abort(400)
    service.mark_all_read(current_user)
    db.session.commit()
    flash(_("All your notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    current = service.preferences_for(current_user)
    form = PreferencesForm(obj=current if request.method == "GET" else None)
    if request.method == "GET" or not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("notifications/preferences.html", form=form, help=EMAIL_HELP), status
    service.save_preferences(
        current_user, **{group: getattr(form, group).data for group in EMAIL_GROUPS}
    )
    db.session.commit()
    flash(_("Your email choices have been saved."), "success")
    return redirect(url_for("notifications.preferences"))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """Works without logging in: the signed token says who and which emails."""
    try:
        found = service.read_unsubscribe_token(token)
    except DomainError as error:
        return render_template("notifications/unsubscribe_error.html", message=error.message), 400
    form = UnsubscribeForm()
    preference = service.preferences_for(found.user)
    context = {
        "form": form,
        "token": token,
        "group": found.group,
        "group_label": service.GROUP_LABELS[found.group],
        "already": not preference.allows(found.group),
        "all_off": not any(preference.allows(g) for g in EMAIL_GROUPS),
    }
    if request.method == "GET":
        return render_template("notifications/unsubscribe.html", **context)
    if not form.validate_on_submit():
        return render_template("notifications/unsubscribe.html", **context), 400
    everything = form.scope.data == "all"
    service.unsubscribe(token, everything=everything)
    db.session.commit()
    if everything:
        flash(_("You will no longer receive notification emails."), "success")
    else:
        flash(
            _("You will no longer receive emails about: %(group)s.", group=found_label(found)),
            "success",
        )
    return redirect(url_for("notifications.unsubscribe", token=token))


def found_label(found) -> str:
    return str(service.GROUP_LABELS[found.group])
