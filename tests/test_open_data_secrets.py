"""Nothing that is not public leaves through open data (issue 13): each kind
of non-public content is created (pending, rejected and hidden ideas, hidden
and deleted comments, the emails of an unconfirmed and of a banned account),
checked to be in the database, then searched for in every API response
(every operation of the OpenAPI registry, every idea, every order, the
cursors followed) and in every dataset file the catalogue lists. Both
databases."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from participation.extensions import db
from participation.models import Comment, Idea, User
from participation.models.base import utcnow
from participation.services import browse
from tests.factories import insert_comment, municipality_id
from tests.test_api import answer

SECRET = "S3CRET"  # in every piece of non-public content
NEVER = (SECRET, "@example.be", "@secret.example", "author_id", "user_id", "password")


@pytest.fixture
def hidden_world(app, make_user, make_idea):
    unconfirmed = make_user(confirmed=False, email="unconfirmed@secret.example")
    banned = make_user(email="banned@secret.example", display_name="Banned person")
    author = make_user(email="author@secret.example", display_name="Amina")
    official = make_user(role="official", email="official@secret.example", display_name="Ofc")
    ixelles = municipality_id(app, "ixelles")
    public = make_idea(author=author, title="A public tram idea", municipality_id=ixelles)
    by_banned = make_idea(author=banned, title="An idea before the ban")
    withdrawn = make_idea(status="withdrawn", author=author, title="A withdrawn tram idea")
    secret_ideas = [
        make_idea(
            status=status,
            author=author,
            title=f"{SECRET} {status} tram idea",
            body=f"The {SECRET} words of a {status} idea.",
            municipality_id=ixelles,
        )
        for status in ("pending", "rejected", "hidden")
    ]
    answer(app, public, "accepted", "Planting in spring.", official)
    insert_comment(app, public, author, body="A visible comment")
    insert_comment(app, public, banned, body="A comment before the ban")
    insert_comment(app, public, author, body=f"{SECRET} hidden comment", status="hidden")
    parent = insert_comment(app, public, author, body=f"{SECRET} deleted comment", status="deleted")
    insert_comment(app, public, unconfirmed, body="A reply", parent=parent)
    insert_comment(app, secret_ideas[2], author, body=f"{SECRET} on a hidden idea")
    with app.app_context():
        db.session.execute(
            update(User).where(User.id == banned.id).values(banned_at=utcnow() - timedelta(hours=1))
        )
        db.session.commit()
    return [public, by_banned, withdrawn, *secret_ideas]


def _present(app) -> None:
    """The non-public content is really there to be found."""
    with app.app_context():
        ideas = db.session.scalars(select(Idea.status).where(Idea.title.contains(SECRET))).all()
        assert sorted(ideas) == ["hidden", "pending", "rejected"]
        comments = db.session.scalars(
            select(Comment.status).where(Comment.body_source.contains(SECRET))
        ).all()
        assert sorted(comments) == ["deleted", "hidden", "visible"]  # the last on a hidden idea
        emails = db.session.scalars(select(User.email).where(User.email.contains("secret"))).all()
        assert len(emails) == 4


def api_urls(client, ideas) -> list[str]:
    """Every API operation, with every idea for the path ones and every order
    and filter value for the lists; the cursors are followed."""
    from participation.api import OPERATIONS

    urls = ["/api/v1/openapi.json"]
    for op in OPERATIONS:
        path = client.application.url_map._rules_by_endpoint[op.endpoint][0].rule
        if "<int:idea_id>" in path:
            urls += [path.replace("<int:idea_id>", str(i.id)) + "?limit=100" for i in ideas]
        elif "<" not in path:
            urls.append(path)
    lists = ["/api/v1/ideas?limit=100", "/api/v1/ideas?q=tram&limit=2"]
    lists += [f"/api/v1/ideas?sort={sort}&limit=2" for sort in browse.SORT_LABELS]
    lists += [f"/api/v1/ideas?status={status}&limit=100" for status in browse.STATUS_LABELS]
    # The search words are echoed in the links: searched in lower case.
    lists += ["/api/v1/ideas?q=s3cret", "/api/v1/ideas?municipality=ixelles&limit=100"]
    for url in lists:
        for _ in range(20):
            urls.append(url)
            page = client.get(url).get_json()
            url = (page.get("links") or {}).get("next")
            if not url:
                break
    return urls + [f"{u}&lang={lang}" if "?" in u else u for u in urls[:3] for lang in ("nl",)]


def test_no_api_response_carries_non_public_content(app, client, hidden_world):
    _present(app)
    urls = api_urls(client, hidden_world)
    assert len(urls) > 30
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 400, 404), (url, response.status_code)
        body = response.get_data(as_text=True)
        for secret in NEVER:
            assert secret not in body, (url, secret)
    # Public content does come out (the search is not vacuous).
    listed = client.get("/api/v1/ideas?limit=100").get_data(as_text=True)
    assert "A public tram idea" in listed and "Banned person" in listed


def test_no_dataset_file_carries_non_public_content(app, client, runner, hidden_world, tmp_path):
    _present(app)
    directory = tmp_path / "opendata"
    app.config["OPENDATA_DIR"] = str(directory)
    result = runner.invoke(args=["opendata", "export", "--directory", str(directory)])
    assert result.exit_code == 0, result.output
    catalog = client.get("/data/catalog.jsonld").get_data(as_text=True)
    downloads = set(re.findall(r"http://localhost(/data/[\w.]+)", catalog)) - {
        "/data/catalog.jsonld"
    }
    assert len(downloads) == 14
    files = sorted(directory.iterdir())
    assert len(files) == 15  # seven datasets in two formats, and the index
    everything = [path.read_text(encoding="utf-8") for path in files]
    everything.append(catalog)
    for url in sorted(downloads):
        response = client.get(url)
        assert response.status_code == 200, url
        everything.append(response.get_data(as_text=True))
    # The pages that show the same numbers.
    for url in ("/en/stats", "/en/municipalities", "/en/municipalities/ixelles", "/en/data"):
        everything.append(client.get(url).get_data(as_text=True))
    for text in everything:
        for secret in NEVER:
            assert secret not in text, secret
    assert any("A public tram idea" in text for text in everything)
