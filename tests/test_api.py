"""The public JSON API at /api/v1/: what it shows, what it never shows, and its
conventions (cursors, allow-listed filters, ETag/304, CORS, languages, JSON
errors, rate limits, fixed query counts). Both databases."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from participation.extensions import db
from participation.models import Idea
from tests.factories import insert_comment, municipality_id


def answer(app, idea, status: str, response: str = "We will do it.", official=None):
    """An official response given through the service, as the officials' page does."""
    from participation.services.officials import set_official_status

    with app.test_request_context("/en/"):
        texts = {"fr": response, "nl": response} if response else {}
        set_official_status(official, db.session.get(Idea, idea.id), status, texts)
        db.session.commit()


def get_json(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.headers["Content-Type"].startswith("application/json"), url
    return response, json.loads(response.get_data(as_text=True) or "null")


@pytest.fixture
def world(app, make_user, make_idea):
    """One idea in each state, with an email-bearing author, plus comments."""
    author = make_user(email="secret.author@example.be", display_name="Amina")
    official = make_user(role="official", email="secret.official@example.be", display_name="Ofc")
    ixelles = municipality_id(app, "ixelles")
    ideas = {
        "published": make_idea(
            author=author,
            title="Trees along the Chaussée d'Ixelles",
            challenge="sustainable",
            municipality_id=ixelles,
        ),
        "withdrawn": make_idea(status="withdrawn", author=author, title="A withdrawn idea here"),
        "pending": make_idea(status="pending", author=author, title="PENDING-SECRET idea"),
        "rejected": make_idea(status="rejected", author=author, title="REJECTED-SECRET idea"),
        "hidden": make_idea(status="hidden", author=author, title="HIDDEN-SECRET idea"),
    }
    answer(app, ideas["published"], "accepted", "Accepted: planting in spring.", official)
    published = ideas["published"]
    visible = insert_comment(app, published, author, body="VISIBLE comment words")
    insert_comment(app, published, author, body="HIDDEN-COMMENT-SECRET", status="hidden")
    insert_comment(app, published, author, body="DELETED-SECRET", status="deleted")
    insert_comment(app, published, make_user(), body="A reply to it", parent=visible)
    return {"ideas": ideas, "author": author, "official": official}


SECRETS = ("PENDING-SECRET", "REJECTED-SECRET", "HIDDEN-SECRET", "HIDDEN-COMMENT-SECRET")


def test_lists_public_ideas_only_and_never_emails_or_user_ids(client, world):
    ideas = world["ideas"]
    urls = [
        "/api/v1/",
        "/api/v1/ideas?limit=100",
        "/api/v1/ideas?limit=100&status=withdrawn",
        "/api/v1/ideas?q=secret",
        "/api/v1/statistics",
        *(f"/api/v1/ideas/{idea.id}" for idea in ideas.values()),
        *(f"/api/v1/ideas/{idea.id}/comments" for idea in ideas.values()),
    ]
    for url in urls:
        body = client.get(url).get_data(as_text=True)
        for secret in (*SECRETS, "DELETED-SECRET", "@example.be", "author_id", "user_id"):
            assert secret not in body, (url, secret)
    _, page = get_json(client, "/api/v1/ideas?limit=100")
    assert {i["id"] for i in page["data"]} == {ideas["published"].id, ideas["withdrawn"].id}


def test_pending_and_rejected_are_not_found_and_hidden_shows_its_notice(client, world):
    ideas = world["ideas"]
    for state in ("pending", "rejected"):
        response, body = get_json(client, f"/api/v1/ideas/{ideas[state].id}")
        assert response.status_code == 404
        assert body["error"]["code"] == "not_found"
    response, hidden = get_json(client, f"/api/v1/ideas/{ideas['hidden'].id}?lang=en")
    assert response.status_code == 200
    assert hidden["title"] is None and hidden["body_html"] is None and hidden["author"] is None
    assert hidden["placeholder"].startswith("This idea has been hidden by moderation")
    _, comments = get_json(client, f"/api/v1/ideas/{ideas['hidden'].id}/comments")
    assert comments["data"] == []


def test_a_signed_in_moderator_sees_no_more_through_the_api(client, world, make_user, login):
    login(client, make_user(role="moderator"))
    ideas = world["ideas"]
    assert client.get(f"/api/v1/ideas/{ideas['pending'].id}").status_code == 404
    assert "HIDDEN-SECRET" not in client.get(f"/api/v1/ideas/{ideas['hidden'].id}").text


def test_an_idea_with_its_official_history_and_author_name(client, world):
    idea = world["ideas"]["published"]
    response, body = get_json(client, f"/api/v1/ideas/{idea.id}?lang=fr")
    assert response.status_code == 200
    assert body["title"] == "Trees along the Chaussée d'Ixelles"
    assert body["author"] == {"display_name": "Amina"}
    assert body["challenge"]["slug"] == "sustainable"
    assert body["municipality"] == {"slug": "ixelles", "nis_code": "21009", "name": "Ixelles"}
    assert body["official_status"] == "accepted"
    assert body["official_status_label"] == "Acceptée"
    [change] = body["official_responses"]
    assert change["response"] == "Accepted: planting in spring."
    assert change["answered_by"] == {"display_name": "Ofc"}
    assert change["created_at"].endswith("+00:00")
    assert "<script" not in body["body_html"]
    assert body["url"] == f"http://localhost/fr/ideas/{idea.id}"


def test_comments_are_the_visible_ones_in_thread_order(client, world):
    idea = world["ideas"]["published"]
    _, body = get_json(client, f"/api/v1/ideas/{idea.id}/comments")
    assert [c["body_html"].count("VISIBLE") for c in body["data"]] == [1, 0]
    top, reply = body["data"]
    assert reply["parent_id"] == top["id"]
    assert top["author"]["display_name"] == "Amina"


def test_deleted_author_is_a_former_participant(app, client, world):
    from participation.models import User

    with app.app_context():
        user = db.session.get(User, world["author"].id)
        user.deleted_at = user.created_at
        user.display_name = None
        user.email = None
        db.session.commit()
    idea = world["ideas"]["published"]
    _, body = get_json(client, f"/api/v1/ideas/{idea.id}?lang=nl")
    assert body["author"] == {"display_name": "Voormalig deelnemer"}


def test_filters_and_a_cursor_like_the_site(app, client, make_idea):
    ixelles = municipality_id(app, "ixelles")
    for n in range(5):
        make_idea(challenge="sustainable", municipality_id=ixelles, title=f"Ixelles idea {n}")
    make_idea(challenge="sustainable", title="Whole region idea")
    make_idea(challenge="safe", municipality_id=ixelles, title="Safe Ixelles idea")
    url = "/api/v1/ideas?challenge=sustainable&municipality=ixelles&limit=3"
    first, page1 = get_json(client, url)
    assert first.status_code == 200 and page1["meta"]["count"] == 3
    assert page1["links"]["next"].startswith("http://localhost/api/v1/ideas?")
    cursor = page1["meta"]["next_cursor"]
    _, page2 = get_json(client, f"{url}&cursor={cursor}")
    titles = [i["title"] for i in page1["data"] + page2["data"]]
    assert sorted(titles) == [f"Ixelles idea {n}" for n in range(5)]
    assert page2["meta"]["next_cursor"] is None and page2["links"]["next"] is None
    # The same cursor with other filters is refused, not misread.
    response, error = get_json(client, f"/api/v1/ideas?challenge=safe&cursor={cursor}")
    assert response.status_code == 400 and "cursor" in error["error"]["details"]
    # Sorted and filtered by the official status, as on the site.
    _, whole = get_json(client, "/api/v1/ideas?municipality=region&sort=supported")
    assert [i["title"] for i in whole["data"]] == ["Whole region idea"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("sort=sideways", "sort"),
        ("status=pending", "status"),
        ("challenge=moon", "challenge"),
        ("municipality=paris", "municipality"),
        ("language=de", "language"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("cursor=%%%", "cursor"),
        ("cursor=eyJvIjotMSwiayI6IngifQ", "cursor"),
        ("lang=xx", "lang"),
    ],
)
def test_bad_parameters_are_a_clear_json_400(client, query, field):
    response, body = get_json(client, f"/api/v1/ideas?{query}", headers={"Accept-Language": "nl"})
    assert response.status_code == 400
    assert body["error"]["code"] == "bad_request"
    assert field in body["error"]["details"]
    assert body["error"]["message"] == "Sommige parameters zijn ongeldig."


def test_unknown_addresses_and_methods_are_json(client):
    response, body = get_json(client, "/api/v1/nothing-here")
    assert response.status_code == 404 and body["error"]["code"] == "not_found"
    response, body = get_json(client, "/api/v1/ideas/99999999")
    assert response.status_code == 404
    response = client.post("/api/v1/ideas")
    assert response.status_code in (400, 405)  # CSRF refuses a cookie-less POST first
    assert response.json["error"]["code"] in ("bad_request", "method_not_allowed")


@pytest.mark.logs_errors
def test_a_server_error_is_json_too(app, client, world):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def rename(old: str, new: str) -> None:
        with app.app_context():
            db.session.execute(text(f"ALTER TABLE {old} RENAME TO {new}"))
            db.session.commit()

    rename("official_status_changes", "official_status_changes_away")
    try:
        response, body = get_json(client, f"/api/v1/ideas/{world['ideas']['published'].id}")
    finally:
        rename("official_status_changes_away", "official_status_changes")
    assert response.status_code == 500
    assert body["error"]["code"] == "server_error"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_etag_and_last_modified_give_304(client, world):
    url = "/api/v1/ideas?challenge=sustainable"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    since = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    # Another language is another representation.
    other = client.get(url + "&lang=nl", headers={"If-None-Match": etag})
    assert other.status_code == 200
    assert "Accept-Language" in other.headers["Vary"]


def test_labels_follow_lang_then_accept_language(client, world):
    idea = world["ideas"]["published"]
    _, nl = get_json(client, f"/api/v1/ideas/{idea.id}", headers={"Accept-Language": "nl-BE"})
    assert nl["challenge"]["name"] == "Een duurzaam Gewest"
    _, en = get_json(client, f"/api/v1/ideas/{idea.id}?lang=en", headers={"Accept-Language": "nl"})
    assert en["official_status_label"] == "Accepted"
    response = client.get("/api/v1/challenges")
    assert response.headers["Content-Language"] == "fr"
    assert "Set-Cookie" not in response.headers


def test_cors_for_get_and_preflight(client):
    response = client.get("/api/v1/challenges", headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options("/api/v1/ideas", headers={"Origin": "https://example.org"})
    assert preflight.status_code == 200
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]


def test_challenges_and_municipalities(client):
    _, challenges = get_json(client, "/api/v1/challenges?lang=en")
    assert [c["slug"] for c in challenges["data"]] == ["connected", "sustainable", "open", "safe"]
    _, places = get_json(client, "/api/v1/municipalities?lang=nl")
    assert len(places["data"]) == 19
    names = [m["name"] for m in places["data"]]
    assert names == sorted(names) and "Elsene" in names


def test_statistics(client, world):
    _, stats = get_json(client, "/api/v1/statistics?lang=en")
    assert stats["totals"]["ideas"] == 2  # published and withdrawn
    assert stats["totals"]["answered"] == 1
    # The counters the lists show (kept by the comment services).
    _, idea = get_json(client, f"/api/v1/ideas/{world['ideas']['published'].id}")
    assert stats["totals"]["comments"] == idea["comment_count"]
    ixelles = next(
        r
        for r in stats["by_municipality"]
        if r["municipality"] and r["municipality"]["slug"] == "ixelles"
    )
    assert ixelles["ideas"] == 1 and ixelles["answered"] == 1 and ixelles["answer_rate"] == 1.0
    assert stats["by_municipality"][-1]["municipality"] is None
    assert len(stats["by_week"]) == 12 and stats["by_week"][-1]["ideas"] == 2
    assert stats["median_days_to_answer"] == 0.0


def test_rate_limit_is_a_json_429(app_config):
    from participation import create_app

    app = create_app("testing", {**app_config, "RATE_LIMIT_API": "2 per minute"})
    try:
        limited(app.test_client())
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def limited(client):
    assert client.get("/api/v1/challenges").status_code == 200
    assert client.get("/api/v1/municipalities").status_code == 200
    response = client.get("/api/v1/challenges", headers={"Accept-Language": "fr"})
    assert response.status_code == 429
    assert response.json["error"]["code"] == "too_many_requests"
    assert "Retry-After" in response.headers
    assert response.json["error"]["message"].startswith("Trop de requêtes")


def test_query_counts_do_not_grow_with_the_data(
    app, client, make_idea, make_user, runner, count_queries
):
    official = make_user(role="official")

    def counts():
        # The statistics: the numbers the job counted (tests/test_statistics_snapshot.py).
        assert runner.invoke(args=["jobs", "statistics"]).exit_code == 0
        found = {}
        for url in ("/api/v1/ideas?limit=100", "/api/v1/statistics", "/api/v1/challenges"):
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            found[url] = counter.count
        return found

    idea = make_idea()
    answer(app, idea, "under_review", "", official)
    with count_queries() as detail:
        client.get(f"/api/v1/ideas/{idea.id}")
    with count_queries() as discussion:
        client.get(f"/api/v1/ideas/{idea.id}/comments")
    small = counts()
    for n in range(15):
        more = make_idea(title=f"Another idea number {n}")
        answer(app, more, "accepted", "Yes.", official)
        insert_comment(app, idea, official, body=f"Comment {n}")
    assert counts() == small
    assert small["/api/v1/ideas?limit=100"] <= 5
    with count_queries() as detail_after:
        client.get(f"/api/v1/ideas/{idea.id}")
    with count_queries() as discussion_after:
        client.get(f"/api/v1/ideas/{idea.id}/comments")
    assert detail_after.count == detail.count <= 3
    assert discussion_after.count == discussion.count <= 3
