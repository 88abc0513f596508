"""Supporting ideas: the service rules, the plain form, and the JSON used by the script."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from participation.extensions import db
from participation.models import Idea, Support, User
from participation.services import DomainError
from participation.services import supports as service

JSON = {"Accept": "application/json"}


def _state(app, idea_id):
    """(support_count column, number of support rows, locked_at) for an idea."""
    with app.app_context():
        idea = db.session.get(Idea, idea_id)
        rows = db.session.scalar(select(func.count(Support.id)).where(Support.idea_id == idea_id))
        return idea.support_count, rows, idea.locked_at


# --- Service -------------------------------------------------------------------


def test_support_is_counted_once_and_locks_the_idea(app, make_user, make_idea):
    idea = make_idea()
    citizen = make_user()
    with app.app_context():
        user = db.session.get(User, citizen.id)
        loaded = db.session.get(Idea, idea.id)
        assert service.support_idea(user, loaded) is True
        assert service.support_idea(user, loaded) is False  # idempotent
        db.session.commit()
    count, rows, locked_at = _state(app, idea.id)
    assert (count, rows) == (1, 1)
    assert locked_at is not None
    with app.app_context():
        user = db.session.get(User, citizen.id)
        loaded = db.session.get(Idea, idea.id)
        assert service.withdraw_support(user, loaded) is True
        assert service.withdraw_support(user, loaded) is False
        db.session.commit()
    count, rows, locked_at = _state(app, idea.id)
    assert (count, rows) == (0, 0)
    assert locked_at is not None  # stays locked: someone read and supported it


@pytest.mark.parametrize(
    ("status", "closed", "user_kwargs", "own", "code"),
    [
        ("withdrawn", False, {}, False, "supports_closed"),
        ("hidden", False, {}, False, "supports_closed"),
        ("pending", False, {}, False, "supports_closed"),
        ("rejected", False, {}, False, "supports_closed"),
        ("published", True, {}, False, "supports_closed"),
        ("published", False, {}, True, "own_idea"),
        ("published", False, {"confirmed": False}, False, "unconfirmed"),
        ("published", False, {"suspended": True}, False, "suspended"),
    ],
)
def test_support_refused(app, make_user, make_idea, status, closed, user_kwargs, own, code):
    citizen = make_user(**user_kwargs)
    idea = make_idea(status=status, author=citizen if own else None)
    with app.app_context():
        loaded = db.session.get(Idea, idea.id)
        if closed:
            loaded.official_status = "implemented"
        with pytest.raises(DomainError) as error:
            service.support_idea(db.session.get(User, citizen.id), loaded)
        assert error.value.code == code
        db.session.rollback()
    assert _state(app, idea.id)[:2] == (0, 0)


# --- Plain form (no JavaScript) ----------------------------------------------------


def test_support_without_javascript(client, make_user, make_idea, login, app):
    idea = make_idea()
    login(client, make_user())
    page = f"/en/ideas/{idea.id}"
    assert f'action="/en/ideas/{idea.id}/support"' in client.get(page).get_data(as_text=True)
    response = client.submit(f"/en/ideas/{idea.id}/support", page=page)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(page)
    html = client.get(page).get_data(as_text=True)
    assert "Thank you: your support is counted." in html
    assert "1 support" in html
    assert "Withdraw my support" in html
    # Twice: no error, still one support.
    response = client.submit(f"/en/ideas/{idea.id}/support", page=page)
    assert response.status_code == 302
    assert "You already support this idea." in client.get(page).get_data(as_text=True)
    assert _state(app, idea.id)[:2] == (1, 1)
    response = client.submit(f"/en/ideas/{idea.id}/unsupport", page=page)
    assert response.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "Your support is withdrawn." in html
    assert "0 supports" in html
    assert _state(app, idea.id)[:2] == (0, 0)


def test_support_goes_back_to_a_safe_next(client, make_user, make_idea, login):
    idea = make_idea()
    login(client, make_user())
    url = f"/en/ideas/{idea.id}/support"
    response = client.submit(url, {"next": "/en/ideas/new"}, page="/en/")
    assert response.headers["Location"] == "/en/ideas/new"
    for unsafe in ("https://evil.example/", "//evil.example", "/\\evil.example"):
        response = client.submit(url, {"next": unsafe}, page="/en/")
        assert response.headers["Location"].startswith(f"/en/ideas/{idea.id}")


def test_anonymous_support_goes_to_login(client, make_idea, app):
    idea = make_idea()
    response = client.submit(f"/en/ideas/{idea.id}/support", page="/en/account/login")
    assert response.status_code == 302
    assert "/en/account/login" in response.headers["Location"]
    assert _state(app, idea.id)[:2] == (0, 0)


def test_unconfirmed_user_gets_a_clear_message(client, make_user, make_idea, login, app):
    idea = make_idea()
    login(client, make_user(confirmed=False))
    page = f"/en/ideas/{idea.id}"
    assert "Please confirm your email address to support ideas." in client.get(page).get_data(
        as_text=True
    )
    response = client.submit(f"/en/ideas/{idea.id}/support", page=page)
    assert response.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "Please confirm your email address first" in html
    assert _state(app, idea.id)[:2] == (0, 0)


def test_author_cannot_support_own_idea(client, make_user, make_idea, login, app):
    author = make_user()
    idea = make_idea(author=author)
    login(client, author)
    page = f"/en/ideas/{idea.id}"
    html = client.get(page).get_data(as_text=True)
    assert f"/en/ideas/{idea.id}/support" not in html
    assert "This is your idea" in html
    client.submit(f"/en/ideas/{idea.id}/support", page=page)
    assert "You cannot support your own idea." in client.get(page).get_data(as_text=True)
    assert _state(app, idea.id)[:2] == (0, 0)


@pytest.mark.parametrize("status", ["withdrawn", "hidden"])
def test_no_support_on_withdrawn_or_hidden(client, make_user, make_idea, login, app, status):
    idea = make_idea(status=status)
    login(client, make_user())
    response = client.submit(f"/en/ideas/{idea.id}/support", page="/en/")
    assert response.status_code == 302
    assert "no longer takes supports" in client.get("/en/").get_data(as_text=True)
    assert _state(app, idea.id)[:2] == (0, 0)


def test_support_on_missing_or_pending_idea_is_404(client, make_user, make_idea, login):
    login(client, make_user())
    pending = make_idea(status="pending")
    assert client.submit("/en/ideas/999999/support", page="/en/").status_code == 404
    assert client.submit(f"/en/ideas/{pending.id}/support", page="/en/").status_code == 404


def test_support_without_csrf_token_is_a_400(client, make_user, make_idea, login, app):
    idea = make_idea()
    login(client, make_user())
    response = client.post(f"/en/ideas/{idea.id}/support")
    assert response.status_code == 400
    assert _state(app, idea.id)[:2] == (0, 0)


# --- JSON (the script) ------------------------------------------------------------


def test_support_with_javascript(client, make_user, make_idea, login, app):
    idea = make_idea()
    login(client, make_user())
    token = client.token(f"/en/ideas/{idea.id}")
    headers = {**JSON, "X-CSRFToken": token}
    response = client.post(f"/en/ideas/{idea.id}/support", headers=headers)
    assert response.status_code == 200
    data = response.get_json()
    assert data["supported"] is True
    assert data["support_count"] == 1
    assert data["count_label"] == "1 support"
    assert data["action"] == f"/en/ideas/{idea.id}/unsupport"
    assert data["button_label"] == "Withdraw my support"
    # Idempotent.
    data = client.post(f"/en/ideas/{idea.id}/support", headers=headers).get_json()
    assert data["support_count"] == 1
    data = client.post(f"/en/ideas/{idea.id}/unsupport", headers=headers).get_json()
    assert data == {
        **data,
        "supported": False,
        "support_count": 0,
        "action": f"/en/ideas/{idea.id}/support",
    }
    assert _state(app, idea.id)[:2] == (0, 0)


def test_json_refusals(client, make_client, make_user, make_idea, login):
    idea = make_idea()
    anonymous = make_client()
    token = anonymous.token("/en/account/login")
    response = anonymous.post(
        f"/en/ideas/{idea.id}/support", headers={**JSON, "X-CSRFToken": token}
    )
    assert response.status_code == 401
    assert response.get_json()["login_url"].startswith("/en/account/login")
    login(client, make_user(confirmed=False))
    token = client.token(f"/en/ideas/{idea.id}")
    response = client.post(f"/en/ideas/{idea.id}/support", headers={**JSON, "X-CSRFToken": token})
    assert response.status_code == 403
    assert response.get_json()["error"] == "unconfirmed"
    assert "confirm your email address" in response.get_json()["message"]
    response = client.post("/en/ideas/999999/support", headers={**JSON, "X-CSRFToken": token})
    assert response.status_code == 404
    assert response.is_json


def test_support_count_is_localized(client, make_user, make_idea, login):
    idea = make_idea(support_count=1234)
    html = client.get(f"/fr/ideas/{idea.id}").get_data(as_text=True)
    assert "1\u202f234" in html or "1 234" in html or "1\xa0234" in html


def test_support_post_is_three_statements_and_holds_no_transaction(
    client, make_user, make_idea, login, app
):
    """The support buttons read the visitor and the idea, then write with one
    statement (add_support or remove_support, which also return the new count).
    On PostgreSQL each runs in autocommit (web.one_statement_write):
    no BEGIN and no COMMIT round trip, and no transaction is left open between
    the statements, so the write has committed when its statement returns. On
    SQLite the write is two statements inside one transaction."""
    from sqlalchemy import event

    idea = make_idea()
    login(client, make_user())
    token = client.token(f"/en/ideas/{idea.id}")
    headers = {**JSON, "X-CSRFToken": token}
    with app.app_context():
        engine = db.engine
    postgres = engine.dialect.name == "postgresql"
    seen: list[tuple[str, bool]] = []

    def after(conn, cursor, statement, parameters, context, executemany):
        dbapi = conn.connection.dbapi_connection
        if postgres:
            from psycopg import pq

            idle = dbapi.info.transaction_status == pq.TransactionStatus.IDLE
        else:
            idle = not dbapi.in_transaction
        seen.append((statement, idle))

    event.listen(engine, "after_cursor_execute", after)
    try:
        for verb, count in (("support", 1), ("unsupport", 0), ("support", 1)):
            seen.clear()
            response = client.post(f"/en/ideas/{idea.id}/{verb}", headers=headers)
            assert response.status_code == 200
            assert response.get_json()["support_count"] == count
            if postgres:
                # The visitor, the idea, and the write: each its own transaction.
                assert [idle for _, idle in seen] == [True, True, True], seen
                function = "add_support(" if verb == "support" else "remove_support("
                assert function in seen[-1][0]
            else:
                # The insert (or delete), then the count the trigger moved: one
                # transaction, committed by transaction() after the last statement.
                assert len(seen) == 4, seen
                assert seen[-1][1] is False
    finally:
        event.remove(engine, "after_cursor_execute", after)
    assert _state(app, idea.id)[:2] == (1, 1)
