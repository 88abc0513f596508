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
from participation.services.browse import WHOLE_REGION
from participation.urls import public_url, query_pairs, url_with_query
from participation.web import idea_or_404, transaction


def _legacy_url(challenges, municipalities) -> str | None:
    """Where an old link with numeric ids (?challenge=2&municipality=9) now
    lives, with slugs; None when the URL has no such id."""
    slugs = {
        "challenge": {str(c.id): c.slug for c in challenges},
        "municipality": {str(m.id): m.slug for m in municipalities},
    }
    pairs = query_pairs()
    moved = [(k, slugs[k].get(v, v) if k in slugs else v) for k, v in pairs]
    if moved == pairs:
        return None
    return url_with_query(request.endpoint, moved)


def _dashboard_view():
    """Rows and filter form for the dashboard and its CSV: a fixed number of
    queries. Or, for an old link with numeric ids, where it moved."""
    language = current_language()
    challenges, municipalities = service.filter_choices(language)
    moved = _legacy_url(challenges, municipalities)
    if moved:
        return moved, None, None, None, []
    form = DashboardFilterForm(formdata=request.args)
    form.set_choices(challenges, municipalities, language)
    valid = form.validate()
    filters = service.Filters()
    if valid:
        place = form.municipality.data or ""
        filters = service.Filters(
            challenge_id=next((c.id for c in challenges if c.slug == form.challenge.data), None),
            municipality_id=next((m.id for m in municipalities if m.slug == place), None),
            whole_region=place == WHOLE_REGION,
            period=form.period.data,
        )
    return None, form, valid, filters, service.dashboard(filters)


@bp.route("/")
@login_required
def dashboard():
    if not can_view_dashboard(current_user):
        abort(403)
    moved, form, valid, filters, rows = _dashboard_view()
    if moved:
        return redirect(moved, 301)
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
    moved, _form, valid, _filters, rows = _dashboard_view()
    if moved:
        return redirect(moved, 301)
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
