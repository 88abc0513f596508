"""A database restart never answers a 500.

The pool keeps server connections between requests. When PostgreSQL restarts
(or an administrator or an idle timeout ends a session), the server closes
them; the next request must still get its page. The engine has no
pool_pre_ping (a round trip per request): a connection the server closed is
replaced when it is taken from the pool (participation._replace_closed_connection).
pg_terminate_backend is what a restart does to each session: the backend says
"terminating connection due to administrator command" and hangs up.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from participation.extensions import db

JSON = {"Accept": "application/json"}
SESSIONS = (
    "SELECT pid FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


def _end_every_session(app) -> int:
    """End the app's server sessions, as a restart does; how many there were."""
    with app.app_context():
        url = db.engine.url
    # Autocommit: pg_stat_activity is read afresh by each statement, not once
    # per transaction.
    engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            pids = set(conn.scalars(text(SESSIONS)))
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM (" + SESSIONS + ") AS s"))
            deadline = time.monotonic() + 10
            while pids & set(conn.scalars(text(SESSIONS))) and time.monotonic() < deadline:
                time.sleep(0.02)
            assert not pids & set(conn.scalars(text(SESSIONS)))
    finally:
        engine.dispose()
    return len(pids)


def test_the_engine_does_not_ping(app):
    assert not app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("pool_pre_ping")


@pytest.mark.postgres_only
def test_pages_and_writes_after_the_server_ended_the_sessions(
    app, client, login, make_user, make_idea
):
    idea = make_idea()
    login(client, make_user())
    token = client.token(f"/en/ideas/{idea.id}")
    assert client.get("/en/ideas/").status_code == 200
    assert _end_every_session(app) >= 1  # the pool held the app's connection
    assert client.get("/en/ideas/").status_code == 200
    assert _end_every_session(app) >= 1
    response = client.post(f"/en/ideas/{idea.id}/support", headers={**JSON, "X-CSRFToken": token})
    assert response.status_code == 200
    assert response.get_json()["support_count"] == 1
    _end_every_session(app)
    response = client.post(f"/en/ideas/{idea.id}/unsupport", headers={**JSON, "X-CSRFToken": token})
    assert response.status_code == 200
    assert response.get_json()["support_count"] == 0
