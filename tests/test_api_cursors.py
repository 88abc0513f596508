"""The API's cursors are keysets: "after this row", not an offset. Every order
walks every public idea exactly once (ties and ideas never published included),
a page does not shift when ideas are added meanwhile, a cursor is opaque and
signed, no statement uses OFFSET, and the comments are paged in SQL. Both
databases."""

from __future__ import annotations

import base64
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import event, update

from participation.extensions import db
from participation.models import Idea
from participation.models.base import utcnow
from tests.factories import insert_comment
from tests.test_api import get_json


def walk(client, url: str) -> list[int]:
    """Every id of a list, following the cursors page by page."""
    seen: list[int] = []
    next_url: str | None = url
    for _ in range(100):
        response, page = get_json(client, next_url)
        assert response.status_code == 200, page
        seen += [item["id"] for item in page["data"]]
        next_url = page["links"]["next"]
        if next_url is None:
            return seen
    raise AssertionError("the cursors never end")


@pytest.fixture
def crowd(app, make_idea):
    """Fourteen public ideas with ties on every sort key, two withdrawn before
    publication (no publication date), and non-public ones."""
    same = utcnow() - timedelta(days=3)
    ideas = [
        make_idea(
            title=f"Crowd tram idea {n}",
            support_count=n % 3,
            comment_count=n % 2,
            challenge="sustainable" if n % 2 else "open",
        )
        for n in range(12)
    ]
    ideas += [make_idea(status="withdrawn", title=f"Crowd tram withdrawn {n}") for n in range(2)]
    for status in ("pending", "rejected", "hidden"):
        make_idea(status=status, title=f"Crowd tram {status}")
    with app.app_context():
        ids = [i.id for i in ideas]
        db.session.execute(update(Idea).where(Idea.id.in_(ids[:6])).values(published_at=same))
        db.session.execute(update(Idea).where(Idea.id.in_(ids[-2:])).values(published_at=None))
        db.session.commit()
    return ids


@pytest.mark.parametrize("sort", ["newest", "supported", "discussed", "trending"])
def test_every_order_walks_every_public_idea_once(client, crowd, sort):
    _, whole = get_json(client, f"/api/v1/ideas?sort={sort}&limit=100")
    expected = [item["id"] for item in whole["data"]]
    assert sorted(expected) == sorted(crowd)
    for limit in (1, 3, 5):
        assert walk(client, f"/api/v1/ideas?sort={sort}&limit={limit}") == expected


@pytest.mark.parametrize("sort", ["relevance", "newest", "supported", "discussed", "trending"])
def test_search_walks_too_in_every_order(client, crowd, sort):
    """With search words the API reads the same bounded set of recent matches as
    the list page, and its cursors walk it in every order, ties and ideas
    without a publication date included."""
    _, whole = get_json(client, f"/api/v1/ideas?q=tram&sort={sort}&limit=100")
    expected = [item["id"] for item in whole["data"]]
    assert sorted(expected) == sorted(crowd)
    for limit in (1, 4):
        assert walk(client, f"/api/v1/ideas?q=tram&sort={sort}&limit={limit}") == expected
    # The same order as the site's search page.
    html = client.get(f"/en/ideas/?q=tram&sort={sort}").get_data(as_text=True)
    shown = re.findall(r'class="idea-card-title"[^>]*><a href="/en/ideas/(\d+)"', html)
    assert [int(n) for n in shown] == expected


def test_a_page_does_not_shift_when_ideas_are_added(client, make_idea):
    olds = [make_idea(title=f"Old idea {n}") for n in range(6)]
    _, first = get_json(client, "/api/v1/ideas?limit=3")
    assert [i["id"] for i in first["data"]] == [i.id for i in olds[::-1][:3]]
    # Two newer ideas arrive between the two requests: an offset would repeat
    # the last two ideas of the first page; the cursor goes on after it.
    make_idea(title="Newer idea 1")
    make_idea(title="Newer idea 2")
    _, second = get_json(client, first["links"]["next"])
    assert [i["id"] for i in second["data"]] == [i.id for i in olds[::-1][3:]]
    assert second["meta"]["next_cursor"] is None


def _tampered(cursor: str) -> list[str]:
    payload, _, signature = cursor.rpartition(".")
    flipped = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    forged = base64.urlsafe_b64encode(json.dumps({"a": [None, 1], "k": "x"}).encode()).decode()
    return [f"{flipped}.{signature}", forged, forged.rstrip("=") + ".abc", cursor[:-2], "%%%"]


def test_a_tampered_cursor_is_a_clear_json_400(client, crowd):
    _, page = get_json(client, "/api/v1/ideas?limit=2&sort=supported")
    cursor = page["meta"]["next_cursor"]
    for bad in _tampered(cursor):
        response, body = get_json(
            client,
            f"/api/v1/ideas?limit=2&sort=supported&cursor={bad}",
            headers={"Accept-Language": "en"},
        )
        assert response.status_code == 400, bad
        assert body["error"]["code"] == "bad_request"
        assert "damaged" in body["error"]["details"]["cursor"]
    # A cursor is bound to its order and filters.
    response, body = get_json(
        client,
        f"/api/v1/ideas?limit=2&sort=newest&cursor={cursor}",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400 and "another query" in body["error"]["details"]["cursor"]


def test_no_offset_and_a_fixed_number_of_queries_however_deep(app, client, crowd):
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        # SQLite's dialect writes "LIMIT ? OFFSET ?" with 0: only a real offset counts.
        offset = parameters[-1] if "OFFSET ?" in statement else 0
        statements.append(statement if offset == 0 else f"{statement} -- OFFSET {offset}")

    with app.app_context():
        engine = db.engine
    counts = []
    url: str | None = "/api/v1/ideas?sort=supported&limit=2"
    event.listen(engine, "before_cursor_execute", before)
    try:
        while url:
            statements.clear()
            _, page = get_json(client, url)
            counts.append(len(statements))
            assert not [s for s in statements if "OFFSET %" in s or "-- OFFSET" in s], statements
            url = page["links"]["next"]
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert len(counts) == 7 and len(set(counts[1:])) == 1 and counts[-1] <= 5


def test_comments_are_paged_in_sql_in_thread_order(
    app, client, make_idea, make_user, count_queries
):
    idea = make_idea()
    author = make_user()
    first = insert_comment(app, idea, author, body="First thread")
    second = insert_comment(app, idea, author, body="Second thread")
    hidden = insert_comment(app, idea, author, body="HIDDEN thread", status="hidden")
    reply_1 = insert_comment(app, idea, author, body="Reply to first", parent=first)
    reply_h = insert_comment(app, idea, author, body="Reply to hidden", parent=hidden)
    insert_comment(app, idea, author, body="DELETED reply", parent=first, status="deleted")
    reply_2 = insert_comment(app, idea, author, body="Second reply to first", parent=first)
    expected = [first.id, reply_1.id, reply_2.id, second.id, reply_h.id]
    url = f"/api/v1/ideas/{idea.id}/comments"
    assert walk(client, f"{url}?limit=100") == expected
    for limit in (1, 2, 3):
        assert walk(client, f"{url}?limit={limit}") == expected
    # A page costs the same however long the discussion, and never uses OFFSET.
    with count_queries() as few:
        _, page = get_json(client, f"{url}?limit=2")
    for n in range(30):
        insert_comment(app, idea, author, body=f"More {n}")
    with count_queries() as many:
        _, again = get_json(client, f"{url}?limit=2")
    assert many.count == few.count <= 3
    assert [c["id"] for c in again["data"]] == [first.id, reply_1.id]
    response, body = get_json(client, f"{url}?limit=2&cursor={again['meta']['next_cursor']}x")
    assert response.status_code == 400 and "cursor" in body["error"]["details"]
