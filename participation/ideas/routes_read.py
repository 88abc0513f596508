"""Reading one idea: its page with the discussion, similar ideas, "my ideas"."""

from __future__ import annotations

from flask import jsonify, render_template, request, url_for
from flask_babel import format_decimal, ngettext
from flask_login import current_user, login_required

from participation.i18n import current_language
from participation.ideas import bp
from participation.ideas.forms import CommentForm
from participation.permissions import can_comment, can_read_text
from participation.services import budgets as budget_service
from participation.services import comments as comment_service
from participation.services import ideas as service
from participation.services import translations
from participation.services.search import similar_ideas
from participation.services.supports import has_supported, supported_ids
from participation.vocabulary import LISTED_IDEA_STATUSES
from participation.web import idea_or_404, page_number, parse_id

SIMILAR_LIMIT = 5
SIMILAR_QUERY_MAX = 2000


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
                "support_label": support_label(idea.support_count),
            }
            for idea in ideas
        ],
    )


def support_label(count: int) -> str:
    return ngettext("%(count)s support", "%(count)s supports", count, count=format_decimal(count))


@bp.route("/<int:idea_id>")
def detail(idea_id: int):
    return detail_page(idea_or_404(idea_id))


def detail_page(idea, comment_form=None, reply_to=None, status: int = 200):
    """The idea page: a fixed number of queries (idea, comments, the visitor's support)."""
    discussion = None
    if idea.status in LISTED_IDEA_STATUSES:
        discussion = comment_service.threads(idea, page=page_number(request.args.get("comments")))
    threads = discussion.threads if discussion else []
    reply_form = None
    if comment_form is not None and reply_to is not None:
        # Errors of a reply show in that reply's form, if its thread is still there.
        if any(t.comment.id == reply_to and not t.is_placeholder for t in threads):
            reply_form, comment_form = comment_form, None
        else:
            reply_to = None
    show_text = bool(can_read_text(current_user, idea))
    # A reader of another language sees the idea's published translation in
    # theirs (never for a hidden idea), unless they asked for the original.
    translation = None
    if show_text and not request.args.get("original"):
        translation = translations.shown_translation(idea, current_language())
    return (
        render_template(
            "ideas/detail.html",
            idea=idea,
            translation=translation,
            show_text=show_text,
            threads=threads,
            discussion=discussion,
            supported=has_supported(current_user, idea),
            # Made only for who may comment: a form puts a CSRF token in the
            # session, and a visitor's page would no longer be shared.
            comment_form=comment_form
            or (CommentForm(formdata=None) if can_comment(current_user, idea) else None),
            budget_projects=budget_service.projects_of_idea(idea.id)
            if idea.status in LISTED_IDEA_STATUSES
            else [],
            reply_form=reply_form,
            reply_to=reply_to,
        ),
        status,
    )


@bp.route("/mine")
@login_required
def mine():
    return render_template("ideas/mine.html", ideas=service.ideas_of(current_user))
