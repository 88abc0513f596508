"""Home page, ideas list (filters, sorting, pagination), challenge pages, idea cards."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from participation.extensions import db
from participation.models import Comment, Idea, Support, User
from participation.models.base import utcnow
from tests.factories import municipality_id

TITLE_RE = re.compile(r'class="idea-card-title"[^>]*><a href="([^"]+)"[^>]*>([^<]*)</a>')


def titles(response) -> list[str]:
    return [t for _, t in TITLE_RE.findall(response.get_data(as_text=True))]


@pytest.fixture
def add_supports(app):
    """add_supports(idea, n, days_ago=0): n supports from new citizens, counter kept equal."""
    counter = {"n": 0}

    def add(idea, n: int, days_ago: float = 0):
        with app.app_context():
            users = []
            for _ in range(n):
                counter["n"] += 1
                users.append(
                    User(
                        email=f"supporter{counter['n']}@example.be",
                        display_name="S",
                        role="citizen",
                    )
                )
            db.session.add_all(users)
            db.session.flush()
            at = utcnow() - timedelta(days=days_ago)
            # The database moves support_count and the trending score.
            db.session.add_all(Support(idea_id=idea.id, user_id=u.id, created_at=at) for u in users)
            db.session.commit()

    return add


# --- Home page -------------------------------------------------------------------


@pytest.mark.parametrize(
    "lang, name, description",
    [
        ("fr", "Une Région connectée", "Des services en ligne simples"),
        ("nl", "Een verbonden Gewest", "Eenvoudige onlinediensten"),
        ("en", "A connected Region", "Simple online services"),
    ],
)
def test_home_shows_the_four_challenges_in_the_page_language(client, lang, name, description):
    response = client.get(f"/{lang}/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert name in html
    assert description in html
    assert html.count('class="challenge-card') == 4
    # The hero text is kept.
    assert 'class="hero"' in html


def test_home_counts_public_ideas_and_supports_per_challenge(client, make_idea, add_supports):
    a = make_idea(challenge="safe")
    b = make_idea(challenge="safe", status="withdrawn")
    make_idea(challenge="safe", status="pending")
    make_idea(challenge="safe", status="hidden", support_count=50)
    make_idea(challenge="open")
    add_supports(a, 3)
    add_supports(b, 2)
    html = client.get("/en/").get_data(as_text=True)
    safe = html.split('challenge-card challenge-safe">')[1].split("</li>")[0]
    assert re.search(r"<strong>2</strong>\s*ideas", safe), safe
    assert re.search(r"<strong>5</strong>\s*supports", safe), safe
    open_ = html.split('challenge-card challenge-open">')[1].split("</li>")[0]
    assert re.search(r"<strong>1</strong>\s*idea\b", open_)
    connected = html.split('challenge-card challenge-connected">')[1].split("</li>")[0]
    assert re.search(r"<strong>0</strong>\s*ideas", connected)


def test_home_lists_most_supported_and_newest(client, make_idea):
    now = utcnow()
    old_popular = make_idea(
        title="Old popular idea", support_count=40, created_at=now - timedelta(days=30)
    )
    make_idea(title="Fresh quiet idea", support_count=0, created_at=now)
    make_idea(title="Pending idea", status="pending", created_at=now)
    html = client.get("/en/").get_data(as_text=True)
    supported = html.split('id="supported-heading"')[1].split("</section>")[0]
    newest = html.split('id="newest-heading"')[1].split("</section>")[0]
    assert supported.index("Old popular idea") < supported.index("Fresh quiet idea")
    assert newest.index("Fresh quiet idea") < newest.index("Old popular idea")
    assert "Pending idea" not in html
    assert f"/en/ideas/{old_popular.id}" in supported


def test_home_query_count_does_not_grow_with_data(client, make_idea, add_supports, count_queries):
    make_idea()
    client.get("/en/")
    with count_queries() as few:
        assert client.get("/en/").status_code == 200
    for n in range(12):
        idea = make_idea(challenge=("connected", "sustainable", "open", "safe")[n % 4])
        add_supports(idea, 2)
    with count_queries() as many:
        assert client.get("/en/").status_code == 200
    # Open consultations (one query, with their municipality joined), challenges with
    # counts, most supported, newest.
    assert few.count == many.count == 4, many.statements


# --- Ideas list --------------------------------------------------------------------


def test_list_shows_only_public_ideas(client, make_idea):
    make_idea(title="Published one")
    make_idea(title="Withdrawn one", status="withdrawn")
    for status in ("pending", "rejected", "hidden"):
        make_idea(title=f"Not listed {status}", status=status)
    response = client.get("/en/ideas/")
    assert response.status_code == 200
    shown = titles(response)
    assert shown == ["Withdrawn one", "Published one"]
    html = response.get_data(as_text=True)
    assert "Not listed" not in html
    assert "2 ideas" in html


def test_idea_card_shows_what_a_visitor_needs(client, make_idea, make_user, app):
    author = make_user(display_name="Lotte")
    idea = make_idea(
        author=author,
        title="Card <b>title</b>",
        challenge="sustainable",
        municipality_id=municipality_id(app, "schaerbeek"),
        support_count=12,
        comment_count=3,
    )
    make_idea(title="Regional idea", status="withdrawn")
    html = client.get("/nl/ideas/").get_data(as_text=True)
    card = html.split(f'aria-labelledby="idea-{idea.id}-title"')[1].split("</article>")[0]
    assert "Card &lt;b&gt;title&lt;/b&gt;" in card
    assert f'href="/nl/ideas/{idea.id}"' in card
    assert "Een duurzaam Gewest" in card
    assert "Schaarbeek" in card
    assert "Lotte" in card
    assert re.search(r"<span class=\"count-number\">12</span>", card)
    assert re.search(r"<span class=\"count-number\">3</span>", card)
    assert "<time datetime=" in card
    assert "<script>" not in html.split("<main")[1]
    regional = html.split("Regional idea")[1].split("</article>")[0]
    assert "badge-muted" in regional  # withdrawn badge


def test_card_of_a_deleted_author_and_whole_region(client, make_idea, make_user, app):
    author = make_user()
    make_idea(author=author, title="Orphan idea")
    with app.app_context():
        db.session.execute(
            update(User).where(User.id == author.id).values(deleted_at=utcnow(), display_name=None)
        )
        db.session.commit()
    html = client.get("/en/ideas/").get_data(as_text=True)
    assert "Former participant" in html
    assert "The whole Region" in html


def test_list_headings_are_in_order(client, make_idea):
    make_idea()
    html = client.get("/en/ideas/").get_data(as_text=True)
    levels = [int(h) for h in re.findall(r"<h([1-6])", html.split("<main")[1])]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    assert "<article" in html


def test_filter_by_challenge_municipality_status_and_language(client, make_idea, app):
    ixelles = municipality_id(app, "ixelles")
    make_idea(title="Safe in Ixelles", challenge="safe", municipality_id=ixelles, language="fr")
    make_idea(title="Safe regional", challenge="safe", language="nl")
    make_idea(
        title="Open in Ixelles", challenge="open", municipality_id=ixelles, status="withdrawn"
    )
    assert sorted(titles(client.get("/en/ideas/?challenge=safe"))) == [
        "Safe in Ixelles",
        "Safe regional",
    ]
    assert sorted(titles(client.get("/en/ideas/?municipality=ixelles"))) == [
        "Open in Ixelles",
        "Safe in Ixelles",
    ]
    # A municipality id works too, and "region" means ideas for the whole Region.
    assert len(titles(client.get(f"/en/ideas/?municipality={ixelles}"))) == 2
    assert titles(client.get("/en/ideas/?municipality=region")) == ["Safe regional"]
    assert titles(client.get("/en/ideas/?status=withdrawn")) == ["Open in Ixelles"]
    assert titles(client.get("/en/ideas/?language=nl")) == ["Safe regional"]
    assert titles(client.get("/en/ideas/?challenge=safe&municipality=ixelles&language=fr")) == [
        "Safe in Ixelles"
    ]
    # The chosen values are selected again in the form.
    html = client.get("/en/ideas/?challenge=safe&language=fr").get_data(as_text=True)
    assert '<option value="safe" selected>' in html
    assert '<option value="fr" lang="fr" selected>' in html


def test_filter_by_official_status(client, make_idea, app):
    idea = make_idea(title="Accepted idea")
    make_idea(title="Other idea")
    with app.app_context():
        db.session.execute(
            update(Idea).where(Idea.id == idea.id).values(official_status="accepted")
        )
        db.session.commit()
    assert titles(client.get("/en/ideas/?status=accepted")) == ["Accepted idea"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("challenge=nope", "challenge"),
        ("municipality=99999", "municipality"),
        ("status=foo", "status"),
        ("status=pending", "status"),
        ("status=hidden", "status"),
        ("language=de", "language"),
        ("sort=random", "sort"),
    ],
)
def test_invalid_filters_answer_400_with_a_message(client, make_idea, query, field):
    make_idea(title="Still listed", status="published")
    make_idea(title="Hidden stays hidden", status="hidden")
    response = client.get(f"/en/ideas/?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html
    assert f'id="filter-{field}-error"' in html
    # The rest of the page still works: the ideas are shown without that filter.
    assert "Still listed" in html
    assert "Hidden stays hidden" not in html


# (page=%00 is refused with a clear 400 before the list: tests/test_big_numbers.py)
@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "", "99999999999999999999", "١٢"])
def test_bad_page_numbers_show_the_first_page(client, make_idea, page):
    make_idea(title="Only idea")
    response = client.get(f"/en/ideas/?page={page}")
    assert response.status_code == 200
    assert titles(response) == ["Only idea"]


def test_pagination_20_per_page_keeps_filters_and_clamps(client, make_idea):
    now = utcnow()
    for n in range(25):
        make_idea(title=f"Idea {n:02d}", challenge="open", created_at=now - timedelta(minutes=n))
    make_idea(title="Other challenge")
    first = client.get("/en/ideas/?challenge=open")
    assert len(titles(first)) == 20
    assert titles(first)[0] == "Idea 00"
    html = first.get_data(as_text=True)
    assert 'href="/en/ideas/?challenge=open&amp;page=2"' in html
    assert 'rel="next"' in html
    second = client.get("/en/ideas/?challenge=open&page=2")
    assert titles(second) == [f"Idea {n:02d}" for n in range(20, 25)]
    assert 'aria-current="page"' in second.get_data(as_text=True)
    # Past the end: the last page.
    assert titles(client.get("/en/ideas/?challenge=open&page=50")) == titles(second)


def test_sort_orders(client, make_idea, add_supports):
    now = utcnow()
    popular_old = make_idea(title="Popular long ago", created_at=now - timedelta(days=40))
    rising = make_idea(title="Rising this week", created_at=now - timedelta(days=20))
    newest = make_idea(title="Brand new", created_at=now, comment_count=9)
    add_supports(popular_old, 8, days_ago=30)
    add_supports(rising, 3, days_ago=2)
    add_supports(popular_old, 1, days_ago=1)
    assert titles(client.get("/en/ideas/?sort=supported")) == [
        "Popular long ago",
        "Rising this week",
        "Brand new",
    ]
    assert titles(client.get("/en/ideas/?sort=newest"))[0] == "Brand new"
    assert titles(client.get("/en/ideas/?sort=trending")) == [
        "Rising this week",
        "Popular long ago",
        "Brand new",
    ]
    assert titles(client.get("/en/ideas/?sort=discussed"))[0] == "Brand new"
    assert newest.id  # default order is newest
    assert titles(client.get("/en/ideas/"))[0] == "Brand new"


def _busy_data(make_idea, add_supports, app, n: int):
    ixelles = municipality_id(app, "ixelles")
    for i in range(n):
        idea = make_idea(
            challenge=("connected", "sustainable", "open", "safe")[i % 4],
            municipality_id=ixelles if i % 2 else None,
            body=f"Bike lanes and safe crossings number {i}.",
        )
        add_supports(idea, 2, days_ago=i % 10)
        with app.app_context():
            db.session.add(
                Comment(
                    idea_id=idea.id,
                    author_id=idea.author_id,
                    body_source="Yes",
                    body_html="<p>Yes</p>",
                )
            )
            db.session.commit()


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # Challenges and municipalities for the form, then the page; the total
        # is the stored challenge totals.
        ("/en/ideas/", 3),
        ("/en/ideas/?sort=trending", 3),
        ("/fr/ideas/challenge/open?sort=discussed", 3),
        ("/en/ideas/?challenge=open&page=2", 3),
        # With words: their expansions, the most recent matches (counted and
        # ordered in Python), the page's rows.
        ("/en/ideas/?q=bike+crossings&sort=relevance", 5),
        # With filters, a bounded count comes before the page.
        ("/en/ideas/?challenge=safe&municipality=ixelles&sort=supported&page=2", 4),
        ("/en/ideas/?language=en&sort=newest", 4),
        ("/en/ideas/?status=published&sort=trending", 4),
    ],
)
def test_list_query_count_does_not_grow_with_data(
    client, make_idea, add_supports, app, count_queries, url, queries
):
    _busy_data(make_idea, add_supports, app, 2)
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    _busy_data(make_idea, add_supports, app, 45)
    with count_queries() as many:
        response = client.get(url)
        assert response.status_code == 200
    assert titles(response)
    assert few.count == many.count == queries, many.statements


def test_list_query_count_signed_in(client, make_idea, make_user, login, count_queries):
    for _ in range(3):
        make_idea()
    login(client, make_user())
    client.get("/en/ideas/")
    with count_queries() as counter:
        client.get("/en/ideas/")
    first = counter.count
    for _ in range(10):
        make_idea()
    with count_queries() as counter:
        client.get("/en/ideas/")
    assert counter.count == first


def test_view_is_shareable_in_the_url_and_across_languages(client, make_idea):
    make_idea(title="Shared idea", challenge="safe", language="fr")
    html = client.get("/en/ideas/?challenge=safe&language=fr&sort=supported").get_data(as_text=True)
    # The form is a GET form (no JavaScript needed) and the language switcher keeps the view.
    assert re.search(r'<form class="filters" method="get" action="/en/ideas/"', html)
    assert "/fr/ideas/?challenge=safe&amp;language=fr&amp;sort=supported" in html


def test_nav_links_to_ideas(client):
    html = client.get("/fr/").get_data(as_text=True)
    assert 'href="/fr/ideas/"' in html.split('class="nav-links"')[1].split("</ul>")[0]


# --- Challenge pages --------------------------------------------------------------


def test_challenge_page_lists_its_ideas(client, make_idea):
    make_idea(title="A safe idea", challenge="safe")
    make_idea(title="An open idea", challenge="open")
    response = client.get("/nl/ideas/challenge/safe")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>Een veilig Gewest</h1>" in html
    assert "Straten en openbare ruimten" in html
    assert titles(response) == ["A safe idea"]
    # Its filter form does not offer another challenge.
    assert 'name="challenge"' not in html
    assert 'action="/nl/ideas/challenge/safe"' in html


def test_challenge_page_filters_and_paginates(client, make_idea):
    for n in range(22):
        make_idea(title=f"Safe {n:02d}", challenge="safe", language="nl" if n % 2 else "en")
    response = client.get("/en/ideas/challenge/safe?language=en")
    assert len(titles(response)) == 11
    response = client.get("/en/ideas/challenge/safe?page=2")
    assert len(titles(response)) == 2
    assert 'href="/en/ideas/challenge/safe"' in response.get_data(as_text=True)


def test_unknown_challenge_is_404(client):
    assert client.get("/en/ideas/challenge/nope").status_code == 404
    assert client.get("/en/ideas/challenge/nope/feed.atom").status_code == 404


def test_pagination_links_are_bounded_and_pages_stop_at_the_maximum(app, client, make_idea):
    """A handful of page links whatever the number of pages, and page numbers
    stop at IDEAS_MAX_PAGES with a note saying how to reach the rest."""
    app.config.update(IDEAS_PER_PAGE=1, IDEAS_MAX_PAGES=9)
    for n in range(12):
        make_idea(title=f"Numbered idea {n:02d}")
    html = client.get("/en/ideas/?page=5").get_data(as_text=True)
    nav = html.split('class="pagination"')[1].split("</nav>")[0]
    # 1 … 3 4 [5] 6 7 … 9, previous and next.
    assert re.findall(r"</span>(\d+)</(?:a|span)>", nav) == ["1", "3", "4", "5", "6", "7", "9"]
    assert nav.count("pagination-gap") == 2
    assert "Only the first 9 ideas of this order are paged" in html
    # The unfiltered total is the stored one; past the last page, the last page.
    assert "12 ideas" in html
    assert titles(client.get("/en/ideas/?page=40")) == titles(client.get("/en/ideas/?page=9"))
    # With a filter, the count stops past the maximum.
    filtered = client.get("/en/ideas/?language=en").get_data(as_text=True)
    assert "More than 9 ideas" in filtered
