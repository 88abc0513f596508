"""Notifications: in-app list and unread count, emails in the recipient's
language, email preferences and unsubscribe links that work without logging in."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from participation.extensions import db
from participation.models import EmailPreference, Idea, Notification, User
from participation.services import notifications as service
from participation.vocabulary import CONSULTATION_NOTIFICATIONS, NotificationKind


def notify(app, recipient, kind, idea=None, commit=True, **data):
    """Call the service as another service would, inside a request."""
    with app.test_request_context("/en/"):
        user = db.session.get(User, recipient.id)
        row = db.session.get(Idea, idea.id) if idea is not None else None
        service.notify(user, kind, row, **data)
        if commit:
            db.session.commit()
        else:
            db.session.rollback()


def count(app, **where) -> int:
    with app.app_context():
        query = select(func.count(Notification.id))
        for key, value in where.items():
            query = query.where(getattr(Notification, key) == value)
        return db.session.scalar(query)


SAMPLE_DATA = {
    "idea_approved": {},
    "idea_rejected": {"reason_code": "off_topic", "reason_text": "Please <b>focus</b>."},
    "idea_hidden": {"reason_code": "reported"},
    "idea_restored": {},
    "idea_duplicate": {"original_id": 1},
    "idea_answered": {"status": "accepted"},
    "supported_idea_answered": {"status": "not_retained"},
    "idea_became_project": {"round_id": 1, "project_id": 2, "round_titles": {"en": "Budget"}},
    "supported_idea_became_project": {"round_id": 1, "project_id": 2},
    # Budget news names the round, not the idea.
    "budget_voting_open": {"round_id": 1, "round_titles": {"en": "Trees <em>everywhere</em>"}},
    "budget_results": {"round_id": 1, "round_titles": {"en": "Trees <em>everywhere</em>"}},
    "idea_commented": {},
}


def test_every_kind_gives_a_text_and_html_email_with_an_unsubscribe_link(
    app, make_user, make_idea, mailbox
):
    # The consultation kinds have no idea: tests/test_consultations_news.py sends them.
    assert set(SAMPLE_DATA) == set(NotificationKind.values()) - CONSULTATION_NOTIFICATIONS
    author = make_user()
    idea = make_idea(author=author, title="Trees <em>everywhere</em>")
    for kind, data in SAMPLE_DATA.items():
        mailbox.clear()
        notify(app, author, kind, idea, **data)
        mail = mailbox.last(author.email)
        text, html = mailbox.text(mail), mailbox.html(mail)
        assert "Trees <em>everywhere</em>" in text, kind
        assert "Trees &lt;em&gt;everywhere&lt;/em&gt;" in html, kind
        assert "<script>" not in html  # the display name is escaped
        assert "/en/notifications/unsubscribe/" in text and "/en/notifications/unsubscribe/" in html
        assert mail["List-Unsubscribe"].startswith("<http")
        assert NotificationKind(kind).label == mail["Subject"]
    assert count(app, recipient_id=author.id) == len(SAMPLE_DATA)
    text = mailbox.text(mailbox.last(author.email))
    assert "There is a new comment on your idea" in text


def test_rejection_email_in_dutch_for_a_dutch_author(app, make_user, make_idea, mailbox):
    author = make_user(language="nl")
    idea = make_idea(author=author, status="rejected", language="nl")
    notify(app, author, "idea_rejected", idea, reason_code="duplicate", reason_text="Zie idee 12.")
    mail = mailbox.last(author.email)
    assert mail["Content-Language"] == "nl"
    text = mailbox.text(mail)
    assert text.startswith("Beste ")
    assert "Zie idee 12." in text
    assert f"/nl/ideas/{idea.id}" in text
    assert "/nl/notifications/preferences" in text
    assert '<html lang="nl">' in mailbox.html(mail)


def test_no_email_when_the_transaction_is_rolled_back(app, make_user, make_idea, mailbox):
    author = make_user()
    idea = make_idea(author=author)
    notify(app, author, "idea_approved", idea, commit=False)
    assert mailbox.to(author.email) == []
    assert count(app) == 0


def test_no_email_before_the_outer_commit_when_a_savepoint_is_released(
    app, make_user, make_idea, mailbox
):
    """SQLAlchemy runs after_commit for a released SAVEPOINT too (reports use one):
    the emails still wait for the real commit."""
    from sqlalchemy import text

    author = make_user()
    idea = make_idea(author=author)
    with app.test_request_context("/en/"):
        service.notify(
            db.session.get(User, author.id), "idea_approved", db.session.get(Idea, idea.id)
        )
        with db.session.begin_nested():
            db.session.execute(text("SELECT 1"))
        assert mailbox.to(author.email) == []
        db.session.commit()
    assert len(mailbox.to(author.email)) == 1


def test_unknown_kind_is_a_programming_error(app, make_user):
    with app.test_request_context("/en/"), pytest.raises(ValueError):
        service.notify(db.session.get(User, make_user().id), "idea_exploded")


def test_preferences_switch_emails_off_but_keep_in_app(
    app, client, make_user, make_idea, login, mailbox
):
    author = make_user()
    idea = make_idea(author=author)
    login(client, author)
    html = client.get("/en/notifications/preferences").get_data(as_text=True)
    # Every group on, except the opt-in ones (new consultations, voting opens
    # in a budget round).
    assert len(re.findall(r"<input checked[^>]*type=\"checkbox\"", html)) == 6
    response = client.submit(
        "/en/notifications/preferences",
        {"responses": "y", "comments": "y", "supported": "y"},  # moderation off
    )
    assert response.status_code == 302
    notify(app, author, "idea_approved", idea)
    assert mailbox.to(author.email) == []
    assert count(app, recipient_id=author.id) == 1
    notify(app, author, "idea_commented", idea)
    assert len(mailbox.to(author.email)) == 1
    html = client.get("/en/notifications/preferences").get_data(as_text=True)
    assert len(re.findall(r"<input checked[^>]*type=\"checkbox\"", html)) == 3
    assert '<input id="moderation"' in html


def test_unsubscribe_link_works_without_logging_in(app, client, make_user, make_idea, mailbox):
    author = make_user(language="nl")
    idea = make_idea(author=author)
    notify(app, author, "idea_commented", idea)
    link = mailbox.link(author.email, r"https?://\S+/notifications/unsubscribe/\S+")
    assert link.startswith("/nl/notifications/unsubscribe/")

    page = client.get(link)  # anonymous visitor
    assert page.status_code == 200
    # Without the CSRF token the POST is refused.
    assert client.post(link, data={"scope": "group"}).status_code == 400
    response = client.submit(link, {"scope": "group"})
    assert response.status_code == 302
    with app.app_context():
        preference = db.session.get(EmailPreference, author.id)
        assert preference.comments is False and preference.moderation is True
    mailbox.clear()
    notify(app, author, "idea_commented", idea)
    assert mailbox.to(author.email) == []
    notify(app, author, "idea_approved", idea)
    assert len(mailbox.to(author.email)) == 1

    # "Stop all" switches every group off.
    response = client.submit(link, {"scope": "all"})
    assert response.status_code == 302
    with app.app_context():
        preference = db.session.get(EmailPreference, author.id)
        assert not any(preference.allows(g) for g in ("moderation", "responses", "comments"))


@pytest.mark.parametrize(
    "token", ["garbage", "eyJ1IjoxLCJnIjoiY29tbWVudHMifQ.tampered", "eyJ1IjoxfQ.x.y"]
)
def test_tampered_unsubscribe_token_is_a_clear_400(client, token):
    url = f"/en/notifications/unsubscribe/{token}"
    posted = client.submit(url, {"scope": "all"}, page="/en/account/login")
    for response in (client.get(url), posted):
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in response.get_data(as_text=True)


def test_token_signed_for_another_group_or_user_is_refused(app, make_user):
    user = make_user()
    with app.test_request_context("/en/"):
        good = service.make_unsubscribe_token(user, "comments")
        assert service.read_unsubscribe_token(good).user.id == user.id
        forged = service._serializer().dumps({"u": user.id, "g": "everything"})
        with pytest.raises(service.DomainError):
            service.read_unsubscribe_token(forged)
        other_key = service.URLSafeSerializer("another-key", salt=service.UNSUBSCRIBE_SALT)
        with pytest.raises(service.DomainError):
            service.read_unsubscribe_token(other_key.dumps({"u": user.id, "g": "comments"}))


# --- The in-app list and the unread count ------------------------------------------------


def test_list_page_and_unread_count_in_the_header(app, client, make_user, make_idea, login):
    author = make_user()
    idea = make_idea(author=author, title="Night buses")
    notify(app, author, "idea_approved", idea)
    notify(app, author, "idea_answered", idea, status="in_progress")
    login(client, author)
    html = client.get("/en/").get_data(as_text=True)
    assert re.search(r'class="badge-count">2<span class="visually-hidden"> unread', html)
    html = client.get("/en/notifications/").get_data(as_text=True)
    # The title in its own language (lang), inside the English sentence.
    assert 'Your idea “<span lang="en">Night buses</span>” has been approved and published.' in html
    assert "New status: In progress." in html
    assert html.count("Mark as read") == 2


def test_header_count_costs_no_extra_query(app, client, make_user, login, count_queries):
    user = make_user()
    login(client, user)
    with count_queries() as counter:
        client.get("/en/about")
    on_notifications = [s for s in counter.statements if "notifications" in s]
    assert len(on_notifications) == 1
    assert "FROM users" in on_notifications[0]  # loaded with the signed-in user


def test_list_page_query_count_does_not_grow(
    app, client, make_user, make_idea, login, count_queries
):
    user = make_user()
    login(client, user)
    notify(app, user, "idea_approved", make_idea(author=user))

    def measure():
        with count_queries() as counter:
            assert client.get("/en/notifications/").status_code == 200
        return counter.count

    first = measure()
    for _ in range(4):
        notify(app, user, "idea_commented", make_idea(author=user))
    assert measure() == first == 2  # the user, the notifications with their ideas


def test_mark_one_and_all_as_read(app, client, make_user, make_idea, login):
    user, other = make_user(), make_user()
    idea = make_idea(author=user)
    for _ in range(3):
        notify(app, user, "idea_commented", idea)
    notify(app, other, "idea_commented", make_idea(author=other))
    with app.app_context():
        ids = db.session.scalars(
            select(Notification.id).where(Notification.recipient_id == user.id)
        ).all()
        foreign = db.session.scalar(
            select(Notification.id).where(Notification.recipient_id == other.id)
        )
    login(client, user)
    page = "/en/notifications/"
    # Opening one marks it read and goes to the idea.
    response = client.submit(f"/en/notifications/{ids[0]}/read", {"open": "1"}, page=page)
    assert response.headers["Location"].endswith(f"/en/ideas/{idea.id}")
    assert count(app, recipient_id=user.id, read_at=None) == 2
    # Someone else's notification: 404, untouched.
    assert client.submit(f"/en/notifications/{foreign}/read", {}, page=page).status_code == 404
    assert client.submit("/en/notifications/999999/read", {}, page=page).status_code == 404
    assert count(app, recipient_id=other.id, read_at=None) == 1
    response = client.submit("/en/notifications/read-all", {}, page=page)
    assert response.status_code == 302
    assert count(app, recipient_id=user.id, read_at=None) == 0
    assert count(app, recipient_id=other.id, read_at=None) == 1
    html = client.get("/en/").get_data(as_text=True)
    assert "badge-count" not in html


def test_notification_pages_need_login(client):
    for url in ("/en/notifications/", "/en/notifications/preferences"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/account/login" in response.headers["Location"]


def test_author_is_told_of_comments_by_others_only(
    app, client, make_user, make_idea, login, mailbox
):
    from participation.services import comments

    author, reader = make_user(), make_user()
    idea = make_idea(author=author)
    with app.test_request_context("/en/"):
        row = db.session.get(Idea, idea.id)
        comments.add_comment(db.session.get(User, author.id), row, "My own follow-up")
        comments.add_comment(db.session.get(User, reader.id), row, "Great idea, I agree")
        db.session.commit()
    with app.app_context():
        rows = db.session.execute(select(Notification.recipient_id, Notification.kind)).all()
    assert rows == [(author.id, "idea_commented")]
    assert len(mailbox.to(author.email)) == 1
    assert mailbox.to(reader.email) == []


def test_supporters_of_a_duplicate_are_told_about_the_original(app, make_user, make_idea, mailbox):
    from participation.models import Support

    author, supporter = make_user(), make_user(language="fr")
    original, duplicate = make_idea(), make_idea(author=author)
    with app.app_context():
        db.session.add(Support(idea_id=duplicate.id, user_id=supporter.id))
        db.session.commit()
    with app.test_request_context("/en/"):
        row = db.session.get(Idea, duplicate.id)
        told = service.notify_supporters(row, "idea_duplicate", original_id=original.id)
        service.notify_author(row, "idea_duplicate", original_id=original.id)
        # The supporter's copy goes by the "ideas I support" preference, the author's by
        # moderation.
        assert service.email_group("idea_duplicate", supporter.id, row) == "supported"
        assert service.email_group("idea_duplicate", author.id, row) == "moderation"
        db.session.commit()
    assert told == 1
    text = mailbox.text(mailbox.last(supporter.email))
    assert f"/fr/ideas/{original.id}" in text
    assert "marked as a duplicate" in mailbox.text(mailbox.last(author.email))


def test_notifications_are_in_the_personal_data_export(app, client, make_user, make_idea, login):
    user = make_user()
    notify(app, user, "idea_approved", make_idea(author=user))
    login(client, user)
    data = client.get("/en/account/data").get_json()
    assert data["notifications"]["items"][0]["kind"] == "idea_approved"
    assert data["notifications"]["email_preferences"]["comments"] is True
