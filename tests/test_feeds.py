"""Atom feeds of new ideas, overall and per challenge."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

from participation.models.base import utcnow

ATOM = "{http://www.w3.org/2005/Atom}"


def parse(response) -> ET.Element:
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.data)


def test_feed_is_valid_atom_with_absolute_links(client, make_idea, make_user):
    now = utcnow()
    author = make_user(display_name="Inès <b>")
    older = make_idea(
        title="Older <idea> & more", created_at=now - timedelta(days=3), author=author
    )
    newer = make_idea(
        title="Newer idea",
        body="Trees on the **parvis**.\n\n<script>alert(1)</script> [link](javascript:alert(1))",
        challenge="sustainable",
        created_at=now,
    )
    make_idea(title="Pending idea", status="pending")
    make_idea(title="Hidden idea", status="hidden")

    feed = parse(client.get("/fr/ideas/feed.atom"))
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}").text
    self_link = feed.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == "http://localhost/fr/ideas/feed.atom"
    assert feed.find(f"{ATOM}link[@rel='alternate']").get("href") == "http://localhost/fr/ideas/"

    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Newer idea", "Older <idea> & more"]
    first = entries[0]
    assert first.find(f"{ATOM}id").text == f"http://localhost/fr/ideas/{newer.id}"
    assert first.find(f"{ATOM}link").get("href") == f"http://localhost/fr/ideas/{newer.id}"
    assert first.find(f"{ATOM}updated").text.endswith("Z")
    content = first.find(f"{ATOM}content")
    assert content.get("type") == "html"
    # The sanitized HTML, escaped once in the XML: parsed back it is HTML again.
    assert "<strong>parvis</strong>" in content.text
    assert "<script>" not in content.text
    assert "javascript:" not in content.text
    assert first.find(f"{ATOM}category").get("term") == "sustainable"
    assert entries[1].find(f"{ATOM}author/{ATOM}name").text == "Inès <b>"
    assert older.id


def test_challenge_feed_only_has_its_ideas(client, make_idea):
    make_idea(title="Safe idea", challenge="safe", language="nl")
    make_idea(title="Open idea", challenge="open")
    feed = parse(client.get("/nl/ideas/challenge/safe/feed.atom"))
    assert [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")] == ["Safe idea"]
    assert "Een veilig Gewest" in feed.find(f"{ATOM}title").text
    assert (
        feed.find(f"{ATOM}link[@rel='self']").get("href")
        == "http://localhost/nl/ideas/challenge/safe/feed.atom"
    )


def test_empty_feed_is_still_valid(client):
    feed = parse(client.get("/en/ideas/feed.atom"))
    assert feed.findall(f"{ATOM}entry") == []
    assert feed.find(f"{ATOM}updated").text.endswith("Z")


def test_pages_announce_their_feed(client):
    for url, feed in [
        ("/en/", "/en/ideas/feed.atom"),
        ("/en/ideas/", "/en/ideas/feed.atom"),
        ("/en/ideas/challenge/open", "/en/ideas/challenge/open/feed.atom"),
    ]:
        head = client.get(url).get_data(as_text=True).split("</head>")[0]
        assert '<link rel="alternate" type="application/atom+xml"' in head
        assert f'href="{feed}"' in head


def test_feed_query_count_is_fixed(client, make_idea, count_queries):
    make_idea()
    with count_queries() as few:
        client.get("/en/ideas/challenge/connected/feed.atom")
    for _ in range(8):
        make_idea()
    with count_queries() as many:
        client.get("/en/ideas/challenge/connected/feed.atom")
    assert few.count == many.count <= 2
