"""Admin: users and roles, suspended and banned users."""

from __future__ import annotations

import pytest

from participation.models import User
from tests.factories import logged_actions, reload


@pytest.fixture
def admin(make_user):
    return make_user(role="admin", display_name="Ada Admin")


@pytest.fixture
def admin_client(client, login, admin):
    login(client, admin)
    return client


def test_list_and_search_users(admin_client, make_user):
    make_user(display_name="Lotte Janssens", email="lotte@example.be")
    make_user(display_name="Karim Benali", email="karim@example.be", role="official")
    page = admin_client.get("/en/admin/users").get_data(as_text=True)
    assert "Lotte Janssens" in page and "Karim Benali" in page
    page = admin_client.get("/en/admin/users?q=lotte").get_data(as_text=True)
    assert "Lotte Janssens" in page and "Karim Benali" not in page
    page = admin_client.get("/en/admin/users?role=official").get_data(as_text=True)
    assert "Karim Benali" in page and "Lotte Janssens" not in page
    # Odd input is harmless.
    assert admin_client.get("/en/admin/users?q=%25_%27%22&role=king&page=abc").status_code == 200


def test_change_role_and_log(app, admin_client, admin, make_user):
    citizen = make_user()
    response = admin_client.submit(
        f"/en/admin/users/{citizen.id}/role", {"role": "moderator"}, page="/en/admin/users"
    )
    assert response.status_code == 302
    assert reload(app, User, citizen.id).role == "moderator"
    [action] = logged_actions(app, action="change_role")
    assert (action.actor_id, action.target_id) == (admin.id, citizen.id)
    log = admin_client.get("/en/moderation/log").get_data(as_text=True)
    assert "Role changed" in log and "Citizen → Moderator" in log


def test_change_role_bad_input(app, admin_client, make_user):
    citizen = make_user()
    response = admin_client.submit(
        f"/en/admin/users/{citizen.id}/role", {"role": "emperor"}, page="/en/admin/users"
    )
    assert response.status_code == 400
    assert "Please choose a role from the list." in response.get_data(as_text=True)
    assert (
        admin_client.submit(
            "/en/admin/users/999999/role", {"role": "admin"}, page="/en/admin/users"
        ).status_code
        == 404
    )
    assert reload(app, User, citizen.id).role == "citizen"


def test_admin_cannot_change_own_role(app, admin_client, admin):
    page = admin_client.get("/en/admin/users").get_data(as_text=True)
    assert f'action="/en/admin/users/{admin.id}/role"' not in page
    response = admin_client.submit(
        f"/en/admin/users/{admin.id}/role", {"role": "citizen"}, page="/en/admin/users"
    )
    assert response.status_code == 403
    assert "You cannot change your own role." in response.get_data(as_text=True)
    assert reload(app, User, admin.id).role == "admin"


def test_moderator_cannot_change_roles(app, make_client, login, make_user):
    mod = make_user(role="moderator")
    client = make_client()
    login(client, mod)
    for target in (mod, make_user()):
        response = client.submit(
            f"/en/admin/users/{target.id}/role", {"role": "admin"}, page="/en/"
        )
        assert response.status_code == 403
    assert reload(app, User, mod.id).role == "moderator"


def test_suspended_and_banned_list(app, admin_client, make_user):
    from datetime import timedelta

    from participation.extensions import db
    from participation.models.base import utcnow

    suspended = make_user(display_name="Sam Suspended")
    banned = make_user(display_name="Bert Banned")
    make_user(display_name="Anna Active")
    with app.app_context():
        db.session.get(User, suspended.id).suspended_until = utcnow() + timedelta(days=3)
        db.session.get(User, banned.id).banned_at = utcnow()
        db.session.commit()
    page = admin_client.get("/en/admin/users?status=sanctioned").get_data(as_text=True)
    assert "Sam Suspended" in page and "Bert Banned" in page and "Anna Active" not in page
    assert "suspended until" in page and "banned since" in page


def test_users_page_query_count_is_fixed(admin_client, make_user, count_queries):
    make_user()
    with count_queries() as few:
        admin_client.get("/en/admin/users")
    for _ in range(15):
        make_user()
    with count_queries() as many:
        admin_client.get("/en/admin/users")
    assert few.count == many.count


def test_header_links(admin_client, make_client, login, make_user):
    page = admin_client.get("/en/").get_data(as_text=True)
    assert 'href="/en/moderation/"' in page and 'href="/en/admin/users"' in page
    mod = make_client()
    login(mod, make_user(role="moderator"))
    page = mod.get("/en/").get_data(as_text=True)
    assert 'href="/en/moderation/"' in page and 'href="/en/admin/users"' not in page
    citizen = make_client()
    login(citizen, make_user())
    page = citizen.get("/en/").get_data(as_text=True)
    assert 'href="/en/moderation/"' not in page and 'href="/en/admin/users"' not in page
