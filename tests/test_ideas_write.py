"""Proposing, previewing, reading, editing, withdrawing ideas; "My ideas"."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from participation.extensions import db
from participation.models import Challenge, Idea, IdeaRevision, Municipality, Support
from participation.services import DomainError
from participation.services import ideas as service
from tests.factories import reload
from tests.pages import translated, unsafe_markup

XSS_TITLE = "Bike <script>alert(1)</script> <svg onload=alert(2)> lanes"
XSS_BODY = (
    "Safer cycling. <script>alert('body')</script>\n\n"
    "[click me](javascript:alert(3)) <svg onload=alert(4)></svg> "
    '<iframe src="https://evil.example"></iframe> '
    '<form action="https://evil.example"><input name=x></form>\n\n'
    "- first point\n- second point with https://www.stib.be/horaires"
)


def test_the_unsafe_markup_check_itself():
    assert unsafe_markup('<p>&lt;svg onload=x&gt;</p><script src="/static/a.js"></script>') == []
    assert len(unsafe_markup('<svg onload=x><a href="JavaScript:y">z</a><script>')) == 4


def _ids(app):
    with app.app_context():
        challenge = db.session.scalar(select(Challenge.id).where(Challenge.slug == "sustainable"))
        municipality = db.session.scalar(
            select(Municipality.id).where(Municipality.slug == "schaerbeek")
        ) or db.session.scalar(select(Municipality.id).order_by(Municipality.id))
    return challenge, municipality


def _form(app, **overrides):
    challenge, municipality = _ids(app)
    data = {
        "title": "Protected bike lanes on Chaussée de Wavre",
        "body": "Cyclists share the road with buses between Matongé and the ULB. "
        "A protected lane would make the trip safer for students.",
        "challenge": str(challenge),
        "municipality": str(municipality),
        "language": "en",
        "action": "submit",
    }
    data.update(overrides)
    return data


def _count_ideas(app):
    with app.app_context():
        return db.session.scalar(select(func.count(Idea.id)))


# --- Propose -------------------------------------------------------------------


def test_propose_needs_login(client):
    response = client.get("/en/ideas/new")
    assert response.status_code == 302
    assert "/en/account/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"confirmed": False}, "Please confirm your email address first"),
        ({"suspended": True}, "Your account is suspended"),
    ],
)
def test_propose_refused_with_a_clear_reason(client, make_user, login, app, kwargs, expected):
    user = make_user(**kwargs)
    if kwargs.get("suspended"):
        # Suspended users cannot log in: they may still hold a session from before.
        with client.session_transaction() as sess:
            sess["_user_id"] = user.get_id()
            sess["_fresh"] = True
    else:
        login(client, user)
    response = client.get("/en/ideas/new")
    assert response.status_code == 403
    assert expected in response.get_data(as_text=True)
    response = client.post("/en/ideas/new", data=_form(app, csrf_token=client.token()))
    assert response.status_code == 403
    assert _count_ideas(app) == 0


def test_propose_creates_pending_idea(client, make_user, login, app, make_client):
    author = make_user(language="fr")
    login(client, author)
    page = client.get("/fr/ideas/new").get_data(as_text=True)
    # The language of the text defaults to the interface language.
    assert '<option selected value="fr">' in page or 'value="fr" selected' in page
    assert "Sustainable" not in page or "durable" in page.lower()
    response = client.submit("/fr/ideas/new", _form(app, language="fr"))
    assert response.status_code == 302, response.get_data(as_text=True)
    idea_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    idea = reload(app, Idea, idea_id)
    assert idea.status == "pending"
    assert idea.published_at is None
    assert idea.language == "fr"
    assert idea.author_id == author.id
    assert "<p>" in idea.body_html
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Protected bike lanes on Chaussée de Wavre" in page
    # Others (and anonymous visitors) do not see a pending idea.
    other = make_client()
    assert other.get(f"/en/ideas/{idea_id}").status_code == 404


def test_propose_publishes_at_once_without_premoderation(client, make_user, login, app):
    app.config["IDEAS_PREMODERATION"] = False
    login(client, make_user())
    response = client.submit("/en/ideas/new", _form(app))
    assert response.status_code == 302
    idea = reload(app, Idea, int(response.headers["Location"].split("/")[-1]))
    assert idea.status == "published"
    assert idea.published_at is not None


def test_whole_region_when_no_municipality(client, make_user, login, app, make_client):
    app.config["IDEAS_PREMODERATION"] = False
    login(client, make_user())
    response = client.submit("/en/ideas/new", _form(app, municipality=""))
    idea_id = int(response.headers["Location"].split("/")[-1])
    assert reload(app, Idea, idea_id).municipality_id is None
    page = make_client().get(f"/en/ideas/{idea_id}").get_data(as_text=True)
    assert "The whole Region" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Please give your idea a title."),
        ("title", "        ", "Please give your idea a title."),
        ("title", "Short", "between 8 and 120"),
        ("title", "x" * 121, "between 8 and 120"),
        ("body", "", "Please describe your idea."),
        ("body", " \n \n   ", "Please describe your idea."),
        ("body", "Too short text", "between 20 and 5000"),
        ("body", "y" * 5001, "between 20 and 5000"),
        ("challenge", "", "Please choose one of the four challenges."),
        ("challenge", "999999", "Please choose a challenge from the list."),
        ("challenge", "abc", "Please choose a challenge from the list."),
        ("municipality", "999999", "Please choose a value from the list."),
        ("municipality", "x'; DROP", "Please choose a value from the list."),
        ("language", "de", "Please choose French, Dutch or English."),
    ],
)
def test_bad_input_is_a_400_with_the_field_message(
    client, make_user, login, app, field, value, message
):
    login(client, make_user())
    data = _form(app, **{field: value})
    response = client.submit("/en/ideas/new", data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert f'id="{field}-error"' in html
    # What the user typed is kept.
    if field != "title":
        assert "Protected bike lanes on Chaussée de Wavre" in html
    assert _count_ideas(app) == 0


def test_title_with_surrounding_spaces_is_stripped(client, make_user, login, app):
    login(client, make_user())
    response = client.submit("/en/ideas/new", _form(app, title="   A real title here   "))
    assert response.status_code == 302
    assert reload(app, Idea, int(response.headers["Location"].split("/")[-1])).title == (
        "A real title here"
    )


def test_preview_shows_the_rendered_text_and_similar_ideas(
    client, make_user, login, app, make_idea
):
    similar = make_idea(title="Bike lanes on Chaussée de Wavre now", body="Protected lanes please")
    make_idea(title="Open data on STIB delays", body="Publish delays as open data")
    hidden = make_idea(status="pending", title="Pending bike lanes Wavre idea")
    login(client, make_user())
    response = client.submit(
        "/en/ideas/new", _form(app, action="preview", body="**Protected** lanes on Wavre for bikes")
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<strong>Protected</strong>" in html
    assert f"/en/ideas/{similar.id}" in html
    assert f'/en/ideas/{hidden.id}"' not in html
    assert "STIB" not in html
    # Each similar idea comes with its own support form, which comes back here.
    assert f'action="/en/ideas/{similar.id}/support"' in html
    assert _count_ideas(app) == 3  # nothing was created


def test_preview_with_errors_still_keeps_the_text(client, make_user, login, app):
    login(client, make_user())
    response = client.submit("/en/ideas/new", _form(app, action="preview", title="short"))
    assert response.status_code == 400
    assert "Cyclists share the road" in response.get_data(as_text=True)


def test_similar_json(client, make_idea):
    idea = make_idea(title="Safer crossings near schools in Schaerbeek", support_count=3)
    make_idea(status="pending", title="Safer crossings near schools again")
    response = client.get(
        "/en/ideas/similar?q=" + "crossings schools", headers={"Accept": "application/json"}
    )
    assert response.status_code == 200
    data = response.get_json()
    assert [i["id"] for i in data["ideas"]] == [idea.id]
    assert data["ideas"][0]["url"] == f"/en/ideas/{idea.id}"
    assert data["ideas"][0]["support_count"] == 3
    assert data["ideas"][0]["support_label"] == "3 supports"
    for q in ['"', "*", "OR", "NEAR(", "'", "\\", "%", "x" * 3000, ""]:
        assert client.get("/en/ideas/similar", query_string={"q": q}).status_code == 200


def test_scripts_in_titles_and_descriptions_are_inert(client, make_user, login, app, make_client):
    app.config["IDEAS_PREMODERATION"] = False
    login(client, make_user())
    response = client.submit("/en/ideas/new", _form(app, title=XSS_TITLE, body=XSS_BODY))
    assert response.status_code == 302, response.get_data(as_text=True)
    idea_id = int(response.headers["Location"].split("/")[-1])
    idea = reload(app, Idea, idea_id)
    assert unsafe_markup(idea.body_html) == []
    for viewer in (client, make_client()):
        html = viewer.get(f"/en/ideas/{idea_id}").get_data(as_text=True)
        assert unsafe_markup(html) == []
        assert "&lt;script&gt;" in html  # the title is shown as text
        assert 'href="https://www.stib.be/horaires"' in html
    preview = client.submit(
        "/en/ideas/new", _form(app, title=XSS_TITLE, body=XSS_BODY, action="preview")
    ).get_data(as_text=True)
    assert unsafe_markup(preview) == []


# --- Service -------------------------------------------------------------------


def test_service_refuses_bad_input(app, make_user):
    user = make_user()
    challenge, _m = _ids(app)
    with app.app_context():
        good = service.IdeaInput("A good title", "x" * 30, challenge, None, "nl")
        for bad in (
            service.IdeaInput("   ", "x" * 30, challenge, None, "nl"),
            service.IdeaInput("A good title", "x" * 5001, challenge, None, "nl"),
            service.IdeaInput("A good title", "x" * 30, 12345, None, "nl"),
            service.IdeaInput("A good title", "x" * 30, challenge, 12345, "nl"),
            service.IdeaInput("A good title", "x" * 30, challenge, None, "de"),
        ):
            with pytest.raises(DomainError):
                service.propose_idea(user, bad)
        idea = service.propose_idea(user, good, premoderation=True)
        assert idea.status == "pending"
        assert idea.language == "nl"
        db.session.rollback()


def test_edit_keeps_a_revision(app, make_user, make_idea):
    author = make_user()
    idea = make_idea(author=author, title="The first title here")
    challenge, municipality = _ids(app)
    with app.app_context():
        loaded = db.session.get(Idea, idea.id)
        service.edit_idea(
            author,
            loaded,
            service.IdeaInput("The second title", "b" * 40, challenge, municipality, "fr"),
        )
        db.session.commit()
        revisions = db.session.scalars(select(IdeaRevision)).all()
        assert [r.title for r in revisions] == ["The first title here"]
        assert db.session.get(Idea, idea.id).title == "The second title"


# --- Idea page -----------------------------------------------------------------


def test_missing_idea_is_404(client):
    assert client.get("/en/ideas/999999").status_code == 404
    assert client.get("/en/ideas/abc").status_code == 404


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_unpublished_idea_seen_by_author_and_moderators_only(
    status, client, make_client, make_user, make_idea, login
):
    author = make_user()
    idea = make_idea(status=status, author=author, title="Unpublished idea title")
    url = f"/en/ideas/{idea.id}"
    assert client.get(url).status_code == 404
    other = make_client()
    login(other, make_user())
    assert other.get(url).status_code == 404
    mine = make_client()
    login(mine, author)
    assert "Unpublished idea title" in mine.get(url).get_data(as_text=True)
    moderator = make_client()
    login(moderator, make_user(role="moderator"))
    assert moderator.get(url).status_code == 200


def test_idea_page_shows_everything(client, make_user, make_idea, app):
    author = make_user(display_name="Amina")
    _c, municipality = _ids(app)
    idea = make_idea(
        author=author,
        challenge="sustainable",
        municipality_id=municipality,
        language="nl",
        support_count=4,
    )
    html = client.get(f"/en/ideas/{idea.id}").get_data(as_text=True)
    assert idea.title.replace("<", "&lt;").replace(">", "&gt;") in html
    assert "Amina" in html
    assert "Nederlands" in html
    assert "4 supports" in html
    assert "Published" in html
    assert "Log in to support this idea" in html
    with app.app_context():
        assert db.session.get(Challenge, idea.challenge_id).name_en in html
        assert db.session.get(Municipality, municipality).name_en in html


def test_deleted_author_shows_as_former_participant(client, make_user, make_idea, app):
    author = make_user(display_name="Soon gone")
    idea = make_idea(author=author)
    with app.app_context():
        from conftest import PASSWORD

        from participation.models import User
        from participation.services.accounts import delete_account

        delete_account(db.session.get(User, author.id), PASSWORD)
        db.session.commit()
    html = client.get(f"/en/ideas/{idea.id}").get_data(as_text=True)
    assert "Former participant" in html
    assert "Soon gone" not in html


def test_hidden_idea_shows_a_placeholder_only(client, make_idea):
    idea = make_idea(status="hidden", title="Secret hidden title", body="Hidden body words here")
    response = client.get(f"/en/ideas/{idea.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "hidden by moderation" in html
    assert "Secret hidden title" not in html
    assert "Hidden body words" not in html


def test_withdrawn_idea_is_marked_and_takes_no_support(client, make_user, login, make_idea):
    idea = make_idea(status="withdrawn", title="A withdrawn proposal")
    login(client, make_user())
    html = client.get(f"/en/ideas/{idea.id}").get_data(as_text=True)
    assert "A withdrawn proposal" in html
    assert "Withdrawn by its author" in html
    assert f"/en/ideas/{idea.id}/support" not in html
    assert "no longer takes supports" in html


def without_csrf_tokens(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', "", html)


@pytest.mark.parametrize("signed_in", [False, True])
def test_idea_page_query_count_is_fixed(
    signed_in, app, client, make_user, make_idea, make_comment, login, count_queries
):
    idea = make_idea()
    if signed_in:
        login(client, make_user())
    first = make_comment(idea)
    make_comment(idea, parent=first)
    with count_queries() as few:
        assert client.get(f"/en/ideas/{idea.id}").status_code == 200
    for _ in range(6):
        top = make_comment(idea)
        make_comment(idea, parent=top)
    with app.app_context():
        for _user_n in range(5):
            db.session.add(Support(idea_id=idea.id, user_id=make_user().id))
        db.session.commit()
    with count_queries() as many:
        response = client.get(f"/en/ideas/{idea.id}")
    assert response.status_code == 200
    assert few.count == many.count, many.statements
    # (session user) + idea with own support + its author and places + the
    # budget projects it became + comments
    assert many.count == (5 if signed_in else 4), many.statements
    # With the page cache on, seen again with nothing written: its pieces are
    # kept (pagecache.kept), so a resident's page makes two queries (session
    # user, idea with own support), and a visitor's whole page is kept.
    app.config["PAGE_CACHE_ENABLED"] = True
    client.get(f"/en/ideas/{idea.id}")
    with count_queries() as again:
        kept = client.get(f"/en/ideas/{idea.id}").get_data(as_text=True)
    assert again.count == (2 if signed_in else 0), again.statements
    # The same page (CSRF tokens carry the second they were signed at).
    assert without_csrf_tokens(kept) == without_csrf_tokens(response.get_data(as_text=True))
    assert ("csrf_token" in kept) == signed_in


# --- Edit and withdraw ---------------------------------------------------------


def test_author_edits_until_someone_supports(client, make_client, make_user, make_idea, login, app):
    author = make_user()
    idea = make_idea(author=author, title="Original title text")
    login(client, author)
    page = client.get(f"/en/ideas/{idea.id}/edit")
    assert page.status_code == 200
    assert "Original title text" in page.get_data(as_text=True)
    response = client.submit(f"/en/ideas/{idea.id}/edit", _form(app, title="Improved title text"))
    assert response.status_code == 302
    assert reload(app, Idea, idea.id).title == "Improved title text"
    with app.app_context():
        assert db.session.scalars(select(IdeaRevision.title)).all() == ["Original title text"]
    # Bad input: 400, nothing changes.
    response = client.submit(f"/en/ideas/{idea.id}/edit", _form(app, title=" "))
    assert response.status_code == 400
    # Someone else supports: editing is over.
    supporter = make_client()
    login(supporter, make_user())
    supporter.submit(f"/en/ideas/{idea.id}/support", page=f"/en/ideas/{idea.id}")
    response = client.get(f"/en/ideas/{idea.id}/edit")
    assert response.status_code == 403
    assert "can no longer be edited" in response.get_data(as_text=True)
    response = client.submit(
        f"/en/ideas/{idea.id}/edit", _form(app, title="Sneaky change here"), page="/en/"
    )
    assert response.status_code == 403
    assert reload(app, Idea, idea.id).title == "Improved title text"


def test_only_the_author_edits(client, make_user, make_idea, login):
    idea = make_idea()
    login(client, make_user())
    assert client.get(f"/en/ideas/{idea.id}/edit").status_code == 403
    assert client.submit(f"/en/ideas/{idea.id}/withdraw", page="/en/").status_code == 403


def test_withdraw(client, make_user, make_idea, login, app):
    author = make_user()
    idea = make_idea(author=author)
    login(client, author)
    response = client.submit(f"/en/ideas/{idea.id}/withdraw", {"confirm": "yes"})
    assert response.status_code == 302
    withdrawn = reload(app, Idea, idea.id)
    assert withdrawn.status == "withdrawn"
    assert withdrawn.withdrawn_at is not None
    html = client.get(f"/en/ideas/{idea.id}").get_data(as_text=True)
    assert "Withdrawn by its author" in html
    # Twice: no error.
    assert (
        client.submit(f"/en/ideas/{idea.id}/withdraw", {"confirm": "yes"}, page="/en/").status_code
        == 302
    )


def test_withdrawing_asks_for_confirmation_without_javascript(
    client, make_user, make_idea, login, app
):
    author = make_user()
    idea = make_idea(author=author, title="Benches on the Place Flagey", support_count=37)
    login(client, author)
    detail = client.get(f"/en/ideas/{idea.id}").get_data(as_text=True)
    # The idea page links to the confirmation page: no form withdraws at once.
    assert f'href="/en/ideas/{idea.id}/withdraw"' in detail
    assert f'action="/en/ideas/{idea.id}/withdraw"' not in detail

    page = client.get(f"/en/ideas/{idea.id}/withdraw")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "37 people support this idea" in html
    assert f'<form method="post" action="/en/ideas/{idea.id}/withdraw"' in html
    assert 'name="confirm" value="yes"' in html
    assert reload(app, Idea, idea.id).status == "published"  # a GET changes nothing

    # The old direct POST, without the confirmation, withdraws nothing.
    refused = client.submit(f"/en/ideas/{idea.id}/withdraw", {}, page=f"/en/ideas/{idea.id}")
    assert refused.status_code == 400
    assert "Please confirm that you want to withdraw your idea." in refused.get_data(as_text=True)
    assert reload(app, Idea, idea.id).status == "published"
    refused = client.submit(f"/en/ideas/{idea.id}/withdraw", {"confirm": "maybe"})
    assert refused.status_code == 400
    assert reload(app, Idea, idea.id).status == "published"

    done = client.submit(f"/en/ideas/{idea.id}/withdraw", {"confirm": "yes"})
    assert done.status_code == 302
    assert reload(app, Idea, idea.id).status == "withdrawn"
    # Once withdrawn, the confirmation page sends back to the idea.
    assert client.get(f"/en/ideas/{idea.id}/withdraw").status_code == 302


def test_the_withdraw_confirmation_is_translated(client, make_user, make_idea, login, app):
    author = make_user(language="nl")
    idea = make_idea(author=author, support_count=1)
    login(client, author)
    html = client.get(f"/nl/ideas/{idea.id}/withdraw").get_data(as_text=True)
    assert translated(app, "nl", "Yes, withdraw my idea") in html
    assert translated(app, "nl", "Yes, withdraw my idea") != "Yes, withdraw my idea"


def test_withdraw_a_pending_idea(client, make_user, make_idea, login, app):
    author = make_user()
    idea = make_idea(author=author, status="pending")
    login(client, author)
    client.submit(f"/en/ideas/{idea.id}/withdraw", {"confirm": "yes"})
    assert reload(app, Idea, idea.id).status == "withdrawn"


# --- My ideas, nav, export -----------------------------------------------------


def test_my_ideas_lists_every_status(client, make_user, make_idea, login):
    author = make_user()
    titles = {}
    for status in ("pending", "rejected", "published", "withdrawn", "hidden"):
        titles[status] = make_idea(author=author, status=status, title=f"My {status} idea").title
    make_idea(title="Someone else's idea")
    login(client, author)
    html = client.get("/en/ideas/mine").get_data(as_text=True)
    for title in titles.values():
        assert title in html
    for label in ("Awaiting review", "Not accepted", "Published", "Withdrawn", "Hidden"):
        assert label in html
    assert "Someone else" not in html


def test_my_ideas_needs_login(client):
    assert client.get("/en/ideas/mine").status_code == 302


def test_nav_links(client, make_user, login):
    html = client.get("/en/").get_data(as_text=True)
    assert 'href="/en/ideas/new"' in html
    assert 'href="/en/ideas/mine"' not in html
    login(client, make_user())
    html = client.get("/en/").get_data(as_text=True)
    assert 'href="/en/ideas/mine"' in html


def test_data_export_has_ideas_supports_and_comments(
    client, make_user, make_idea, make_comment, login, app
):
    user = make_user()
    mine = make_idea(author=user, title="Exported idea title")
    other = make_idea()
    make_comment(other, author=user, body="Exported comment body")
    with app.app_context():
        db.session.add(Support(idea_id=other.id, user_id=user.id))
        db.session.commit()
    login(client, user)
    data = json.loads(client.get("/en/account/data").get_data(as_text=True))
    section = data["ideas"]
    assert [i["title"] for i in section["ideas"]] == [mine.title]
    assert [s["idea_id"] for s in section["supports"]] == [other.id]
    assert section["comments"][0]["text"] == "Exported comment body"
