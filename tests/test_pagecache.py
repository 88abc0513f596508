"""The page cache (participation/pagecache.py): public reading pages are kept per
content version, and no one ever sees a page older than the last write, a page
made for someone else, or hidden content.

The rest of the suite runs with the cache off (so that query counts measure the
real work); here it is on, on SQLite and PostgreSQL, with the content version in
a file (one machine) and in Redis (several app servers)."""

from __future__ import annotations

import pytest

from participation import create_app
from participation.extensions import db
from participation.models import Idea


@pytest.fixture
def app_config(app_config, tmp_path):
    return {
        **app_config,
        "PAGE_CACHE_ENABLED": True,
        "PAGE_CACHE_VERSION_FILE": str(tmp_path / "content-version"),
    }


def html(response) -> str:
    return response.get_data(as_text=True)


def test_anonymous_pages_are_kept_until_a_write(
    client, make_idea, make_user, login, make_client, count_queries
):
    idea = make_idea(title="Benches along the canal")
    for path in ("/en/", "/en/ideas/", f"/en/ideas/{idea.id}", "/nl/ideas/challenge/connected"):
        first = client.get(path)
        assert first.status_code == 200, path
        with count_queries() as counter:
            again = client.get(path)
        assert again.status_code == 200
        assert counter.count == 0, (path, counter.statements)
        assert again.get_data() == first.get_data()
        assert again.headers["ETag"] == first.headers["ETag"]
        assert again.headers["Cache-Control"] == "no-cache"

    # A citizen supports the idea (a write through the app): the very next
    # anonymous view shows the new count.
    citizen = make_client()
    login(citizen, make_user())  # a write too (the last login): the page is rendered again
    token = citizen.token(f"/en/ideas/{idea.id}")
    assert "0 supports" in html(client.get(f"/en/ideas/{idea.id}"))  # kept from now on
    response = citizen.post(f"/en/ideas/{idea.id}/support", data={"csrf_token": token})
    assert response.status_code == 302
    with count_queries() as counter:
        page = html(client.get(f"/en/ideas/{idea.id}"))
    assert counter.count > 0
    assert "1 support" in page
    # A new idea appears in the list at once.
    make_idea(title="Shade trees on the Place Flagey")
    assert "Shade trees on the Place Flagey" in html(client.get("/en/ideas/"))


def test_a_kept_page_still_answers_304(client, make_idea):
    make_idea()
    first = client.get("/en/ideas/", headers={"Accept-Encoding": "gzip"})
    assert first.headers["Content-Encoding"] == "gzip"
    kept = client.get("/en/ideas/", headers={"Accept-Encoding": "gzip"})
    assert kept.headers["Content-Encoding"] == "gzip"
    assert kept.get_data() == first.get_data()
    again = client.get(
        "/en/ideas/", headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    # Another encoding is another entry, never the gzip bytes.
    plain = client.get("/en/ideas/", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert b"<html" in plain.get_data()


def test_signed_in_visitors_never_get_a_shared_page(
    client, make_idea, make_user, login, make_client, count_queries
):
    make_idea(title="Night buses to the outer municipalities")
    anonymous = html(client.get("/en/ideas/"))
    citizen = make_user(display_name="Zoë Vandenberghe")
    signed = make_client()
    login(signed, citizen)
    page = signed.get("/en/ideas/")
    assert page.headers["Cache-Control"] == "private, no-store"
    assert "Zoë Vandenberghe" in html(page)
    assert "Night buses to the outer municipalities" in html(page)
    # The list's shared blocks are kept: a signed-in view costs only the
    # visitor (one query), whatever the data.
    with count_queries() as counter:
        again = signed.get("/en/ideas/")
    assert "Zoë Vandenberghe" in html(again)
    assert counter.count == 1, counter.statements
    # The anonymous page never shows the signed-in visitor.
    assert "Zoë Vandenberghe" not in html(client.get("/en/ideas/"))
    assert html(client.get("/en/ideas/")) == anonymous
    # The idea page (with the visitor's own support button) is never shared.
    idea = make_idea(title="Water fountains in the Parc du Cinquantenaire")
    assert signed.submit(f"/en/ideas/{idea.id}/support", {}).status_code == 302
    mine = html(signed.get(f"/en/ideas/{idea.id}"))
    assert "Withdraw my support" in mine
    assert "Withdraw my support" not in html(client.get(f"/en/ideas/{idea.id}"))


def test_the_home_page_is_kept_apart_for_visitors_and_signed_in_residents(
    client, make_idea, make_user, login, make_client, count_queries
):
    """Its blocks are the same for everyone but the invitation to create an
    account: kept once for visitors and once for signed-in residents, never
    with anyone's menu or name."""
    make_idea(title="Cargo bikes for the Marolles")
    invitation = "You need an account to propose an idea:"
    first, second = make_user(display_name="Ilse Peeters"), make_user(display_name="Karim B.")
    signed_first, signed_second = make_client(), make_client()
    login(signed_first, first)
    login(signed_second, second)
    page = html(signed_first.get("/en/"))
    assert "Cargo bikes for the Marolles" in page and "Ilse Peeters" in page
    assert invitation not in page
    # Another resident: the kept blocks, in a frame of their own (one query: them).
    with count_queries() as counter:
        other = html(signed_second.get("/en/"))
    assert counter.count == 1, counter.statements
    assert "Karim B." in other and "Ilse Peeters" not in other
    assert invitation not in other and "Cargo bikes for the Marolles" in other
    # Visitors: their own kept page, with the invitation, without anyone's name.
    public = html(client.get("/en/"))
    assert invitation in public and "Cargo bikes for the Marolles" in public
    assert "Ilse Peeters" not in public and "Karim B." not in public
    # A write: everyone sees it on their next view.
    make_idea(title="Shade trees on the Place Flagey")
    assert "Shade trees on the Place Flagey" in html(signed_second.get("/en/"))
    assert "Shade trees on the Place Flagey" in html(client.get("/en/"))


@pytest.mark.postgres_only
def test_pages_built_for_a_visitor_read_without_a_transaction(
    app, make_idea, make_user, login, make_client, runner
):
    """On PostgreSQL the pages that only read (those the cache may keep) run
    their queries in autocommit: no BEGIN, no ROLLBACK round trip. A write
    still runs in its transaction."""
    from sqlalchemy import event

    idea = make_idea(title="Benches along the canal")
    assert runner.invoke(args=["jobs", "statistics"]).exit_code == 0  # counted: /stats reads
    signed = make_client()
    login(signed, make_user())
    with app.app_context():
        engine = db.engine
    seen: list[tuple[str, bool]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement.split()[0].upper(), conn.connection.dbapi_connection.autocommit))

    event.listen(engine, "before_cursor_execute", record)
    try:
        for path in ("/en/", "/en/ideas/", f"/en/ideas/{idea.id}", "/en/stats"):
            seen.clear()
            assert signed.get(path).status_code == 200, path
            assert seen and all(autocommit for _, autocommit in seen), (path, seen)
        seen.clear()
        page = f"/en/ideas/{idea.id}"
        response = signed.submit(
            f"/en/ideas/{idea.id}/comments", {"body": "Yes, please."}, page=page
        )
        assert response.status_code == 302
        assert ("INSERT", False) in seen, seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_flash_messages_are_never_shared(app, make_idea, make_client):
    make_idea()
    first, second = make_client(), make_client()
    second.get("/en/ideas/")  # kept
    with first.session_transaction() as session:
        session["_flashes"] = [("info", "A message for the first visitor only")]
    assert "A message for the first visitor only" in html(first.get("/en/ideas/"))
    assert "A message for the first visitor only" not in html(second.get("/en/ideas/"))
    assert "A message for the first visitor only" not in html(first.get("/en/ideas/"))


def test_hidden_means_hidden_at_once(client, make_idea, make_user, login, make_client):
    idea = make_idea(title="Cameras on every corner of the Marolles")
    assert "Cameras on every corner" in html(client.get("/en/ideas/"))
    assert client.get(f"/en/ideas/{idea.id}").status_code == 200
    moderator = make_client()
    login(moderator, make_user(role="moderator"))
    hidden = moderator.submit(
        f"/en/moderation/ideas/{idea.id}/hide",
        {"reason": "personal_data", "text": "names a person"},
        page=f"/en/moderation/ideas/{idea.id}",
    )
    assert hidden.status_code == 302
    assert "Cameras on every corner" not in html(client.get("/en/ideas/"))
    assert "Cameras on every corner" not in html(client.get(f"/en/ideas/{idea.id}"))


def _second_server(app):
    """Another app process on the same database and the same version store."""
    other = create_app("testing", dict(app.config))
    return other


@pytest.mark.parametrize("store", ["file", pytest.param("redis", marks=pytest.mark.redis)])
def test_a_write_on_one_server_is_seen_on_the_other(request, app, make_idea, store):
    if store == "redis":
        url, _server = request.getfixturevalue("redis_server")
        app.config["REDIS_URL"] = url
    idea = make_idea(title="A tram to the Heysel")
    one = app.test_client()
    assert "0 supports" in html(one.get(f"/en/ideas/{idea.id}"))
    assert "0 supports" in html(one.get(f"/en/ideas/{idea.id}"))  # kept on server one
    other = _second_server(app)
    with other.app_context():
        row = db.session.get(Idea, idea.id)
        row.title = "A tram to the Heysel and the Atomium"
        db.session.commit()
    assert "A tram to the Heysel and the Atomium" in html(one.get(f"/en/ideas/{idea.id}"))
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_redis_down_means_no_cache_not_an_error(app, client, make_idea):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nobody there
    make_idea(title="Bike lanes on the Petite Ceinture")
    for _ in range(2):
        response = client.get("/en/ideas/")
        assert response.status_code == 200
        assert "Bike lanes on the Petite Ceinture" in html(response)


def test_mail_bookkeeping_leaves_kept_pages_alone(app, client, make_idea, count_queries):
    from participation.models.outbox import OutboxMessage

    make_idea(title="Benches in the Parc de Forest")
    client.get("/en/ideas/")
    with app.app_context():
        version = app.extensions["page_cache"].version()
        db.session.execute(OutboxMessage.__table__.delete())
        db.session.commit()
        assert app.extensions["page_cache"].version() == version
    with count_queries() as counter:
        client.get("/en/ideas/")
    assert counter.count == 0
    with app.app_context():
        row = db.session.scalar(db.select(Idea))
        row.title = "Benches in the Parc de Forest and the Parc Duden"
        db.session.commit()
        assert app.extensions["page_cache"].version() == version + 1
    assert "Parc Duden" in html(client.get("/en/ideas/"))


def test_statistics_pages_are_kept_for_minutes_and_say_so(
    app, client, make_idea, make_user, login, make_client, count_queries
):
    make_idea(title="Solar panels on schools")
    for path in ("/en/stats", "/nl/municipalities", "/fr/municipalities/ixelles"):
        first = client.get(path)
        assert first.status_code == 200, path
        make_idea(title="One more idea")  # a write: statistics pages are kept anyway
        with count_queries() as counter:
            again = client.get(path)
        assert counter.count == 0, (path, counter.statements)
        assert again.get_data() == first.get_data()
    assert "They are counted again every 5 minutes." in html(client.get("/en/stats"))
    # Signed in: the same kept figures (no aggregate is computed again), in a
    # frame of their own (their menu), never another visitor's page.
    signed = make_client()
    user = make_user(display_name="Noor Statistics")
    login(signed, user)
    # The visitor, and for a municipality its row (a 404 for an unknown one).
    for path, queries in (
        ("/en/stats", 1),
        ("/nl/municipalities", 1),
        ("/fr/municipalities/ixelles", 2),
    ):
        signed.get(path)
        with count_queries() as counter:
            page = signed.get(path)
        assert page.status_code == 200
        assert counter.count == queries, (path, counter.statements)
        assert "Noor Statistics" in html(page)
        # The style sheets the page lists for itself reach the frame's <head>.
        assert "css/opendata.css" in html(page) and "css/officials.css" in html(page)
        assert "Noor Statistics" not in html(client.get(path))
    assert signed.get("/en/municipalities/nowhere").status_code == 404


def test_api_statistics_are_computed_at_most_every_few_minutes(client, make_idea, count_queries):
    make_idea(title="Heat maps of the Region")
    first = client.get("/api/v1/statistics?lang=fr")
    assert first.status_code == 200 and first.json["totals"]["ideas"] == 1
    make_idea(title="Another idea")
    with count_queries() as counter:
        again = client.get("/api/v1/statistics?lang=fr")
    assert counter.count == 0
    assert again.json == first.json
