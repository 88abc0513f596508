"""Thin views: parse the form, check permission, call the service in `transaction()`,
redirect."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from participation.notifications import bp
from participation.notifications.forms import (
    EMAIL_HELP,
    MarkReadForm,
    PreferencesForm,
    UnsubscribeForm,
)
from participation.parsing import page_number
from participation.services import notifications as service
from participation.vocabulary import EmailGroup
from participation.web import transaction


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
    idea_id = notification.idea_id
    with transaction():
        service.mark_read(current_user, notification)
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
    with transaction():
        service.mark_all_read(current_user)
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
    with transaction(form) as outcome:
        service.save_preferences(
            current_user, **{group: getattr(form, group).data for group in EmailGroup.values()}
        )
    if outcome.failed:
        return render_template("notifications/preferences.html", form=form, help=EMAIL_HELP), 400
    flash(_("Your email choices have been saved."), "success")
    return redirect(url_for("notifications.preferences"))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """Works without logging in: the signed token says who and which emails."""
    with transaction(flash_errors=False) as outcome:
        found = service.read_unsubscribe_token(token)
    if outcome.error is not None:
        return (
            render_template("notifications/unsubscribe_error.html", message=outcome.error.message),
            400,
        )
    form = UnsubscribeForm()
    preference = service.preferences_for(found.user)
    context = {
        "form": form,
        "token": token,
        "group": found.group,
        "group_label": EmailGroup(found.group).label,
        "already": not preference.allows(found.group),
        "all_off": not any(preference.allows(g) for g in EmailGroup.values()),
    }
    if request.method == "GET":
        return render_template("notifications/unsubscribe.html", **context)
    if not form.validate_on_submit():
        return render_template("notifications/unsubscribe.html", **context), 400
    everything = form.scope.data == "all"
    with transaction():
        service.unsubscribe(token, everything=everything)
    if everything:
        flash(_("You will no longer receive notification emails."), "success")
    else:
        flash(
            _(
                "You will no longer receive emails about: %(group)s.",
                group=EmailGroup(found.group).label,
            ),
            "success",
        )
    return redirect(url_for("notifications.unsubscribe", token=token))
