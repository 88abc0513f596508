"""Hidden means hidden, for everyone (issue 8): once moderation hides an idea or
a comment, only moderators, admins and its own author read its words (the
author with the moderation notice). A supporter told of an official response,
an official, another citizen and the public see a placeholder on every page,
in their notifications, in emails not yet sent, in feeds, CSV and data exports.
"""

from __future__ import annotations

import json

import pytest

from participation.extensions import db
from participation.models import Comment, Idea, User
from participation.permissions import can_read_text, can_view_hidden_content
from participation.services import moderation as moderation_service
from participation.services import officials as officials_service
from tests.pages import html

TITLE = "Jean Dupont lives at Rue Haute 12"
BODY = "Jean Dupont's phone number is 0470 12 34 56."
COMMENT = "Jean Dupont again, in a comment"
RESPONSE = "The Region will study this proposal."


@pytest.fixture
def story(app, make_user, make_idea, make_comment, make_client, login, mailbox):
    """An idea with a supporter who was told of its official response; then
    moderation hides the idea (its title holds personal data) and a comment."""
    author = make_user(display_name="Author")
    supporter = make_user(display_name="Supporter", email="supporter@example.be")
    official = make_user(role="official", display_name="Official")
    moderator = make_user(role="moderator", display_name="Moderator")
    admin = make_user(role="admin", display_name="Admin")
    commenter = make_user(display_name="Commenter")
    idea = make_idea(status="published", author=author, title=TITLE, body=BODY)
    comment = make_comment(idea, author=commenter, body=COMMENT)

    supporter_client = make_client()
    login(supporter_client, supporter)
    assert supporter_client.submit(f"/en/ideas/{idea.id}/support", {}).status_code == 302
    official_client = make_client()
    login(official_client, official)
    answered = official_client.submit(
        f"/en/officials/ideas/{idea.id}/status",
        {"status": "accepted", "response_fr": RESPONSE, "response_nl": RESPONSE},
    )
    assert answered.status_code == 302
    # The supporter was told, with the title: the idea was public then.
    assert TITLE in mailbox.text(mailbox.last(supporter.email))
    notifications = html(supporter_client.get("/en/notifications/"))
    assert TITLE in notifications

    moderator_client = make_client()
    login(moderator_client, moderator)
    for kind, item_id in (("comments", comment.id), ("ideas", idea.id)):
        hidden = moderator_client.submit(
            f"/en/moderation/{kind}/{item_id}/hide",
            {"reason": "personal_data", "text": "address"},
            page=f"/en/moderation/{kind}/{item_id}",
        )
        assert hidden.status_code == 302, kind
    mailbox.clear()
    return {
        "idea": idea,
        "comment": comment,
        "users": {
            "author": author,
            "supporter": supporter,
            "official": official,
            "moderator": moderator,
            "admin": admin,
            "commenter": commenter,
        },
        "clients": {
            "supporter": supporter_client,
            "official": official_client,
            "moderator": moderator_client,
        },
    }


def _client(story, role, make_client, login):
    if role == "anonymous":
        return make_client()
    if role in story["clients"]:
        return story["clients"][role]
    client = make_client()
    login(client, story["users"][role])
    return client


def test_others_see_only_the_placeholder_on_the_idea_page(story, make_client, login):
    for role in ("anonymous", "supporter", "official", "commenter"):
        client = _client(story, role, make_client, login)
        response = client.get(f"/en/ideas/{story['idea'].id}")
        assert response.status_code == 200
        page = html(response)
        assert "Jean Dupont" not in page, role
        assert "hidden by moderation" in page
        assert 'href="/en/rules">Read the participation rules</a>' in page  # one click away
        # The official response stays public: it is the Region's own words.
        assert RESPONSE in page
        # Nor is the discussion of a hidden idea shown.
        assert COMMENT not in page


def test_author_and_staff_read_the_hidden_idea_with_the_notice(story, make_client, login):
    for role in ("author", "moderator", "admin"):
        page = html(_client(story, role, make_client, login).get(f"/en/ideas/{story['idea'].id}"))
        assert TITLE in page and "0470 12 34 56" in page, role
        assert "This idea has been hidden by moderation" in page
        assert 'href="/en/rules">Read the participation rules</a>' in page


def test_notifications_and_status_page_no_longer_name_the_hidden_idea(story, make_client, login):
    page = html(story["clients"]["supporter"].get("/en/notifications/"))
    assert "Jean Dupont" not in page
    assert "an idea hidden by moderation" in page
    # The author's own notifications still name it.
    page = html(_client(story, "author", make_client, login).get("/en/notifications/"))
    assert TITLE in page
    response = story["clients"]["official"].get(f"/en/officials/ideas/{story['idea'].id}/status")
    assert response.status_code == 200
    assert "Jean Dupont" not in html(response)


def test_feeds_csv_and_data_exports_leave_the_hidden_idea_out(story, make_client, login):
    for url in ("/en/ideas/feed.atom", "/en/ideas/challenge/connected/feed.atom"):
        assert "Jean Dupont" not in make_client().get(url).get_data(as_text=True)
    csv = story["clients"]["official"].get("/en/officials/export.csv")
    assert csv.status_code == 200 and "Jean Dupont" not in csv.data.decode("utf-8-sig")
    for role in ("supporter", "official", "commenter"):
        exported = _client(story, role, make_client, login).get("/en/account/data")
        assert exported.status_code == 200
        text = json.dumps(json.loads(exported.data))
        if role == "commenter":
            # Their own comment is their own data.
            assert COMMENT in text
        assert TITLE not in text and BODY not in text


def test_hidden_comment_on_a_public_idea(
    app, make_user, make_idea, make_comment, make_client, login
):
    idea = make_idea(status="published")
    commenter = make_user()
    comment = make_comment(idea, author=commenter, body=COMMENT)
    moderator = make_user(role="moderator")
    with app.app_context():
        moderation_service.hide_item(
            db.session.get(User, moderator.id), db.session.get(Comment, comment.id), "offensive"
        )
        db.session.commit()
    expectations = {None: False, commenter: True, moderator: True, make_user(): False}
    for user, reads in expectations.items():
        client = make_client()
        if user is not None:
            login(client, user)
        page = html(client.get(f"/en/ideas/{idea.id}"))
        assert (COMMENT in page) is reads, user
        assert "Comment hidden by moderation" in page


def test_an_email_not_yet_sent_does_not_name_an_idea_hidden_meanwhile(
    app, make_user, make_idea, mailbox
):
    """The emails of a transaction are written at its commit, from its final state."""
    author = make_user()
    supporter = make_user(email="early@example.be")
    idea = make_idea(status="published", author=author, title=TITLE, body=BODY)
    official = make_user(role="official")
    moderator = make_user(role="moderator")
    with app.app_context():
        from participation.services.supports import support_idea

        support_idea(db.session.get(User, supporter.id), db.session.get(Idea, idea.id))
        db.session.commit()
        stored = db.session.get(Idea, idea.id)
        officials_service.set_official_status(
            db.session.get(User, official.id), stored, "accepted", {"fr": RESPONSE, "nl": RESPONSE}
        )
        moderation_service.hide_item(db.session.get(User, moderator.id), stored, "personal_data")
        db.session.commit()
    message = mailbox.last(supporter.email)
    assert TITLE not in mailbox.text(message) and TITLE not in mailbox.html(message)
    assert TITLE in mailbox.text(mailbox.last(author.email))


def test_the_decision_is_one_permission_verb(story, app):
    idea, users = story["idea"], story["users"]
    with app.app_context():
        stored = db.session.get(Idea, idea.id)
        for role, reads in {
            "author": True,
            "moderator": True,
            "admin": True,
            "supporter": False,
            "official": False,
            "commenter": False,
        }.items():
            user = db.session.get(User, users[role].id)
            assert bool(can_view_hidden_content(user, stored)) is reads, role
            assert bool(can_read_text(user, stored)) is reads, role


def test_an_email_waiting_in_the_outbox_does_not_name_an_idea_hidden_before_it_is_sent(
    app, make_user, make_idea, mailbox
):
    """The worker writes each email when it sends it, through the same rule
    (idea_title_for): an idea hidden after the commit but before the send is not named."""
    from participation.jobs import deliver_due

    author = make_user()
    supporter = make_user(email="waiting@example.be")
    idea = make_idea(status="published", author=author, title=TITLE, body=BODY)
    official = make_user(role="official")
    moderator = make_user(role="moderator")
    app.config["OUTBOX_SEND_IN_APP"] = False  # the rows wait for a worker
    with app.app_context():
        from participation.services.supports import support_idea

        support_idea(db.session.get(User, supporter.id), db.session.get(Idea, idea.id))
        db.session.commit()
        stored = db.session.get(Idea, idea.id)
        officials_service.set_official_status(
            db.session.get(User, official.id), stored, "accepted", {"fr": RESPONSE, "nl": RESPONSE}
        )
        db.session.commit()
        assert mailbox.to(supporter.email) == []
        moderation_service.hide_item(db.session.get(User, moderator.id), stored, "personal_data")
        db.session.commit()
        assert deliver_due(app) >= 2
    messages = mailbox.to(supporter.email)
    assert messages
    for message in messages:
        assert TITLE not in mailbox.text(message) and TITLE not in mailbox.html(message)
    assert TITLE in mailbox.text(mailbox.last(author.email))
