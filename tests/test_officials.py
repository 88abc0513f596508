"""Officials: the dashboard of top ideas and official statuses with public responses."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.models import Idea, Notification, OfficialStatusChange, Support
from participation.models.base import utcnow
from tests.factories import municipality_id


def add_supports(app, idea, users, days_ago: float = 0) -> None:
    """Supports from `users`, made `days_ago` days ago (the database moves
    support_count: 0018_support_counters)."""
    with app.app_context():
        when = utcnow() - timedelta(days=days_ago)
        for user in users:
            db.session.add(Support(idea_id=idea.id, user_id=user.id, created_at=when))
        db.session.commit()


def citizens(make_user, n: int, **kwargs):
    return [make_user(**kwargs) for _ in range(n)]


def rows_order(html: str, *titles: str) -> list[str]:
    """The given titles in the order the page shows them."""
    return sorted(titles, key=lambda t: html.index(t))


# --- Dashboard ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [(None, 302), ("citizen", 403), ("moderator", 403), ("official", 200), ("admin", 200)],
)
def test_dashboard_is_for_officials_and_admins(client, make_user, login, role, expected):
    if role:
        login(client, make_user(role=role))
    for url in ("/en/officials/", "/en/officials/export.csv"):
        response = client.get(url)
        assert response.status_code == expected, url
        if expected == 302:
            assert "/account/login" in response.headers["Location"]


def test_dashboard_link_in_header_only_for_those_who_may_see_it(client, make_user, login):
    assert "/en/officials/" not in client.get("/en/").get_data(as_text=True)
    login(client, make_user(role="citizen"))
    assert "/en/officials/" not in client.get("/en/").get_data(as_text=True)
    client.post("/en/account/logout", data={"csrf_token": client.token()})
    login(client, make_user(role="official"))
    assert 'href="/en/officials/"' in client.get("/en/").get_data(as_text=True)


def test_dashboard_ranks_by_supports_in_the_period_with_trend(
    app, client, make_user, make_idea, login
):
    old = make_idea(title="Old favourite")
    rising = make_idea(title="Rising star")
    make_idea(title="Pending one", status="pending")
    add_supports(app, old, citizens(make_user, 6), days_ago=60)
    add_supports(app, rising, citizens(make_user, 1), days_ago=10)
    add_supports(app, rising, citizens(make_user, 3), days_ago=2)
    login(client, make_user(role="official"))

    html = client.get("/en/officials/?period=all").get_data(as_text=True)
    assert rows_order(html, "Old favourite", "Rising star") == ["Old favourite", "Rising star"]
    assert "Pending one" not in html

    html = client.get("/en/officials/?period=7d").get_data(as_text=True)
    assert rows_order(html, "Old favourite", "Rising star") == ["Rising star", "Old favourite"]
    # By default, the last 30 days: supports in the period are not the total.
    html = client.get("/en/officials/").get_data(as_text=True)
    assert rows_order(html, "Old favourite", "Rising star") == ["Rising star", "Old favourite"]
    assert "ranked by supports in the last 30 days" in html
    row = re.search(r"Old favourite.*?</tr>", html, re.S).group(0)
    assert re.findall(r'<td class="num">(\d+)</td>', row)[:2] == ["0", "6"]

    html = client.get("/en/officials/?period=7d").get_data(as_text=True)
    # Trend: 3 supports this week against 1 the week before, as text with a label.
    assert "▲ +2" in html
    assert "3 supports in the last 7 days, 1 in the 7 days before" in html
    assert "ranked by supports in the last 7 days" in html

    html = client.get("/en/officials/?period=30d").get_data(as_text=True)
    # 4 supports in 30 days for the rising idea, none for the old one.
    row = re.search(r"Rising star.*?</tr>", html, re.S).group(0)
    assert re.findall(r'<td class="num">(\d+)</td>', row)[:2] == ["4", "4"]


def test_dashboard_filters_by_challenge_and_municipality(app, client, make_user, make_idea, login):
    ixelles = municipality_id(app, "ixelles")
    make_idea(title="Connected in Ixelles", challenge="connected", municipality_id=ixelles)
    make_idea(title="Safe in Ixelles", challenge="safe", municipality_id=ixelles)
    make_idea(title="Connected nowhere", challenge="connected")
    login(client, make_user(role="admin"))
    from participation.models import Challenge

    with app.app_context():
        safe = db.session.scalar(select(Challenge.id).where(Challenge.slug == "safe"))

    # Readable slugs, as in the public list.
    html = client.get("/en/officials/?challenge=safe").get_data(as_text=True)
    assert "Safe in Ixelles" in html and "Connected in Ixelles" not in html
    html = client.get("/en/officials/?municipality=ixelles").get_data(as_text=True)
    assert "Connected in Ixelles" in html and "Safe in Ixelles" in html
    assert "Connected nowhere" not in html
    # The filters stay selected, and the CSV link carries them.
    assert '<option selected value="ixelles">' in html
    assert "/en/officials/export.csv?municipality=ixelles" in html
    # The ideas about the whole Region, as the public list's "region".
    html = client.get("/en/officials/?municipality=region").get_data(as_text=True)
    assert "Connected nowhere" in html and "Connected in Ixelles" not in html
    assert "The whole Region" in html and "Not specified" not in html
    # Old links with numeric ids move to the slugs.
    for url, moved in (
        (f"/en/officials/?challenge={safe}&period=7d", "/en/officials/?challenge=safe&period=7d"),
        (f"/en/officials/?municipality={ixelles}", "/en/officials/?municipality=ixelles"),
        (
            f"/en/officials/export.csv?municipality={ixelles}",
            "/en/officials/export.csv?municipality=ixelles",
        ),
    ):
        response = client.get(url)
        assert response.status_code == 301, url
        assert response.headers["Location"] == moved


def test_dashboard_bad_filter_is_a_400_not_a_500(client, make_user, make_idea, login):
    make_idea(title="Still listed")
    login(client, make_user(role="official"))
    for query, message in (
        ("period=forever", "Not a valid choice"),
        ("challenge=abc", "There is no such challenge. Choose one from the list."),
        ("municipality=999999", "There is no such municipality."),
        ("municipality=atlantis", "There is no such municipality."),
    ):
        response = client.get(f"/en/officials/?{query}")
        assert response.status_code == 400, query
        html = response.get_data(as_text=True)
        assert "Still listed" in html
        assert message in html, query
    assert client.get("/en/officials/export.csv?period=forever").status_code == 400


def test_dashboard_query_count_does_not_grow(
    app, client, make_user, make_idea, login, count_queries
):
    login(client, make_user(role="official"))
    idea = make_idea()
    add_supports(app, idea, citizens(make_user, 2), days_ago=1)

    def count(url):
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    small = count("/en/officials/?period=7d")
    for _ in range(5):
        other = make_idea(municipality_id=municipality_id(app, "uccle"))
        add_supports(app, other, citizens(make_user, 2), days_ago=3)
    assert count("/en/officials/?period=7d") == small
    # user (with its unread count), challenges, municipalities, rows.
    assert small == 4
    assert count("/en/officials/export.csv") == small


# --- Official statuses -------------------------------------------------------------


YES = {"fr": "Oui", "nl": "Ja"}


def status_url(idea) -> str:
    return f"/en/officials/ideas/{idea.id}/status"


def test_response_is_required_for_accepted_and_not_retained(
    app, client, make_user, make_idea, login
):
    idea = make_idea()
    login(client, make_user(role="official"))
    for status in ("accepted", "not_retained"):
        response = client.submit(
            status_url(idea), {"status": status, "response_fr": "   ", "response_nl": ""}
        )
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert "A public response is required" in html
        assert f'<option selected value="{status}">' in html or (
            f'value="{status}" selected' in html
        )
    with app.app_context():
        assert db.session.scalar(select(OfficialStatusChange)) is None
        assert db.session.get(Idea, idea.id).official_status is None


def test_a_typed_response_is_kept_when_the_form_is_refused(client, make_user, make_idea, login):
    idea = make_idea()
    login(client, make_user(role="official"))
    response = client.submit(
        status_url(idea),
        {"status": "no-such-status", "response_fr": "We <b>keep</b> this text", "response_nl": ""},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Please choose a status from the list." in html
    assert "We &lt;b&gt;keep&lt;/b&gt; this text" in html


def test_status_change_of_a_missing_idea_is_404_and_citizens_get_403(
    client, make_user, make_idea, login
):
    idea = make_idea()
    login(client, make_user(role="citizen"))
    assert client.get(status_url(idea)).status_code == 403
    response = client.submit(
        status_url(idea),
        {"status": "accepted", "response_fr": "x", "response_nl": "x"},
        page="/en/",
    )
    assert response.status_code == 403
    client.post("/en/account/logout", data={"csrf_token": client.token()})
    login(client, make_user(role="official"))
    assert client.get("/en/officials/ideas/999999/status").status_code == 404
    pending = make_idea(status="pending")
    assert client.get(status_url(pending)).status_code == 404


def test_set_status_records_history_locks_and_notifies(
    app, client, make_user, make_idea, login, mailbox
):
    author = make_user(language="fr")
    idea = make_idea(author=author, title="Bancs au parc")
    dutch = make_user(language="nl")
    supporters = [dutch, *citizens(make_user, 2)]
    add_supports(app, idea, supporters)
    official = make_user(role="official", display_name="Agent Dupont")
    login(client, official)

    response = client.submit(
        status_url(idea), {"status": "under_review", "response_fr": "", "response_nl": ""}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/en/ideas/{idea.id}")
    response = client.submit(
        status_url(idea),
        {
            "status": "accepted",
            "response_fr": "Nous placerons 12 bancs.\nEn mai.",
            "response_nl": "We plaatsen 12 banken.\nIn mei.",
            "response_en": "We will place 12 benches.\nIn May.",
        },
    )
    assert response.status_code == 302

    with app.app_context():
        row = db.session.get(Idea, idea.id)
        assert row.official_status == "accepted"
        assert row.locked_at is not None
        changes = db.session.scalars(
            select(OfficialStatusChange).order_by(OfficialStatusChange.id)
        ).all()
        assert [c.status for c in changes] == ["under_review", "accepted"]
        assert changes[1].response_en == "We will place 12 benches.\nIn May."
        assert changes[1].response_nl == "We plaatsen 12 banken.\nIn mei."
        kinds = db.session.execute(
            select(Notification.recipient_id, Notification.kind).order_by(Notification.id)
        ).all()
    expected = {(author.id, "idea_answered")} | {
        (s.id, "supported_idea_answered") for s in supporters
    }
    assert set(kinds) == expected
    assert len(kinds) == 2 * len(expected)  # one per change

    # The author can no longer edit; the history shows on the status page.
    from participation.permissions import can_edit_idea

    with app.app_context():
        assert not can_edit_idea(author, db.session.get(Idea, idea.id))
    html = client.get(status_url(idea)).get_data(as_text=True)
    assert "Official response" in html
    assert "We will place 12 benches." in html
    assert html.index("Accepted</span>") < html.index("Under review</span>")  # newest first
    assert "Agent Dupont" in html

    # The Dutch supporter reads it in Dutch, with the response.
    mail = mailbox.last(dutch.email)
    assert mail["Content-Language"] == "nl"
    text = mailbox.text(mail)
    assert "Beste" in text and "We plaatsen 12 banken." in text
    assert "12 benches" not in text and "12 bancs" not in text
    assert f"/nl/ideas/{idea.id}" in text
    assert "/nl/notifications/unsubscribe/" in text
    assert mail["List-Unsubscribe"].startswith("<http")
    assert "Participatie" in mailbox.html(mail)
    assert mailbox.last(author.email)["Content-Language"] == "fr"
    assert len(mailbox.to(official.email)) == 0


def test_the_idea_page_shows_the_history(app, client, make_user, make_idea, login):
    idea = make_idea()
    login(client, make_user(role="official"))
    client.submit(
        status_url(idea),
        {"status": "not_retained", "response_fr": "Trop cher.", "response_nl": "Te duur."},
    )
    html = client.get(f"/en/ideas/{idea.id}").get_data(as_text=True)
    assert "Not retained" in html and "Trop cher." in html


def test_service_notifies_supporters_with_a_fixed_number_of_queries(
    app, make_user, make_idea, count_queries, mailbox
):
    from participation.services.officials import set_official_status

    official = make_user(role="official")
    small_idea, big_idea = make_idea(), make_idea()
    add_supports(app, small_idea, citizens(make_user, 1))
    add_supports(app, big_idea, citizens(make_user, 8))

    def run(idea) -> int:
        with app.test_request_context("/en/"), count_queries() as counter:
            actor = db.session.get(type(official), official.id)
            row = db.session.get(Idea, idea.id)
            set_official_status(actor, row, "in_progress", {"fr": "Début.", "nl": "Begin."})
            db.session.commit()
        return counter.count

    # The service's queries only: the emails are sent afterwards, by the outbox.
    app.config["OUTBOX_SEND_IN_APP"] = False
    assert run(small_idea) == run(big_idea)
    assert mailbox.messages == []
    from participation.jobs import deliver_due

    with app.app_context():
        assert deliver_due(app) == 2 + 9
    assert len(mailbox.messages) == 2 + 9  # two authors, nine supporters


def test_service_rejects_unpublished_ideas_and_non_officials(app, make_user, make_idea):
    from participation.services import DomainError
    from participation.services.officials import set_official_status

    citizen = make_user()
    official = make_user(role="official")
    pending = make_idea(status="pending")
    published = make_idea()
    with app.test_request_context("/en/"):
        with pytest.raises(DomainError):
            set_official_status(citizen, db.session.get(Idea, published.id), "accepted", YES)
        with pytest.raises(DomainError):
            set_official_status(official, db.session.get(Idea, pending.id), "accepted", YES)
        with pytest.raises(DomainError) as error:
            set_official_status(official, db.session.get(Idea, published.id), "bogus", YES)
        assert error.value.field == "status"
