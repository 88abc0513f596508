"""Reports by citizens, and automatic hiding after REPORTS_HIDE_THRESHOLD of them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from participation.extensions import db
from participation.models import Comment, Idea, ModerationAction, Report, User
from tests.factories import insert_comment, logged_actions, reload


def _report(client, kind, item_id, reason="spam", details=""):
    url = f"/en/moderation/report/{kind}/{item_id}"
    return client.submit(url, {"reason": reason, "details": details}, page=url)


def _count_reports(app):
    with app.app_context():
        return db.session.scalar(select(func.count(Report.id)))


@pytest.fixture
def citizen_client(client, login, make_user):
    user = make_user(display_name="Rita Reporter")
    login(client, user)
    client.user = user
    return client


def test_report_an_idea_once(app, citizen_client, make_idea):
    idea = make_idea(status="published")
    page = citizen_client.get(f"/en/moderation/report/idea/{idea.id}")
    assert page.status_code == 200
    assert 'name="reason"' in page.get_data(as_text=True)
    response = _report(citizen_client, "idea", idea.id, "offensive", "Insults in the second line.")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/en/ideas/{idea.id}")
    with app.app_context():
        report = db.session.scalars(select(Report)).one()
        assert (report.reporter_id, report.idea_id, report.comment_id) == (
            citizen_client.user.id,
            idea.id,
            None,
        )
        assert (report.reason, report.details) == ("offensive", "Insults in the second line.")
    # A second time does no harm and says so.
    response = _report(citizen_client, "idea", idea.id, "spam")
    assert response.status_code == 302
    follow = citizen_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have already reported this" in follow
    assert _count_reports(app) == 1
    assert "You have already reported this" in citizen_client.get(
        f"/en/moderation/report/idea/{idea.id}"
    ).get_data(as_text=True)


def test_report_a_comment(app, citizen_client, make_idea, make_user):
    idea = make_idea(status="published")
    comment = insert_comment(app, idea, make_user())
    response = _report(citizen_client, "comment", comment.id, "off_topic")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/en/ideas/{idea.id}#comment-{comment.id}")
    with app.app_context():
        report = db.session.scalars(select(Report)).one()
        assert (report.idea_id, report.comment_id, report.reason) == (None, comment.id, "off_topic")


@pytest.mark.parametrize("reason", ["", "boring", "not_a_proposal", "<script>"])
def test_reason_outside_the_list_is_400(app, citizen_client, make_idea, reason):
    idea = make_idea(status="published")
    response = _report(citizen_client, "idea", idea.id, reason, "my details stay")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Please choose a reason from the list." in page
    assert "my details stay" in page
    assert _count_reports(app) == 0


def test_details_too_long_is_400(app, citizen_client, make_idea):
    idea = make_idea(status="published")
    response = _report(citizen_client, "idea", idea.id, "spam", "x" * 1001)
    assert response.status_code == 400
    assert "at most 1000 characters" in response.get_data(as_text=True)
    assert _count_reports(app) == 0


def test_report_on_missing_or_invisible_items_is_404(app, citizen_client, make_idea, make_user):
    pending = make_idea(status="pending")
    rejected = make_idea(status="rejected")
    idea = make_idea(status="published")
    deleted = insert_comment(app, idea, make_user(), status="deleted")
    for kind, item_id in [
        ("idea", 999999),
        ("comment", 999999),
        ("idea", pending.id),
        ("idea", rejected.id),
        ("comment", deleted.id),
    ]:
        assert citizen_client.get(f"/en/moderation/report/{kind}/{item_id}").status_code == 404
        response = citizen_client.submit(
            f"/en/moderation/report/{kind}/{item_id}", {"reason": "spam"}, page="/en/"
        )
        assert response.status_code == 404, (kind, item_id)
    assert citizen_client.get(f"/en/moderation/report/user/{idea.id}").status_code == 404


def test_anonymous_goes_to_login(client, make_idea):
    idea = make_idea(status="published")
    response = client.get(f"/en/moderation/report/idea/{idea.id}")
    assert response.status_code == 302
    assert "/en/account/login" in response.headers["Location"]


def test_unconfirmed_and_suspended_get_a_clear_message(
    app, make_client, login, make_user, make_idea
):
    idea = make_idea(status="published")
    unconfirmed = make_client()
    login(unconfirmed, make_user(confirmed=False))
    response = unconfirmed.get(f"/en/moderation/report/idea/{idea.id}")
    assert response.status_code == 403
    assert "Please confirm your email address first" in response.get_data(as_text=True)
    response = unconfirmed.submit(
        f"/en/moderation/report/idea/{idea.id}", {"reason": "spam"}, page="/en/"
    )
    assert response.status_code == 403
    suspended_user = make_user()
    suspended = make_client()
    login(suspended, suspended_user)
    _suspend_in_db(app, suspended_user)
    response = suspended.submit(
        f"/en/moderation/report/idea/{idea.id}", {"reason": "spam"}, page="/en/"
    )
    assert response.status_code == 403
    assert "Your account is suspended" in response.get_data(as_text=True)
    assert _count_reports(app) == 0


def _suspend_in_db(app, user):
    from datetime import timedelta

    from participation.models.base import utcnow

    with app.app_context():
        db.session.get(User, user.id).suspended_until = utcnow() + timedelta(days=3)
        db.session.commit()


def test_author_cannot_report_own_idea(app, make_client, login, make_user, make_idea):
    author = make_user()
    idea = make_idea(status="published", author=author)
    client = make_client()
    login(client, author)
    response = client.submit(
        f"/en/moderation/report/idea/{idea.id}", {"reason": "spam"}, page="/en/"
    )
    assert response.status_code == 403
    assert "You cannot do this on your own contribution." in response.get_data(as_text=True)


def test_three_reports_hide_an_idea_until_a_moderator_restores_it(
    app, make_client, login, make_user, make_idea
):
    idea = make_idea(status="published", body="Text that three people found offensive here.")
    public = make_client()
    reporters = []
    for n in range(3):
        c = make_client()
        login(c, make_user())
        reporters.append(c)
        assert _report(c, "idea", idea.id, "offensive", f"reason {n}").status_code == 302
        expected = "hidden" if n == 2 else "published"
        assert reload(app, Idea, idea.id).status == expected
    stored = reload(app, Idea, idea.id)
    assert stored.hidden_reason == "reported"
    page = public.get(f"/en/ideas/{idea.id}").get_data(as_text=True)
    assert "three people found offensive" not in page
    [auto] = logged_actions(app, action="auto_hide")
    assert auto.actor_id is None and auto.target_id == idea.id and auto.reason_code == "reported"

    moderator = make_user(role="moderator")
    mod = make_client()
    login(mod, moderator)
    queue = mod.get("/en/moderation/").get_data(as_text=True)
    assert "3 reports" in queue
    assert all(f"reason {n}" in queue for n in range(3))
    response = mod.submit(
        f"/en/moderation/ideas/{idea.id}/restore", {}, page=f"/en/moderation/ideas/{idea.id}"
    )
    assert response.status_code == 302
    assert reload(app, Idea, idea.id).status == "published"
    assert "three people found offensive" in public.get(f"/en/ideas/{idea.id}").get_data(
        as_text=True
    )
    # The reports are settled: the queue is empty, and the log shows all of it.
    assert "Nothing is reported at the moment." in mod.get("/en/moderation/").get_data(as_text=True)
    log = mod.get("/en/moderation/log").get_data(as_text=True)
    assert "Hidden automatically after reports" in log and "Restored" in log


def test_threshold_is_configurable_and_keep_hidden(app, make_client, login, make_user, make_idea):
    app.config["REPORTS_HIDE_THRESHOLD"] = 2
    idea = make_idea(status="published")
    comment = insert_comment(app, idea, make_user(), body="Comment with spam links.")
    for _n in range(2):
        c = make_client()
        login(c, make_user())
        _report(c, "comment", comment.id, "spam")
    stored = reload(app, Comment, comment.id)
    assert (stored.status, stored.hidden_reason) == ("hidden", "reported")
    mod = make_client()
    login(mod, make_user(role="moderator"))
    response = mod.submit(
        f"/en/moderation/comments/{comment.id}/keep-hidden",
        {"keep-reason": "spam"},
        page=f"/en/moderation/comments/{comment.id}",
    )
    assert response.status_code == 302
    stored = reload(app, Comment, comment.id)
    assert (stored.status, stored.hidden_reason) == ("hidden", "spam")
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Report.resolved_at.is_(None))) == 0
    assert [a.action for a in logged_actions(app)] == ["auto_hide", "keep_hidden"]


def test_dismiss_reports_keeps_item_visible(app, make_client, login, make_user, make_idea):
    idea = make_idea(status="published")
    c = make_client()
    login(c, make_user())
    _report(c, "idea", idea.id, "duplicate")
    mod = make_client()
    login(mod, make_user(role="moderator"))
    response = mod.submit(
        f"/en/moderation/ideas/{idea.id}/dismiss",
        {"dismiss-text": "Not a duplicate"},
        page=f"/en/moderation/ideas/{idea.id}",
    )
    assert response.status_code == 302
    assert reload(app, Idea, idea.id).status == "published"
    [action] = logged_actions(app, action="dismiss_reports")
    assert action.reason_text == "Not a duplicate"


def test_reported_items_most_reported_first(app, make_client, login, make_user, make_idea):
    app.config["REPORTS_HIDE_THRESHOLD"] = 10
    once = make_idea(status="published", title="Reported once idea")
    twice = make_idea(status="published", title="Reported twice idea")
    for idea, n in ((once, 1), (twice, 2)):
        for _ in range(n):
            c = make_client()
            login(c, make_user())
            _report(c, "idea", idea.id, "spam")
    mod = make_client()
    login(mod, make_user(role="moderator"))
    page = mod.get("/en/moderation/").get_data(as_text=True)
    assert page.index("Reported twice idea") < page.index("Reported once idea")


def test_report_service_is_idempotent_under_the_unique_constraint(app, make_user, make_idea):
    from participation.services.reports import report_item

    idea = make_idea(status="published")
    reporter = make_user()
    with app.app_context():
        user = db.session.get(User, reporter.id)
        item = db.session.get(Idea, idea.id)
        assert report_item(user, item, "spam").created
        assert not report_item(user, item, "offensive").created
        db.session.commit()
        # The database itself refuses a second row.
        from sqlalchemy.exc import IntegrityError

        db.session.add(Report(reporter_id=user.id, idea_id=idea.id, reason="spam"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        assert db.session.scalar(select(func.count(ModerationAction.id))) == 0


def test_report_links_on_the_idea_page(app, make_client, login, make_user, make_idea):
    author = make_user()
    idea = make_idea(status="published", author=author)
    comment = insert_comment(app, idea, make_user())
    idea_link = f'href="/en/moderation/report/idea/{idea.id}"'
    comment_link = f'href="/en/moderation/report/comment/{comment.id}"'
    reader = make_client()
    login(reader, make_user())
    page = reader.get(f"/en/ideas/{idea.id}").get_data(as_text=True)
    assert idea_link in page and comment_link in page
    assert "/en/moderation/ideas/" not in page  # no moderation link for citizens
    own = make_client()
    login(own, author)
    page = own.get(f"/en/ideas/{idea.id}").get_data(as_text=True)
    assert idea_link not in page and comment_link in page
    mod = make_client()
    login(mod, make_user(role="moderator"))
    page = mod.get(f"/en/ideas/{idea.id}").get_data(as_text=True)
    assert f'href="/en/moderation/ideas/{idea.id}"' in page
    assert f'href="/en/moderation/comments/{comment.id}"' in page
