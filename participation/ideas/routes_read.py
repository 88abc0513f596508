"""Reading one idea: its page with the discussion, similar ideas, "my ideas"."""

from __future__ import annotations

from flask import current_app, jsonify, render_template, request, url_for
from flask_babel import format_decimal, gettext, ngettext
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from participation.i18n import current_language
from participation.ideas import bp
from participation.ideas.forms import CommentForm
from participation.pagecache import kept_frame, page_cache
from participation.permissions import (
    can_comment,
    can_moderate,
    can_participate,
    can_read_text,
    can_respond_officially,
    idea_actions,
    sees_comments_as_others,
)
from participation.services import budgets as budget_service
from participation.services import comments as comment_service
from participation.services import ideas as service
from participation.services import translations
from participation.services.search import similar_ideas
from participation.services.supports import has_supported, supported_ids
from participation.templating import CSRF_STAND_IN
from participation.vocabulary import LISTED_IDEA_STATUSES
from participation.web import idea_and_support_or_404, page_number, parse_id

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
    idea, supported = idea_and_support_or_404(idea_id)
    return detail_page(idea, supported=supported)


def detail_page(
    idea, comment_form=None, reply_to=None, status: int = 200, supported: bool | None = None
):
    """The idea page: a fixed number of queries (the idea with the visitor's
    support; on a first view, its author and places, budget projects and
    comments).

    Its three pieces, the main column, the aside (support box, the author's
    and moderators' links) and the discussion, are each the same for many
    visitors: each is kept (pagecache.kept) per URL, language and content
    version for the visitors who see it alike, with a stand-in for their CSRF
    token; and so is the page around them (base.html's frame), with stand-ins
    for the visitor's name, unread count and token in the menu. For each
    visitor, only these are put in the kept page."""
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    show_text = bool(can_read_text(user, idea))
    # Officials see a button to answer in the official responses.
    main_variant = (show_text, bool(can_respond_officially(user)))

    def main() -> tuple[tuple[str, Markup], bool]:
        service.load_idea(idea.id)  # its author, challenge and municipality, in one query
        # A reader of another language sees the idea's published translation in
        # theirs (never for a hidden idea), unless they asked for the original.
        translation = None
        if show_text and not request.args.get("original"):
            translation = translations.shown_translation(idea, current_language())
        title = (translation or idea).title if show_text else gettext("Hidden idea")
        html = render_template(
            "ideas/_idea_main.html",
            idea=idea,
            translation=translation,
            show_text=show_text,
            budget_projects=budget_service.projects_of_idea(idea.id)
            if idea.status in LISTED_IDEA_STATUSES
            else [],
        )
        return (title, Markup(html)), True

    if supported is None:
        supported = has_supported(user, idea)
    actions = idea_actions(user, idea, supported)
    discussion = b""
    if idea.status in LISTED_IDEA_STATUSES:
        discussion = discussion_section(user, idea, reply_to, comment_form)

    def frame() -> str:
        page_title, main_html = page_cache().kept(f"idea-{idea.id}", main, variant=main_variant)
        aside_html = page_cache().kept(
            f"idea-aside-{idea.id}",
            lambda: (
                Markup(
                    render_template(
                        "ideas/_aside.html", idea=idea, actions=actions, csrf=_csrf_stand_in
                    )
                ),
                True,
            ),
            variant=actions,
        )
        return render_template(
            "ideas/detail.html",
            idea=idea,
            page_title=page_title,
            main_html=main_html,
            aside_html=aside_html,
            discussion_html=DISCUSSION_SLOT if discussion else Markup(),
        )

    # The page around the pieces is kept too (for the visitors who see the
    # same pieces and menu; not with a form's errors), and the discussion put
    # in: it is most of the page (some 80 KB for sixty comments and their
    # reply forms), kept as UTF-8 and put in the encoded page rather than
    # encoded again for each visitor.
    body = kept_frame(
        f"idea-page-{idea.id}",
        frame,
        variant=(main_variant, actions, bool(discussion)),
        keep=comment_form is None,
    ).encode()
    if discussion:
        body = body.replace(DISCUSSION_SLOT_BYTES, discussion, 1)
    if CSRF_STAND_IN_BYTES in body:
        # Asked for only now, and only for a signed-in visitor with a form: an
        # anonymous visitor's session stays empty (and their page shared).
        body = body.replace(CSRF_STAND_IN_BYTES, generate_csrf().encode())
    return current_app.response_class(body, status, mimetype="text/html")


# The visitor's CSRF token in the kept pieces (templating.CSRF_STAND_IN).
CSRF_STAND_IN_BYTES = CSRF_STAND_IN.encode()
# Where the discussion goes in the page (as unique, for the same reason as
# templating.CSRF_STAND_IN).
DISCUSSION_SLOT = Markup("<discussion-slot>")
DISCUSSION_SLOT_BYTES = DISCUSSION_SLOT.encode()


def _csrf_stand_in() -> Markup:
    return CSRF_STAND_IN


def discussion_section(user, idea, reply_to=None, comment_form=None) -> bytes:
    """The page of the idea's discussion asked for (?comments=N) and the form
    for a new comment, as the visitor `user` sees them, in HTML (UTF-8). After a
    comment or reply with errors (`comment_form`, `reply_to` its thread or
    None), the form shows in the reply box of its thread if that thread is
    still there, else as the new comment.

    Rendered once per content version for every visitor who sees it as it is
    (permissions.sees_comments_as_others: not a moderator, author of none of
    its comments), whatever their CSRF token, which is put in afterwards: then
    their request loads no comment at all. A moderator, an author of one of
    the comments, or a form with errors gets it rendered for them alone. Its
    forms hold CSRF_STAND_IN (detail_page puts the token in)."""
    may_comment = bool(can_comment(user, idea))
    signed_in = user.is_authenticated
    page = page_number(request.args.get("comments"))

    def render() -> tuple[tuple[bytes, frozenset[int | None]], bool]:
        discussion = comment_service.threads(idea, page=page)
        threads = discussion.threads
        replying = reply_to is not None and any(
            t.comment.id == reply_to and not t.is_placeholder for t in threads
        )
        authors = frozenset(c.author_id for t in threads for c in (t.comment, *t.replies))
        html = render_template(
            "ideas/_discussion.html",
            idea=idea,
            threads=threads,
            discussion=discussion,
            viewer_id=user.id if signed_in else None,
            moderator=bool(can_moderate(user)),
            may_comment=may_comment,
            csrf=CSRF_STAND_IN,
            reply_to=reply_to if replying else None,
            reply_form=comment_form if replying else None,
            # Made only for who may comment: a form puts a CSRF token in the
            # session, and a visitor's page would no longer be shared.
            comment_form=(None if replying else comment_form)
            or (CommentForm(formdata=None) if may_comment else None),
        )
        keep = comment_form is None and sees_comments_as_others(user, authors)
        return (html.encode(), authors), keep

    html, _authors = page_cache().kept(
        f"discussion-{idea.id}",
        render,
        # Who may not comment sees why (signed out, unconfirmed, suspended).
        variant=(may_comment, can_participate(user).reason),
        usable=lambda piece: comment_form is None and sees_comments_as_others(user, piece[1]),
    )
    return html


@bp.route("/mine")
@login_required
def mine():
    return render_template("ideas/mine.html", ideas=service.ideas_of(current_user))
