"""Moderation queue, moderator actions and the log: services and views."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.models import Comment, Idea, IdeaRevision, Support, User
from participation.models.notifications import Notification
from tests.factories import insert_comment, logged_actions, reload


@pytest.fixture
def moderator(make_user):
    return make_user(role="moderator", display_name="Mona Moderator")


@pytest.fixture
def mod_client(client, login, moderator):
    login(client, moderator)
    return client


# --- Queue: approve and reject ------------------------------------------------------


def test_queue_lists_pending_ideas_oldest_first(app, mod_client, make_idea):
    from datetime import timedelta

    from participation.models.base import utcnow

    newer = make_idea(status="pending", title="Newer pending idea about trams")
    older = make_idea(
        status="pending",
        title="Older pending idea about benches",
        created_at=utcnow() - timedelta(days=2),
    )
    make_idea(status="published", title="Already published idea")
    response = mod_client.get("/en/moderation/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.index("Older pending idea") < page.index("Newer pending idea")
    assert "Already published idea" not in page
    assert f"/en/moderation/ideas/{older.id}/approve" in page
    assert f"/en/moderation/ideas/{newer.id}/approve" in page
    # The author's markup is escaped in the title, sanitized in the body.
    assert "<script>" not in page


def test_approve_publishes_and_logs(app, mod_client, make_idea, moderator):
    idea = make_idea(status="pending")
    response = mod_client.submit(
        f"/en/moderation/ideas/{idea.id}/approve", {}, page="/en/moderation/"
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/en/moderation/")
    stored = reload(app, Idea, idea.id)
    assert stored.status == "published"
    assert stored.published_at is not None
    [action] = logged_actions(app, action="approve")
    assert (action.actor_id, action.target_type, action.target_id) == (
        moderator.id,
        "idea",
        idea.id,
    )
    assert action.target_user_id == idea.author_id
    # Approving twice is refused with a message, not a 500.
    response = mod_client.submit(
        f"/en/moderation/ideas/{idea.id}/approve", {}, page=f"/en/moderation/ideas/{idea.id}"
    )
    assert response.status_code == 400
    assert "no longer waiting for review" in response.get_data(as_text=True)


def test_reject_with_reason_and_text(app, mod_client, make_idea, moderator):
    idea = make_idea(status="pending")
    url = f"/en/moderation/ideas/{idea.id}/reject"
    response = mod_client.submit(
        url,
        {"reason": "off_topic", "text": "This is about federal taxes."},
        page=f"/en/moderation/ideas/{idea.id}",
    )
    assert response.status_code == 302
    stored = reload(app, Idea, idea.id)
    assert stored.status == "rejected"
    assert stored.rejection_reason_code == "off_topic"
    assert stored.rejection_reason_text == "This is about federal taxes."
    [action] = logged_actions(app, action="reject")
    assert action.reason_code == "off_topic"
    assert action.reason_text == "This is about federal taxes."
    assert action.actor_id == moderator.id


@pytest.mark.parametrize("reason", ["", "rude", "'; DROP TABLE ideas; --", "spam"])
def test_reject_with_reason_outside_the_list_is_400(app, mod_client, make_idea, reason):
    idea = make_idea(status="pending")
    response = mod_client.submit(
        f"/en/moderation/ideas/{idea.id}/reject",
        {"reason": reason, "text": "my note stays"},
        page=f"/en/moderation/ideas/{idea.id}",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Please choose a reason from the list." in page
    assert "my note stays" in page  # what the moderator typed is kept
    assert reload(app, Idea, idea.id).status == "pending"
    assert logged_actions(app) == []


def test_rejection_reaches_the_author_in_their_language(
    app, mod_client, make_idea, make_user, mailbox
):
    author = make_user(language="nl", email="lotte@example.be")
    idea = make_idea(status="pending", author=author, language="nl")
    response = mod_client.submit(
        f"/en/moderation/ideas/{idea.id}/reject",
        {"reason": "duplicate", "text": "Zie het idee over de Wavresesteenweg."},
        page=f"/en/moderation/ideas/{idea.id}",
    )
    assert response.status_code == 302
    message = mailbox.last("lotte@example.be")
    assert message["Content-Language"] == "nl"
    body = mailbox.text(message)
    assert "Zie het idee over de Wavresesteenweg." in body
    assert "/nl/" in body
    with app.app_context():
        [note] = db.session.scalars(select(Notification)).all()
        assert (note.recipient_id, note.kind) == (author.id, "idea_rejected")
        assert note.data == {
            "reason_code": "duplicate",
            "reason_text": "Zie het idee over de Wavresesteenweg.",
        }


def test_approval_tells_the_author(app, mod_client, make_idea, make_user, mailbox):
    author = make_user(email="karim@example.be")
    idea = make_idea(status="pending", author=author)
    mod_client.submit(f"/en/moderation/ideas/{idea.id}/approve", {}, page="/en/moderation/")
    assert mailbox.to("karim@example.be")
    with app.app_context():
        assert db.session.scalars(select(Notification.kind)).all() == ["idea_approved"]


def test_reject_other_needs_an_explanation(app, mod_client, make_idea):
    idea = make_idea(status="pending")
    response = mod_client.submit(
        f"/en/moderation/ideas/{idea.id}/reject",
        {"reason": "other", "text": "  "},
        page=f"/en/moderation/ideas/{idea.id}",
    )
    assert response.status_code == 400
    assert "Please explain the reason" in response.get_data(as_text=True)


def test_reject_text_too_long_is_400(app, mod_client, make_idea):
    idea = make_idea(status="pending")
    response = mod_client.submit(
        f"/en/moderation/ideas/{idea.id}/reject",
        {"reason": "other", "text": "x" * 1001},
        page=f"/en/moderation/ideas/{idea.id}",
    )
    assert response.status_code == 400
    assert "at most 1000 characters" in response.get_data(as_text=True)


def test_item_page_shows_previous_versions(app, mod_client, make_idea, make_user):
    idea = make_idea(status="pending", title="Current title of the idea")
    with app.app_context():
        db.session.add(
            IdeaRevision(
                idea_id=idea.id,
                editor_id=idea.author_id,
                title="First title before the edit",
                body_source="Old body",
                body_html="<p>Old body text of the first version</p>",
                challenge_id=idea.challenge_id,
                language="en",
            )
        )
        db.session.commit()
    queue = mod_client.get("/en/moderation/").get_data(as_text=True)
    assert "edited once" in queue
    page = mod_client.get(f"/en/moderation/ideas/{idea.id}").get_data(as_text=True)
    assert "First title before the edit" in page
    assert "Old body text of the first version" in page


def test_moderator_cannot_moderate_own_idea(app, mod_client, make_idea, moderator):
    idea = make_idea(status="pending", author=moderator)
    page = mod_client.get("/en/moderation/").get_data(as_text=True)
    assert "Your own idea: another moderator will review it." in page
    for verb, data in [
        ("approve", {}),
        ("reject", {"reason": "other", "text": "x"}),
        ("hide", {"reason": "spam"}),
    ]:
        response = mod_client.submit(
            f"/en/moderation/ideas/{idea.id}/{verb}", data, page="/en/moderation/"
        )
        assert response.status_code == 403
        assert "cannot moderate your own content" in response.get_data(as_text=True)
    assert reload(app, Idea, idea.id).status == "pending"
    assert logged_actions(app) == []


def test_unknown_verb_or_item_is_404(app, mod_client, make_idea, make_user):
    idea = make_idea(status="published")
    comment = insert_comment(app, idea, make_user())
    assert (
        mod_client.submit(
            "/en/moderation/ideas/999999/approve", {}, page="/en/moderation/"
        ).status_code
        == 404
    )
    assert (
        mod_client.submit(
            f"/en/moderation/ideas/{idea.id}/explode", {}, page="/en/moderation/"
        ).status_code
        == 404
    )
    # Comments are not approved or marked as duplicates.
    assert (
        mod_client.submit(
            f"/en/moderation/comments/{comment.id}/approve", {}, page="/en/moderation/"
        ).status_code
        == 404
    )
    assert mod_client.get("/en/moderation/comments/999999").status_code == 404


# --- Hide and restore -------------------------------------------------------------


def test_hide_and_restore_an_idea(app, mod_client, make_idea, make_client, moderator):
    idea = make_idea(
        status="published",
        title="Secret title about bike lanes",
        body="A secret text about Chaussée de Wavre lanes.",
    )
    response = mod_client.submit(
        f"/en/moderation/ideas/{idea.id}/hide",
        {"reason": "offensive", "text": "insults"},
        page=f"/en/moderation/ideas/{idea.id}",
    )
    assert response.status_code == 302
    stored = reload(app, Idea, idea.id)
    assert (stored.status, stored.hidden_reason) == ("hidden", "offensive")

    public = make_client()
    response = public.get(f"/en/ideas/{idea.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Chaussée de Wavre" not in page
    assert "Secret title about bike lanes" not in page
    for listing in ("/en/", "/en/ideas", "/en/ideas?q=secret"):
        assert "Secret title about bike lanes" not in public.get(listing).get_data(as_text=True)
    assert "hidden by moderation" in page.lower()
    assert "Reason: Offensive or hateful." in page  # the reason category, not the note
    assert "insults" not in page

    response = mod_client.submit(
        f"/en/moderation/ideas/{idea.id}/restore",
        {"restore-text": "was fine after all"},
        page=f"/en/moderation/ideas/{idea.id}",
    )
    assert response.status_code == 302
    stored = reload(app, Idea, idea.id)
    assert (stored.status, stored.hidden_reason) == ("published", None)
    assert "Chaussée de Wavre" in public.get(f"/en/ideas/{idea.id}").get_data(as_text=True)
    assert [a.action for a in logged_actions(app)] == ["hide", "restore"]
    assert logged_actions(app)[1].reason_text == "was fine after all"


def test_hide_with_a_reason_outside_the_list(app, mod_client, make_idea):
    idea = make_idea(status="published")
    for reason in ("", "reported", "nonsense"):
        response = mod_client.submit(
            f"/en/moderation/ideas/{idea.id}/hide",
            {"reason": reason},
            page=f"/en/moderation/ideas/{idea.id}",
        )
        assert response.status_code == 400, reason
        assert "Please choose a reason from the list." in response.get_data(as_text=True)
    assert reload(app, Idea, idea.id).status == "published"


def test_restore_of_a_withdrawn_idea_keeps_it_withdrawn(app, moderator, make_idea):
    from participation.models.base import utcnow
    from participation.services import moderation as service

    idea = make_idea(status="withdrawn")
    with app.test_request_context("/en/"):
        actor = db.session.get(User, moderator.id)
        item = db.session.get(Idea, idea.id)
        item.withdrawn_at = utcnow()
        service.hide_item(actor, item, "spam")
        service.restore_item(actor, item)
        db.session.commit()
        assert item.status == "withdrawn"


def test_hide_and_restore_a_comment(app, mod_client, make_idea, make_user, make_client):
    idea = make_idea(status="published")
    comment = insert_comment(app, idea, make_user(), body="Rude words about the neighbours here.")
    reply = insert_comment(app, idea, make_user(), body="A calm reply that stays.")
    with app.app_context():
        db.session.get(Comment, reply.id).parent_id = comment.id
        db.session.commit()
    response = mod_client.submit(
        f"/en/moderation/comments/{comment.id}/hide",
        {"reason": "offensive"},
        page=f"/en/moderation/comments/{comment.id}",
    )
    assert response.status_code == 302
    stored = reload(app, Comment, comment.id)
    assert (stored.status, stored.hidden_reason) == ("hidden", "offensive")
    # The idea's count (lists, "most discussed", statistics) is its visible comments.
    assert reload(app, Idea, idea.id).comment_count == 1
    page = make_client().get(f"/en/ideas/{idea.id}").get_data(as_text=True)
    assert "Rude words about the neighbours" not in page
    # With a reply, the thread keeps a placeholder that says why.
    assert "Comment hidden by moderation (Offensive or hateful)" in page
    assert "A calm reply that stays." in page
    response = mod_client.submit(
        f"/en/moderation/comments/{comment.id}/restore",
        {},
        page=f"/en/moderation/comments/{comment.id}",
    )
    assert response.status_code == 302
    assert reload(app, Comment, comment.id).status == "visible"
    assert reload(app, Idea, idea.id).comment_count == 2
    assert [(a.action, a.target_type) for a in logged_actions(app)] == [
        ("hide", "comment"),
        ("restore", "comment"),
    ]


# --- Duplicates ----------------------------------------------------------------------


def test_mark_duplicate_closes_support_and_tells_supporters(
    app, mod_client, make_idea, make_user, mailbox
):
    original = make_idea(status="published", title="Original idea about STIB open data")
    duplicate = make_idea(status="published", title="Copy idea about STIB open data")
    supporters = [make_user(), make_user()]
    with app.app_context():
        for s in supporters:
            db.session.add(Support(idea_id=duplicate.id, user_id=s.id))
        db.session.commit()
    response = mod_client.submit(
        f"/en/moderation/ideas/{duplicate.id}/duplicate",
        {"original_id": str(original.id)},
        page=f"/en/moderation/ideas/{duplicate.id}",
    )
    assert response.status_code == 302
    stored = reload(app, Idea, duplicate.id)
    assert stored.duplicate_of_id == original.id
    assert stored.is_closed
    with app.app_context():
        rows = db.session.scalars(
            select(Notification).where(Notification.kind == "idea_duplicate")
        ).all()
        told = {(n.recipient_id, n.idea_id, n.data["original_id"]) for n in rows}
    expected = {
        (u, duplicate.id, original.id) for u in [duplicate.author_id, *(s.id for s in supporters)]
    }
    assert told == expected
    assert len(rows) == 3
    # By email too.
    for s in supporters:
        assert f"/en/ideas/{original.id}" in mailbox.text(mailbox.last(s.email))
    [action] = logged_actions(app, action="mark_duplicate")
    assert json.loads(action.details) == {"original_id": original.id}


@pytest.mark.parametrize("value", ["", "abc", "999999", "self", "-3"])
def test_mark_duplicate_bad_original(app, mod_client, make_idea, value):
    idea = make_idea(status="published")
    original_id = str(idea.id) if value == "self" else value
    response = mod_client.submit(
        f"/en/moderation/ideas/{idea.id}/duplicate",
        {"original_id": original_id},
        page=f"/en/moderation/ideas/{idea.id}",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "no published idea with this number" in page or "cannot be a duplicate of itself" in page
    assert reload(app, Idea, idea.id).duplicate_of_id is None


def test_mark_duplicate_of_a_pending_idea_is_refused(app, mod_client, make_idea):
    idea = make_idea(status="published")
    pending = make_idea(status="pending")
    response = mod_client.submit(
        f"/en/moderation/ideas/{idea.id}/duplicate",
        {"original_id": str(pending.id)},
        page=f"/en/moderation/ideas/{idea.id}",
    )
    assert response.status_code == 400


# --- Suspensions and bans ----------------------------------------------------------------


@pytest.mark.parametrize("days", ["0", "-1", "abc", "", "1.5", "99999"])
def test_suspension_needs_a_positive_whole_number_of_days(app, mod_client, make_user, days):
    citizen = make_user()
    response = mod_client.submit(
        f"/en/moderation/users/{citizen.id}/sanction",
        {"kind": "suspend", "days": days, "reason": "spam"},
        page=f"/en/moderation/users/{citizen.id}",
    )
    assert response.status_code == 400
    assert "Enter a whole number of days" in response.get_data(as_text=True)
    assert reload(app, User, citizen.id).suspended_until is None
    assert logged_actions(app) == []


def test_suspend_blocks_login_and_participation_then_lift(
    app, mod_client, make_user, make_client, login, make_idea, moderator
):
    from participation.permissions import can_participate

    citizen = make_user(email="karim@example.be")
    their_client = make_client()
    login(their_client, citizen)
    response = mod_client.submit(
        f"/en/moderation/users/{citizen.id}/sanction",
        {"kind": "suspend", "days": "7", "reason": "spam", "text": "Advertising again"},
        page=f"/en/moderation/users/{citizen.id}",
    )
    assert response.status_code == 302
    stored = reload(app, User, citizen.id)
    assert stored.is_suspended and not stored.is_banned
    assert not can_participate(stored)
    # Signed out everywhere: their session no longer works.
    assert their_client.get("/en/account/profile").status_code == 302
    # And the login page says why.
    response = make_client().submit(
        "/en/account/login",
        {"email": "karim@example.be", "password": "correct-horse-battery-staple"},
    )
    assert response.status_code == 403
    assert "Your account is suspended until" in response.get_data(as_text=True)
    [action] = logged_actions(app, action="suspend")
    assert action.actor_id == moderator.id and action.target_id == citizen.id
    assert json.loads(action.details)["days"] == 7
    # Lifting is an action too.
    response = mod_client.submit(
        f"/en/moderation/users/{citizen.id}/lift",
        {"lift-text": "Apologised"},
        page=f"/en/moderation/users/{citizen.id}",
    )
    assert response.status_code == 302
    assert not reload(app, User, citizen.id).is_suspended
    assert [a.action for a in logged_actions(app)] == ["suspend", "lift_sanction"]
    login(make_client(), citizen)


def test_ban_with_hiding_all_content(app, mod_client, make_user, make_idea, make_client):
    citizen = make_user(email="troll@example.be")
    ideas = [make_idea(status="published", author=citizen) for _ in range(2)]
    pending = make_idea(status="pending", author=citizen)
    other_idea = make_idea(status="published")
    comment = insert_comment(app, other_idea, citizen, body="Trolling comment text.")
    insert_comment(app, other_idea, make_user(), body="A resident's own comment stays.")
    response = mod_client.submit(
        f"/en/moderation/users/{citizen.id}/sanction",
        {"kind": "ban", "reason": "offensive", "hide_content": "y"},
        page=f"/en/moderation/users/{citizen.id}",
    )
    assert response.status_code == 302
    assert reload(app, User, citizen.id).is_banned
    for idea in ideas:
        stored = reload(app, Idea, idea.id)
        assert (stored.status, stored.hidden_reason) == ("hidden", "offensive")
    assert reload(app, Idea, pending.id).status == "pending"
    assert reload(app, Comment, comment.id).status == "hidden"
    assert reload(app, Idea, other_idea.id).comment_count == 1
    assert "Trolling comment text" not in make_client().get(f"/en/ideas/{other_idea.id}").get_data(
        as_text=True
    )
    actions = [(a.action, a.target_type) for a in logged_actions(app)]
    assert actions.count(("hide", "idea")) == 2 and ("hide", "comment") in actions
    assert actions[-1] == ("ban", "user")
    response = make_client().submit(
        "/en/account/login",
        {"email": "troll@example.be", "password": "correct-horse-battery-staple"},
    )
    assert response.status_code == 403
    assert "banned" in response.get_data(as_text=True)


def test_moderator_cannot_sanction_themselves_or_staff(app, mod_client, moderator, make_user):
    for target in (
        moderator,
        make_user(role="moderator"),
        make_user(role="admin"),
        make_user(role="official"),
    ):
        response = mod_client.submit(
            f"/en/moderation/users/{target.id}/sanction",
            {"kind": "suspend", "days": "3", "reason": "spam"},
            page=f"/en/moderation/users/{target.id}",
        )
        assert response.status_code == 403
    assert logged_actions(app) == []


def test_admin_can_suspend_a_moderator_but_not_an_admin(app, client, login, make_user):
    admin = make_user(role="admin")
    login(client, admin)
    mod = make_user(role="moderator")
    other_admin = make_user(role="admin")
    ok = client.submit(
        f"/en/moderation/users/{mod.id}/sanction",
        {"kind": "suspend", "days": "2", "reason": "other"},
        page=f"/en/moderation/users/{mod.id}",
    )
    assert ok.status_code == 302
    refused = client.submit(
        f"/en/moderation/users/{other_admin.id}/sanction",
        {"kind": "ban", "reason": "other"},
        page=f"/en/moderation/users/{mod.id}",
    )
    assert refused.status_code == 403


def test_lift_when_nothing_to_lift_is_400(app, mod_client, make_user):
    citizen = make_user()
    response = mod_client.submit(
        f"/en/moderation/users/{citizen.id}/lift", {}, page=f"/en/moderation/users/{citizen.id}"
    )
    assert response.status_code == 400
    assert "neither suspended nor banned" in response.get_data(as_text=True)


# --- The log ----------------------------------------------------------------------------


def _seed_log(app, moderator, other, n):
    from datetime import datetime

    from participation.services.moderation import log_action

    with app.app_context():
        for i in range(n):
            row = log_action(
                db.session.get(User, moderator.id if i % 2 else other.id),
                "hide" if i % 3 else "approve",
                "idea",
                1000 + i,
                other.id,
                "spam",
                f"note {i}",
            )
            row.created_at = datetime(2026, 3, 1 + (i % 28), 12, 0)
        db.session.commit()


def test_log_filters_and_pagination(app, mod_client, moderator, make_user):
    other = make_user(role="moderator", display_name="Otto Other")
    _seed_log(app, moderator, other, 60)
    page = mod_client.get("/en/moderation/log").get_data(as_text=True)
    assert "60 actions" in page
    assert "Page 1 of 2" in page
    page2 = mod_client.get("/en/moderation/log?page=2").get_data(as_text=True)
    assert page2.count("<tr>") == 10 + 1  # 10 rows and the header
    approve = mod_client.get("/en/moderation/log?action=approve").get_data(as_text=True)
    assert "20 actions" in approve
    by_mod = mod_client.get(f"/en/moderation/log?actor={moderator.id}").get_data(as_text=True)
    assert "30 actions" in by_mod
    dated = mod_client.get("/en/moderation/log?date_from=2026-03-01&date_to=2026-03-02").get_data(
        as_text=True
    )
    # Days 1 and 2 of March: i = 0, 1, 28, 29, 56, 57
    assert "6 actions" in dated
    bad = mod_client.get("/en/moderation/log?date_from=yesterday&action=explode&actor=abc")
    assert bad.status_code == 400
    assert "60 actions" in bad.get_data(as_text=True)


def test_log_query_count_is_fixed(app, mod_client, moderator, make_user, count_queries):
    other = make_user(role="moderator")
    _seed_log(app, moderator, other, 3)
    with count_queries() as few:
        assert mod_client.get("/en/moderation/log").status_code == 200
    _seed_log(app, moderator, make_user(role="moderator"), 40)
    with count_queries() as many:
        assert mod_client.get("/en/moderation/log").status_code == 200
    assert few.count == many.count


def test_queue_query_count_is_fixed(app, mod_client, make_idea, make_user, count_queries):
    from participation.services.reports import report_item

    def seed(n):
        for _ in range(n):
            make_idea(status="pending")
            idea = make_idea(status="published")
            comment = insert_comment(app, idea, make_user())
            with app.app_context():
                for item_model, item_id in ((Idea, idea.id), (Comment, comment.id)):
                    reporter = db.session.get(User, make_user().id)
                    report_item(reporter, db.session.get(item_model, item_id), "spam", "details")
                db.session.commit()

    seed(1)
    with count_queries() as few:
        page = mod_client.get("/en/moderation/")
        assert page.status_code == 200
    seed(4)
    with count_queries() as many:
        assert mod_client.get("/en/moderation/").status_code == 200
    assert few.count == many.count


def test_migration_downgrades_and_upgrades_again(tmp_path):
    """0004 can be undone and redone; the search triggers of 0003 survive it."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect, text

    from participation import create_app

    url = f"sqlite:///{tmp_path / 'roundtrip.sqlite3'}"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        downgrade(revision="0003_search")
        tables = inspect(db.engine).get_table_names()
        assert "reports" not in tables and "moderation_actions" not in tables
        assert "banned_at" not in {c["name"] for c in inspect(db.engine).get_columns("users")}
        upgrade()
        assert {"reports", "moderation_actions"} <= set(inspect(db.engine).get_table_names())
        with db.engine.connect() as conn:
            triggers = (
                conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
                .scalars()
                .all()
            )
        assert "ideas_fts_after_insert" in triggers
        db.session.remove()
        db.engine.dispose()


def test_author_reads_the_rejection_reason_in_the_app(
    app, mod_client, make_idea, make_user, make_client, login
):
    author = make_user(language="nl")
    idea = make_idea(status="pending", author=author)
    mod_client.submit(
        f"/en/moderation/ideas/{idea.id}/reject",
        {"reason": "not_a_proposal", "text": "Dit is een vraag, geen voorstel."},
        page=f"/en/moderation/ideas/{idea.id}",
    )
    own = make_client()
    login(own, author)
    page = own.get(f"/en/ideas/{idea.id}").get_data(as_text=True)
    assert "Reason: Not a proposal." in page
    assert "Dit is een vraag, geen voorstel." in page
    # Nobody else sees a rejected idea.
    assert make_client().get(f"/en/ideas/{idea.id}").status_code == 404
