"""Reviewing the translations participants offer: approve (published, with the
participant's name as translator) or reject with a reason. Thin: parse ->
permission -> service in `transaction()` -> redirect."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from participation.moderation import bp
from participation.moderation.forms import ActionForm, RejectForm
from participation.permissions import can_moderate, can_review_translation
from participation.security import render_error
from participation.services import translations as service
from participation.web import transaction


def _translation_or_404(translation_id: int):
    if not can_moderate(current_user):
        abort(403)
    found = service.load_translation(translation_id)
    if found is None:
        abort(404)
    return found


def _page(translation, status: int = 200, approve_form=None, reject_form=None):
    forms = [f for f in (approve_form, reject_form) if f is not None]
    return (
        render_template(
            "moderation/translation.html",
            translation=translation,
            idea=translation.idea,
            own=not can_review_translation(current_user, translation),
            approve_form=approve_form or ActionForm(formdata=None),
            reject_form=reject_form or RejectForm(formdata=None),
            action_errors=[e for f in forms for e in f.form_errors],
        ),
        status,
    )


@bp.route("/translations/<int:translation_id>")
@login_required
def translation(translation_id: int):
    return _page(_translation_or_404(translation_id))


@bp.route("/translations/<int:translation_id>/<any(approve, reject):verb>", methods=["POST"])
@login_required
def review_translation(translation_id: int, verb: str):
    found = _translation_or_404(translation_id)
    if not can_review_translation(current_user, found):
        return render_error(
            403,
            _("You cannot moderate your own content: another moderator must decide about it."),
        )
    form = ActionForm() if verb == "approve" else RejectForm()
    if form.validate_on_submit():
        with transaction(form) as outcome:
            if verb == "approve":
                service.approve_translation(current_user, found)
                message = _("The translation is published.")
            else:
                service.reject_translation(
                    current_user, found, form.data["reason"], form.data["text"]
                )
                message = _("The translation is rejected.")
        if not outcome.failed:
            flash(message, "success")
            return redirect(url_for("moderation.queue"))
        found = _translation_or_404(translation_id)
    forms = {"approve_form": form} if verb == "approve" else {"reject_form": form}
    return _page(found, 400, **forms)
