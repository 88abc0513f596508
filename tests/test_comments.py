"""Comments: one level of replies, 15 minutes to edit, delete with a placeholder."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.models import Comment, Idea, User
from participation.models.base import utcnow
from participation.services import DomainError
from participation.services import comments as service
from tests.pages import unsafe_markup

XSS = (
    "<script>alert(1)</script> [x](javascript:alert(2)) <svg onload=alert(3)> "
    '<iframe src="https://evil.example"></iframe> <form action="https://evil.example"></form>'
)


def _comment_count(app, idea_id):
    with app.app_context():
        return db.session.get(Idea, idea_id).comment_count


def _comments(app, idea_id):
    with app.app_context():
        rows = db.session.scalars(
            select(Comment).where(Comment.idea_id == idea_id).order_by(Comment.id)
        ).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def test_comment_and_reply(client, make_user, make_idea, login, app):
    idea = make_idea()
    login(client, make_user(display_name="Joris"))
    page = f"/en/ideas/{idea.id}"
    response = client.submit(f"{page}/comments", {"body": "Great idea for **Ixelles**"}, page=page)
    assert response.status_code == 302
    [first] = _comments(app, idea.id)
    assert response.headers["Location"].endswith(f"{page}#comment-{first.id}")
    assert first.body_html == "<p>Great idea for <strong>Ixelles</strong></p>"
    response = client.submit(
        f"{page}/comments", {"body": "I agree", "parent_id": str(first.id)}, page=page
    )
    assert response.status_code == 302
    reply = _comments(app, idea.id)[1]
    assert reply.parent_id == first.id
    # A reply to a reply joins the thread of its top-level comment.
    client.submit(f"{page}/comments", {"body": "Me too", "parent_id": str(reply.id)}, page=page)
    assert _comments(app, idea.id)[2].parent_id == first.id
    assert _comment_count(app, idea.id) == 3
    html = client.get(page).get_data(as_text=True)
    assert f'id="comment-{first.id}"' in html
    assert "3 comments" in html
    assert "Joris" in html


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Please write your comment."),
        ("     ", "Please write your comment."),
        ("x", "between 2 and 2000"),
        ("x" * 2001, "between 2 and 2000"),
    ],
)
def test_bad_comments_are_a_400(client, make_user, make_idea, login, app, body, message):
    idea = make_idea()
    login(client, make_user())
    page = f"/en/ideas/{idea.id}"
    response = client.submit(f"{page}/comments", {"body": body}, page=page)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _comments(app, idea.id) == []


def test_bad_reply_shows_its_error_in_the_reply_form(
    client, make_user, make_idea, make_comment, login
):
    idea = make_idea()
    top = make_comment(idea)
    login(client, make_user())
    page = f"/en/ideas/{idea.id}"
    response = client.submit(f"{page}/comments", {"body": "x", "parent_id": str(top.id)}, page=page)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="reply-{top.id}-error"' in html
    assert '<details class="reply-box" open>' in html


def test_reply_to_unknown_comment_is_refused(client, make_user, make_idea, make_comment, login):
    idea = make_idea()
    elsewhere = make_comment(make_idea())
    login(client, make_user())
    page = f"/en/ideas/{idea.id}"
    for parent in (str(elsewhere.id), "999999", "abc"):
        response = client.submit(
            f"{page}/comments", {"body": "Hello there", "parent_id": parent}, page=page
        )
        assert response.status_code == 400
        assert "no longer available" in response.get_data(as_text=True)


def test_comments_are_inert(client, make_user, make_idea, login, app, make_client):
    idea = make_idea()
    login(client, make_user())
    page = f"/en/ideas/{idea.id}"
    client.submit(f"{page}/comments", {"body": XSS}, page=page)
    for viewer in (client, make_client()):
        html = viewer.get(page).get_data(as_text=True)
        assert unsafe_markup(html) == []


@pytest.mark.parametrize("status", ["pending", "withdrawn", "hidden"])
def test_no_comments_on_unpublished_ideas(client, make_user, make_idea, login, app, status):
    author = make_user()
    idea = make_idea(status=status, author=author)
    login(client, author)
    page = f"/en/ideas/{idea.id}"
    response = client.submit(f"{page}/comments", {"body": "Hello there"}, page="/en/")
    assert response.status_code == 302
    assert _comments(app, idea.id) == []


def test_unconfirmed_user_cannot_comment(client, make_user, make_idea, login, app):
    idea = make_idea()
    login(client, make_user(confirmed=False))
    page = f"/en/ideas/{idea.id}"
    assert "Please confirm your email address to comment." in client.get(page).get_data(
        as_text=True
    )
    client.submit(f"{page}/comments", {"body": "Hello there"}, page=page)
    assert "Please confirm your email address first" in client.get(page).get_data(as_text=True)
    assert _comments(app, idea.id) == []


def test_anonymous_comment_goes_to_login(client, make_idea):
    idea = make_idea()
    response = client.submit(
        f"/en/ideas/{idea.id}/comments", {"body": "Hello"}, page="/en/account/login"
    )
    assert "/en/account/login" in response.headers["Location"]


def test_edit_within_15_minutes(client, make_user, make_idea, make_comment, login, app):
    idea = make_idea()
    author = make_user()
    fresh = make_comment(idea, author=author, body="First words")
    old = make_comment(
        idea, author=author, body="Old words", created_at=utcnow() - timedelta(minutes=16)
    )
    login(client, author)
    page = f"/en/ideas/{idea.id}"
    html = client.get(page).get_data(as_text=True)
    assert f"/comments/{fresh.id}/edit" in html
    assert f"/comments/{old.id}/edit" not in html
    edit = f"{page}/comments/{fresh.id}/edit"
    assert "First words" in client.get(edit).get_data(as_text=True)
    response = client.submit(edit, {"body": "Better words"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#comment-{fresh.id}")
    assert _comments(app, idea.id)[0].body_html == "<p>Better words</p>"
    assert _comments(app, idea.id)[0].edited_at is not None
    assert client.submit(edit, {"body": ""}).status_code == 400
    response = client.get(f"{page}/comments/{old.id}/edit")
    assert response.status_code == 403
    assert "15 minutes" in response.get_data(as_text=True)


def test_only_the_author_edits_or_deletes(client, make_user, make_idea, make_comment, login, app):
    idea = make_idea()
    comment = make_comment(idea)
    login(client, make_user())
    page = f"/en/ideas/{idea.id}"
    assert client.get(f"{page}/comments/{comment.id}/edit").status_code == 403
    assert client.submit(f"{page}/comments/{comment.id}/delete", page=page).status_code == 403
    assert client.get(f"{page}/comments/999999/edit").status_code == 404
    other_idea = make_idea()
    assert client.get(f"/en/ideas/{other_idea.id}/comments/{comment.id}/edit").status_code == 404


def test_delete_with_and_without_replies(client, make_user, make_idea, make_comment, login, app):
    idea = make_idea()
    author = make_user()
    with_replies = make_comment(idea, author=author, body="Thread starter words")
    make_comment(idea, parent=with_replies, body="A reply that stays")
    alone = make_comment(idea, author=author, body="Lonely comment words")
    assert _comment_count(app, idea.id) == 3
    login(client, author)
    page = f"/en/ideas/{idea.id}"
    for comment in (with_replies, alone):
        response = client.submit(f"{page}/comments/{comment.id}/delete", page=page)
        assert response.status_code == 302
    assert _comment_count(app, idea.id) == 1
    html = client.get(page).get_data(as_text=True)
    assert "Thread starter words" not in html
    assert "Lonely comment words" not in html
    assert "Comment deleted" in html
    assert f'id="comment-{with_replies.id}"' in html
    assert f'id="comment-{alone.id}"' not in html
    assert "A reply that stays" in html
    assert "1 comment" in html
    # Deleting again: the comment is gone (404), not a 500.
    response = client.submit(f"{page}/comments/{alone.id}/delete", page=page)
    assert response.status_code == 404


def test_service_rules(app, make_user, make_idea, make_comment):
    idea = make_idea()
    author = make_user()
    stranger_id = make_user().id
    with app.test_request_context("/en/"):
        user = db.session.get(User, author.id)
        loaded = db.session.get(Idea, idea.id)
        with pytest.raises(DomainError):
            service.add_comment(user, loaded, " ")
        comment = service.add_comment(user, loaded, "Hello **there**")
        db.session.commit()
        assert db.session.get(Idea, idea.id).comment_count == 1
        comment.created_at = utcnow() - timedelta(minutes=20)
        with pytest.raises(DomainError):
            service.edit_comment(user, comment, "Changed")
        stranger = db.session.get(User, stranger_id)
        with pytest.raises(DomainError):
            service.delete_comment(stranger, comment)
        service.delete_comment(user, comment)
        db.session.commit()
        assert db.session.get(Idea, idea.id).comment_count == 0
        assert service.threads(loaded).threads == []


def test_hidden_comment_always_leaves_a_placeholder_never_its_text(
    app, client, make_idea, make_comment, make_user
):
    """A comment hidden by moderation shows the placeholder with its reason,
    whether or not it has replies; its text is never in the public page."""
    from participation.services import moderation

    idea = make_idea()
    lonely = make_comment(idea, body="Lonely words that moderation hides.")
    parent = make_comment(idea, body="Parent words that stay visible.")
    reply = make_comment(idea, body="Reply words that moderation hides.", parent=parent)
    moderator = make_user(role="moderator")
    with app.test_request_context():
        for comment_id in (lonely.id, reply.id):
            moderation.hide_item(
                db.session.get(User, moderator.id),
                db.session.get(Comment, comment_id),
                "offensive",
                None,
            )
        db.session.commit()
    html = client.get(f"/en/ideas/{idea.id}").get_data(as_text=True)
    assert "Lonely words" not in html
    assert "Reply words" not in html
    assert "Parent words that stay visible." in html
    assert html.count("Comment hidden by moderation") >= 2
    assert f'id="comment-{lonely.id}"' in html
    assert f'id="comment-{reply.id}"' in html


def test_long_discussions_are_paged_without_javascript(client, make_user, make_idea, make_comment):
    """An idea page shows THREADS_PER_PAGE threads (with their replies) and a
    plain "Show more comments" link; the next page shows the rest."""
    from datetime import timedelta

    from participation.models.base import utcnow
    from participation.services.comments import THREADS_PER_PAGE

    idea = make_idea()
    start = utcnow() - timedelta(days=1)
    tops = [
        make_comment(idea, body=f"Thread number {n:03d}", created_at=start + timedelta(minutes=n))
        for n in range(THREADS_PER_PAGE + 3)
    ]
    make_comment(idea, body="Reply to the last thread", parent=tops[-1])
    make_comment(idea, body="Reply to the first thread", parent=tops[0])
    first = client.get(f"/en/ideas/{idea.id}").get_data(as_text=True)
    assert "Thread number 000" in first and "Reply to the first thread" in first
    assert f"Thread number {THREADS_PER_PAGE - 1:03d}" in first
    assert f"Thread number {THREADS_PER_PAGE:03d}" not in first
    assert "Reply to the last thread" not in first
    more = f'href="/en/ideas/{idea.id}?comments=2#comments" rel="next">Show more comments</a>'
    assert more in first
    second = client.get(f"/en/ideas/{idea.id}?comments=2").get_data(as_text=True)
    assert f"Thread number {THREADS_PER_PAGE + 2:03d}" in second
    assert "Reply to the last thread" in second
    assert "Thread number 000" not in second
    assert "Show more comments" not in second
    assert f'href="/en/ideas/{idea.id}#comments">Back to the first comments</a>' in second


def _article(html: str, comment_id: int) -> str:
    import re

    found = re.search(rf'<article [^>]*id="comment-{comment_id}".*?</article>', html, re.S)
    assert found, comment_id
    return found.group(0)


@pytest.mark.parametrize("kept_first_by", ["anonymous", "signed in"])
def test_comments_a_signed_in_visitor_did_not_write_read_as_anyone_sees_them(
    app, make_idea, make_comment, make_user, make_client, login, kept_first_by
):
    """Comments are rendered once and kept (templating.cached_comment), for
    anonymous and signed-in visitors alike, except a visitor's own comments
    (edit, delete, their hidden words) and a moderator's view (moderation links,
    hidden words): those are rendered for them, whoever was first."""
    from participation.services import moderation

    app.config["PAGE_CACHE_ENABLED"] = True
    reader, writer, moderator = make_user(), make_user(), make_user(role="moderator")
    idea = make_idea()
    others = make_comment(idea, author=writer, body="Words of someone else.")
    hidden = make_comment(idea, author=writer, body="Words a moderator hides.")
    own = make_comment(idea, author=reader, body="My own words here.")
    own_hidden = make_comment(idea, author=reader, body="My own words, hidden.")
    with app.test_request_context():
        for comment in (hidden, own_hidden):
            moderation.hide_item(
                db.session.get(User, moderator.id),
                db.session.get(Comment, comment.id),
                "offensive",
                None,
            )
        db.session.commit()
    anonymous, signed, moderating = make_client(), make_client(), make_client()
    login(signed, reader)
    login(moderating, moderator)
    from participation import templating

    templating._COMMENTS.clear()
    first, second = [anonymous, signed] if kept_first_by == "anonymous" else [signed, anonymous]
    url = f"/en/ideas/{idea.id}"
    pages = {id(first): first.get(url).get_data(as_text=True)}
    # Kept by the first page, whoever read it: for the signed-in reader, all but
    # their own comments (then the anonymous page keeps those too).
    assert {key[3] for key in templating._COMMENTS} == (
        {others.id, hidden.id}
        if kept_first_by == "signed in"
        else {others.id, hidden.id, own.id, own_hidden.id}
    )
    pages[id(second)] = second.get(url).get_data(as_text=True)
    pages[id(moderating)] = moderating.get(f"/en/ideas/{idea.id}").get_data(as_text=True)
    public, mine, moderated = pages[id(anonymous)], pages[id(signed)], pages[id(moderating)]
    # Others' comments: the same HTML for the anonymous and the signed-in reader.
    for comment in (others, hidden):
        assert _article(mine, comment.id) == _article(public, comment.id)
    assert "Words a moderator hides." not in mine
    # Their own: edit and delete (with their CSRF token), their hidden words.
    assert "Edit" in _article(mine, own.id) and "csrf_token" in _article(mine, own.id)
    assert "Edit" not in _article(public, own.id) and "csrf_token" not in public
    assert "My own words, hidden." in _article(mine, own_hidden.id)
    assert "My own words, hidden." not in public
    assert "Report" not in _article(mine, own.id) and "Report" in _article(public, own.id)
    # A moderator: a moderation link on each visible comment, hidden words.
    assert "Moderate" in _article(moderated, others.id)
    assert "Moderate" not in public and "Moderate" not in mine
    assert "Words a moderator hides." in moderated
