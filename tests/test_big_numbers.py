"""Numbers the database cannot hold (ids and pages past 2**31 - 1), in URLs,
query strings and forms, give a 404 or a clear 400, never an overflow error
(SQLite and PostgreSQL fail differently on them)."""

from __future__ import annotations

import pytest

HUGE = "99999999999999999999"
BIG = str(2**31)  # one past the largest 32-bit integer

PUBLIC_GETS = [
    f"/en/ideas/{HUGE}",
    f"/en/ideas/{BIG}",
    f"/en/ideas/?page={HUGE}",
    f"/en/ideas/?municipality={BIG}",
    f"/en/ideas/?challenge={BIG}",
    f"/en/ideas/similar?q=bike+lanes&exclude={HUGE}",
    f"/en/ideas/{BIG}/edit",
    f"/en/moderation/report/idea/{BIG}",
]
STAFF_GETS = [
    f"/en/moderation/?page={HUGE}",
    f"/en/moderation/log?page={HUGE}",
    f"/en/moderation/log?actor={BIG}",
    f"/en/moderation/ideas/{BIG}",
    f"/en/moderation/users/{BIG}",
    f"/en/admin/users?page={HUGE}",
    f"/en/officials/?municipality={BIG}",
    f"/en/officials/?challenge={BIG}",
    f"/en/officials/export.csv?municipality={BIG}",
    f"/en/notifications/?page={HUGE}",
]


@pytest.mark.parametrize("url", PUBLIC_GETS)
def test_public_urls_with_huge_numbers(client, url):
    response = client.get(url)
    assert response.status_code in (200, 302, 400, 404), (url, response.status_code)


def test_staff_urls_with_huge_numbers(make_client, make_user, login):
    client = make_client()
    login(client, make_user(role="admin"))
    for url in STAFF_GETS:
        response = client.get(url)
        assert response.status_code in (200, 400, 404), (url, response.status_code)


def test_forms_with_huge_ids(make_client, make_user, make_idea, login):
    admin = make_user(role="admin")
    idea = make_idea(status="published")
    client = make_client()
    login(client, admin)
    proposal = client.submit(
        "/en/ideas/new",
        {
            "title": "Bike lanes everywhere",
            "body": "A long enough description of bike lanes for the whole Region.",
            "challenge": BIG,
            "municipality": HUGE,
            "language": "en",
            "action": "submit",
        },
    )
    assert proposal.status_code == 400
    reply = client.submit(
        f"/en/ideas/{idea.id}/comments",
        {"body": "A reply to a comment that cannot exist.", "parent_id": HUGE},
        page=f"/en/ideas/{idea.id}",
    )
    assert reply.status_code == 400
    duplicate = client.submit(
        f"/en/moderation/ideas/{idea.id}/duplicate",
        {"original_id": HUGE},
        page=f"/en/moderation/ideas/{idea.id}",
    )
    assert duplicate.status_code == 400
    role = client.submit(f"/en/admin/users/{BIG}/role", {"role": "official"}, page="/en/")
    assert role.status_code == 404


# --- NUL characters: PostgreSQL cannot store them ------------------------------------


@pytest.mark.parametrize(
    "url", ["/en/ideas/?q=bike%00lanes", "/en/ideas/?x=1&x=a%00", "/en/ideas/%00", "/en/?a%00=1"]
)
def test_nul_characters_in_urls_are_refused_clearly(client, url):
    response = client.get(url)
    assert response.status_code in (400, 404)
    assert "control characters" in response.get_data(as_text=True) or response.status_code == 404


def test_nul_characters_in_forms_are_refused_clearly(client, make_user):
    user = make_user()
    for url, data in [
        ("/en/account/login", {"email": f"{user.email}\x00", "password": "x\x00y"}),
        ("/en/account/reset", {"email": "a\x00b@example.be"}),
        (
            "/en/account/register",
            {
                "email": "nul@example.be",
                "display_name": "Bad\x00Name",
                "password": "long-enough-pass-1",
                "confirm": "long-enough-pass-1",
                "language": "en",
                "accept_rules": "y",
            },
        ),
    ]:
        response = client.submit(url, data)
        assert response.status_code == 400, url
        assert "control characters" in response.get_data(as_text=True)
