"""The site's main menu is kept per page, language and MenuRights
(permissions.menu_rights, templating.kept_fragment): rendered once for every
visitor with the same rights, then each visitor's name, unread count and CSRF
token are put in. No visitor may see another's name, count, token or staff
links, whoever came first, and nothing a visitor writes can take a stand-in's
place."""

from __future__ import annotations

import re
from html import escape

import pytest
from test_notifications import notify

LOGOUT = re.compile(
    r'<form method="post" action="/en/account/logout"[^>]*>\s*'
    r'<input type="hidden" name="csrf_token" value="([^"]*)">'
)
BADGE = re.compile(r'class="badge-count">(\d+)<span class="visually-hidden"> unread')
MENU = re.compile(r'<nav class="main-nav".*?</nav>', re.S)


@pytest.fixture
def people(app, make_user, make_idea, make_client, login):
    """Visitors of every kind, two of them with names made of stand-ins."""
    cast = {
        "ana": make_user(display_name="Ana <menu-unread> & <csrf-token>"),
        "ben": make_user(display_name="Ben <menu-name>"),
        "moderator": make_user(role="moderator"),
        "official": make_user(role="official"),
        "admin": make_user(role="admin"),
    }
    app.config["PAGE_CACHE_ENABLED"] = True
    idea = make_idea(author=cast["ana"], title="Night buses")
    notify(app, cast["ana"], "idea_approved", idea)
    notify(app, cast["ana"], "idea_answered", idea, status="in_progress")
    clients = {"anonymous": make_client()}
    for name, user in cast.items():
        clients[name] = make_client()
        login(clients[name], user)
        clients[name].get("/en/")  # the welcome message shown
    cast["idea"] = idea
    return cast, clients


STAFF_LINKS = {
    "Moderation": {"moderator", "admin"},
    "Admin": {"admin"},
    "Dashboard": {"official", "admin"},
}


@pytest.mark.parametrize("url", ["/en/", "/en/ideas/", "/en/ideas/{idea}", "/en/stats"])
@pytest.mark.parametrize("anonymous_first", [True, False])
def test_each_visitor_sees_their_own_menu_whoever_came_first(app, people, url, anonymous_first):
    """The page around the kept blocks or pieces is kept too
    (pagecache.kept_frame), its menu with the stand-ins: on the home and list
    pages, the idea page, and the statistics page (kept for a time)."""
    cast, clients = people
    idea = cast.pop("idea")
    url = url.format(idea=idea.id)
    order = list(clients) if anonymous_first else list(clients)[::-1]
    pages = {name: clients[name].get(url).get_data(as_text=True) for name in order}

    tokens = {}
    for name, page in pages.items():
        menu = MENU.search(page).group(0)
        assert "<menu-" not in page and "<csrf-token>" not in page, name
        for link, holders in STAFF_LINKS.items():
            assert (f">{link}</a>" in menu) == (name in holders), (name, link)
        if name == "anonymous":
            assert ">Log in</a>" in menu and "Log out" not in menu
            assert "My account" not in menu and "badge-count" not in menu
            continue
        assert "Log in" not in menu and ">My ideas</a>" in menu
        # Their own name, escaped, and nobody else's.
        for other, user in cast.items():
            shown = f": {escape(user.display_name, quote=False)}</span>"
            assert (shown in menu) == (other == name), (name, other)
        # Their own unread count: Ana has two, nobody else any.
        assert BADGE.findall(menu) == (["2"] if name == "ana" else []), name
        (tokens[name],) = LOGOUT.findall(menu)
    assert len(set(tokens.values())) == len(tokens)  # one token each, never shared

    # Each token is the one of its visitor's session: it logs them out.
    for name, token in tokens.items():
        response = clients[name].post("/en/account/logout", data={"csrf_token": token})
        assert response.status_code == 302, name
        assert ">Log in</a>" in clients[name].get(url).get_data(as_text=True), name


def test_the_menu_marks_the_page_it_is_on(app, people):
    _cast, clients = people
    pages = [("/en/", "Home"), ("/en/ideas/", "Ideas"), ("/en/ideas/mine", "My ideas")]
    for name in ("anonymous", "ben"):
        for url, label in pages:
            page = clients[name].get(url, follow_redirects=True).get_data(as_text=True)
            menu = MENU.search(page).group(0)
            current = re.findall(r'aria-current="page">([^<]+)</a>', menu)
            if name == "anonymous" and label == "My ideas":
                assert current == ["Log in"]  # sent to the login page
            else:
                assert current == [label], (name, url)


def test_a_new_notification_shows_in_the_menu_at_once(app, people, make_idea):
    cast, clients = people
    assert BADGE.findall(clients["ben"].get("/en/ideas/").get_data(as_text=True)) == []
    notify(app, cast["ben"], "idea_approved", make_idea(author=cast["ben"]))
    assert BADGE.findall(clients["ben"].get("/en/ideas/").get_data(as_text=True)) == ["1"]
    # In French, for the same rights: the menu's own words, Ben's count in them.
    page = clients["ben"].get("/fr/ideas/").get_data(as_text=True)
    menu = MENU.search(page).group(0)
    assert ">Se déconnecter</button>" in menu and "Log out" not in menu
    assert re.search(r'class="badge-count">1<span class="visually-hidden"> non lue</span>', menu)
    assert ": Ben &lt;menu-name&gt;</span>" in menu


@pytest.mark.parametrize("url", ["/en/", "/en/ideas/"])
def test_a_kept_page_keeps_each_visitors_notices(app, people, make_user, make_client, login, url):
    """The page around kept blocks is kept per MenuRights and whether the
    address is confirmed, and never used for a visitor with a message to see:
    the unconfirmed member alone is asked to confirm, and the welcome shows
    once, to whom it is said."""
    cast, clients = people
    for name in ("ben", "anonymous"):
        clients[name].get(url)  # their pages kept first
    newcomer, unconfirmed = make_client(), make_client()
    login(unconfirmed, make_user(confirmed=False, display_name="Una"))
    unconfirmed.get("/en/")  # the welcome shown
    login(newcomer, make_user(display_name="Nell"))
    first = newcomer.get(url).get_data(as_text=True)
    assert "Welcome, Nell." in first and ": Nell</span>" in first
    again = newcomer.get(url).get_data(as_text=True)
    assert "Welcome" not in again and ": Nell</span>" in again
    notice = "Please confirm your email address"
    assert notice in unconfirmed.get(url).get_data(as_text=True)
    for client in (newcomer, clients["ben"], clients["anonymous"]):
        assert notice not in client.get(url).get_data(as_text=True)
    assert "Welcome" not in clients["ben"].get(url).get_data(as_text=True)
