"""Thin views: parse the form, check permission, call the service in
`transaction()`, redirect."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user, login_required

from participation.i18n import current_language
from participation.models.base import utcnow
from participation.officials import bp
from participation.officials.forms import DashboardFilterForm, StatusForm
from participation.permissions import can_respond_officially, can_view_dashboard
from participation.services import officials as service
from participation.urls import public_url, query_pairs, url_with_query
from participation.web import idea_or_404, transaction


def _dashboard_view():
    """Rows and filter form for the dashboard and its CSV: a fixed number of queries."""
    language = current_language()
    form = DashboardFilterForm(formdata=request.args)
    challenges, municipalities = service.filter_choices(language)
    form.set_choices(challenges, municipalities, language)
    valid = form.validate()
    filters = service.Filters()
    if valid:
        filters = service.Filters(
            challenge_id=form.challenge.data or None,
            municipality_id=form.municipality.data or None,
            period=form.period.data,
        )
    return form, valid, filters, service.dashboard(filters)


@bp.route("/")
@login_required
def dashboard():
    if not can_view_dashboard(current_user):
        abort(403)
    form, valid, filters, rows = _dashboard_view()
    return (
        render_template(
            "officials/dashboard.html",
            form=form,
            filters=filters,
            rows=rows,
            csv_url=url_with_query("officials.export", query_pairs()),
        ),
        200 if valid else 400,
    )


@bp.route("/export.csv")
@login_required
def export():
    if not can_view_dashboard(current_user):
        abort(403)
    form, valid, _filters, rows = _dashboard_view()
    if not valid:
        abort(400)
    language = current_language()
    body = service.dashboard_csv(
        rows,
        language,
        lambda idea: public_url("ideas.detail", idea_id=idea.id, lang_code=language),
    )
    filename = f"ideas-dashboard-{utcnow():%Y-%m-%d}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/ideas/<int:idea_id>/status", methods=["GET", "POST"])
@login_required
def set_status(idea_id: int):
    if not can_respond_officially(current_user):
        abort(403)
    idea = idea_or_404(idea_id)
    form = StatusForm()
    if request.method == "GET":
        form.status.data = idea.official_status or ""
        return render_template("officials/status.html", idea=idea, form=form)
    if not form.validate_on_submit():
        return render_template("officials/status.html", idea=idea, form=form), 400
    supporters = idea.support_count
    with transaction(form) as outcome:
        service.set_official_status(current_user, idea, form.status.data, form.responses())
    if outcome.failed:
        idea = idea_or_404(idea_id)
        return render_template("officials/status.html", idea=idea, form=form), 400
    flash(
        ngettext(
            "The official status has been saved. The author and %(num)d supporter are notified.",
            "The official status has been saved. The author and %(num)d supporters are notified.",
            supporters,
        ),
        "success",
    )
    return redirect(url_for("ideas.detail", idea_id=idea_id))
