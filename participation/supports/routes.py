"""Support and withdraw-support views.

Without JavaScript the support button is a plain form: POST, then a redirect
back to the idea (or to a safe local `next`). The script in static/js/ideas.js
sends the same form with fetch, `Accept: application/json` and the CSRF token
in `X-CSRFToken`, and gets JSON back.
"""

from __future__ import annotations

from flask import current_app, flash, jsonify, redirect, request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from participation.extensions import limiter
from participation.models.ideas import IdeaState
from participation.permissions import Decision, can_support, can_withdraw_support
from participation.security import safe_next
from participation.services import supports as service
from participation.supports import bp
from participation.vocabulary import Denial
from participation.web import idea_state_or_404, one_statement_write, transaction


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and (
        request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def _back(idea_id: int) -> str:
    fallback = url_for("ideas.detail", idea_id=idea_id, _anchor="support")
    return safe_next(request.form.get("next"), fallback)


def _count_label(count: int) -> str:
    return ngettext("%(count)s support", "%(count)s supports", count, count=format_decimal(count))


def _result(idea_id: int, count: int, supported: bool, message: str, category: str = "success"):
    """The answer after the commit, from what the transaction returned (the
    idea is not read again)."""
    if _wants_json():
        return jsonify(
            supported=supported,
            support_count=count,
            count_label=_count_label(count),
            message=message,
            action=url_for(
                "supports.unsupport" if supported else "supports.support", idea_id=idea_id
            ),
            button_label=_("Withdraw my support") if supported else _("Support this idea"),
        )
    flash(message, category)
    return redirect(_back(idea_id))


def _refused(idea: IdeaState, decision: Decision):
    reason, message = decision.reason, decision.message
    if _wants_json():
        status = 401 if reason == Denial.ANONYMOUS else 403
        body = {"error": str(reason), "message": message, "status": status}
        if reason == Denial.ANONYMOUS:
            body["login_url"] = url_for(
                "accounts.login", next=url_for("ideas.detail", idea_id=idea.id)
            )
        return jsonify(body), status
    if reason == Denial.ANONYMOUS:
        flash(message, "info")
        return redirect(url_for("accounts.login", next=url_for("ideas.detail", idea_id=idea.id)))
    flash(message, "error")
    return redirect(_back(idea.id))


def _write_limit():
    return limiter.limit(lambda: current_app.config["RATE_LIMIT_WRITE"], methods=["POST"])


@bp.route("/<int:idea_id>/support", methods=["POST"])
@_write_limit()
def support(idea_id: int):
    one_statement_write()
    idea = idea_state_or_404(idea_id)
    decision = can_support(current_user, idea)
    if not decision:
        return _refused(idea, decision)
    idea_id = idea.id
    with transaction(flash_errors=False) as outcome:
        added = service.support_idea(current_user, idea)
        count = idea.support_count if added else service.current_count(idea)
    if outcome.failed:  # the rules changed between the check and the insert
        return _refused(idea, getattr(outcome.error, "decision", Decision(Denial.SUPPORTS_CLOSED)))
    if added:
        return _result(idea_id, count, True, _("Thank you: your support is counted."))
    return _result(idea_id, count, True, _("You already support this idea."), "info")


@bp.route("/<int:idea_id>/unsupport", methods=["POST"])
@_write_limit()
def unsupport(idea_id: int):
    one_statement_write()
    idea = idea_state_or_404(idea_id)
    decision = can_withdraw_support(current_user, idea)
    if not decision:
        return _refused(idea, decision)
    idea_id = idea.id
    with transaction():
        removed = service.withdraw_support(current_user, idea)
        count = idea.support_count if removed else service.current_count(idea)
    if removed:
        return _result(idea_id, count, False, _("Your support is withdrawn."))
    return _result(idea_id, count, False, _("You were not supporting this idea."), "info")
