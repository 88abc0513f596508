"""The idea page's kept pieces (ideas/routes_read.detail_page): its main column,
its aside and its discussion are each rendered once per content version for the
visitors who see them alike, and only the frame for each visitor. No visitor
may see what another's rights or actions show, nor another's CSRF token, and a
write shows at once, whoever rendered the pieces first."""

from __future__ import annotations

import re

import pytest

from participation.extensions import db
from participation.models import Support

TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]*)"')


def tokens(html: str) -> set[str]:
    return set(TOKEN.findall(html))


def _form(html: str, action: str) -> str:
    found = re.search(rf'<form [^>]*action="{re.escape(action)}".*?</form>', html, re.S)
    assert found, action
    return found.group(0)


@pytest.fixture
def cast(app, make_user, make_idea, make_comment, make_client, login):
    """An idea with a comment, and a client for each kind of visitor."""
    app.config["PAGE_CACHE_ENABLED"] = True
    people = {
        "reader": make_user(),
        "supporter": make_user(),
        "writer": make_user(),
        "author": make_user(),
        "moderator": make_user(role="moderator"),
        "official": make_user(role="official"),
    }
    idea = make_idea(author=people["author"], title="Benches along the canal")
    comment = make_comment(idea, author=people["writer"], body="Words of the writer.")
    with app.app_context():
        db.session.add(Support(idea_id=idea.id, user_id=people["supporter"].id))
        db.session.commit()
    clients = {"anonymous": make_client()}
    for name, user in people.items():
        clients[name] = make_client()
        login(clients[name], user)
    return idea, comment, clients, people


def _pages(clients, url, order):
    return {name: clients[name].get(url).get_data(as_text=True) for name in order}


@pytest.mark.parametrize("reader_first", [True, False])
def test_each_visitor_sees_their_own_rights_whoever_came_first(cast, reader_first):
    idea, comment, clients, _people = cast
    url = f"/en/ideas/{idea.id}"
    names = ["reader", "anonymous", "supporter", "writer", "author", "moderator", "official"]
    order = names if reader_first else names[1:] + names[:1]
    pages = _pages(clients, url, order)
    support, unsupport = f"/en/ideas/{idea.id}/support", f"/en/ideas/{idea.id}/unsupport"

    # The support box follows each visitor.
    assert "Support this idea" in pages["reader"] and unsupport not in pages["reader"]
    assert "Withdraw my support" in pages["supporter"] and support not in pages["supporter"]
    assert "Log in to support this idea" in pages["anonymous"]
    assert "This is your idea: others can support it." in pages["author"]
    # The author's actions, the official's answer, the moderator's links.
    for name, page in pages.items():
        assert ("Withdraw my idea" in page) == (name == "author"), name
        assert ("Give an official response" in page) == (name == "official"), name
        assert ('class="moderate-link"' in page) == (name == "moderator"), name
        # Own comment: edit and delete, no report.
        article = re.search(rf'<article [^>]*id="comment-{comment.id}".*?</article>', page, re.S)
        assert article
        assert ("my comment" in article.group(0)) == (name == "writer"), name
        assert ("Report" in article.group(0)) == (name != "writer"), name
        # The words and the idea for everyone.
        assert "Words of the writer." in page and "Benches along the canal" in page
        assert "<csrf-token>" not in page

    # No token for a visitor; one token per signed-in visitor, their own.
    assert tokens(pages["anonymous"]) == set()
    seen: dict[str, str] = {}
    for name in names[2:] + ["reader"]:
        (token,) = tokens(pages[name])
        assert token not in seen.values(), (name, seen)
        seen[name] = token
    # The reader's token, from the kept support form and reply form, works.
    reader = pages["reader"]
    (in_support_form,) = tokens(_form(reader, support))
    (in_reply_form,) = tokens(_form(reader, f"/en/ideas/{idea.id}/comments"))
    assert in_support_form == in_reply_form == seen["reader"]
    response = clients["reader"].post(support, data={"csrf_token": in_support_form})
    assert response.status_code in (302, 303), response.status_code
    # ...and shows at once, to them and to everyone.
    after = _pages(clients, url, ["supporter", "reader", "anonymous"])
    assert "Withdraw my support" in after["reader"]
    for page in after.values():
        assert "2 supports" in page


def test_a_new_comment_and_a_new_name_show_at_once(cast, app, make_comment, make_user):
    from participation.models import User

    idea, comment, clients, _people = cast
    url = f"/en/ideas/{idea.id}"
    assert "Words of the writer." in clients["reader"].get(url).get_data(as_text=True)
    make_comment(idea, author=make_user(), body="A second voice joins.")
    with app.app_context():
        writer = db.session.get(User, comment.author_id)
        writer.display_name = "Renamed Writer"
        db.session.commit()
    for name in ("reader", "anonymous"):
        page = clients[name].get(url).get_data(as_text=True)
        assert "A second voice joins." in page and "Renamed Writer" in page
        assert "2 comments" in page


def test_no_words_can_take_the_place_of_the_token(cast, make_comment):
    """The stand-in for the CSRF token cannot be written by anyone: in a comment,
    it is escaped, and stays as written."""
    idea, _comment, clients, _people = cast
    make_comment(idea, body="Try <csrf-token> and &lt;csrf-token&gt; here.")
    page = clients["reader"].get(f"/en/ideas/{idea.id}").get_data(as_text=True)
    (token,) = tokens(page)
    assert "&lt;csrf-token&gt;" in page
    assert page.count(token) == len(TOKEN.findall(page))


def test_a_hidden_idea_is_read_only_by_its_author_and_moderators(app, cast):
    from participation.models import Idea, User
    from participation.services import moderation

    idea, _comment, clients, people = cast
    url = f"/en/ideas/{idea.id}"
    assert "Benches along the canal" in clients["reader"].get(url).get_data(as_text=True)
    with app.test_request_context():
        moderation.hide_item(
            db.session.get(User, people["moderator"].id),
            db.session.get(Idea, idea.id),
            "offensive",
            None,
        )
        db.session.commit()
    pages = _pages(clients, url, ["reader", "author", "moderator", "anonymous", "writer"])
    for name, page in pages.items():
        reads = name in ("author", "moderator")
        assert ("Benches along the canal" in page) == reads, name
        assert ("<title>Hidden idea" in page) == (not reads), name


@pytest.mark.parametrize("unconfirmed_first", [True, False])
def test_the_kept_page_around_the_pieces_keeps_each_visitors_notices(
    cast, make_user, make_client, login, unconfirmed_first
):
    """The page around the pieces is kept too (per MenuRights and whether the
    visitor's address is confirmed): an unconfirmed member alone is asked to
    confirm, and a message flashed to one visitor shows to them, once, on the
    page they come back to, whoever's page was kept."""
    idea, _comment, clients, _people = cast
    url = f"/en/ideas/{idea.id}"
    clients["unconfirmed"] = make_client()
    login(clients["unconfirmed"], make_user(confirmed=False))
    clients["unconfirmed"].get("/en/")  # the welcome message shown
    order = ["unconfirmed", "reader"] if unconfirmed_first else ["reader", "unconfirmed"]
    pages = _pages(clients, url, order)
    assert "Please confirm your email address" in pages["unconfirmed"]
    assert "Please confirm your email address" not in pages["reader"]

    (token,) = tokens(pages["reader"])
    response = clients["reader"].post(f"{url}/support", data={"csrf_token": token})
    assert response.status_code in (302, 303)
    # The supporter (whose page, once kept, is the reader's now too) first.
    thanks = "Thank you: your support is counted."
    assert thanks not in clients["supporter"].get(url).get_data(as_text=True)
    first = clients["reader"].get(url).get_data(as_text=True)
    assert thanks in first and "Withdraw my support" in first
    again = clients["reader"].get(url).get_data(as_text=True)
    assert thanks not in again and "Withdraw my support" in again
    assert thanks not in clients["supporter"].get(url).get_data(as_text=True)
