"""The command line (issue 2, §5): flask users create / set-role, flask demo load."""

from __future__ import annotations

from sqlalchemy import func, select

from participation.extensions import db
from participation.models import User
from tests.factories import logged_actions, user_by_email

STRONG = "une-longue-phrase-de-passe"


def test_users_create_with_password_option(runner, app, client):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Chef@Example.be",
            "--role",
            "admin",
            "--password",
            STRONG,
            "--name",
            "Chef",
            "--language",
            "nl",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Created admin chef@example.be" in result.output
    user = user_by_email(app, "chef@example.be")
    assert (user.role, user.display_name, user.language) == ("admin", "Chef", "nl")
    assert user.is_confirmed
    assert user.password_hash.startswith("scrypt:")
    response = client.submit("/en/account/login", {"email": "chef@example.be", "password": STRONG})
    assert response.status_code == 302


def test_users_create_asks_for_the_password(runner, app):
    result = runner.invoke(
        args=["users", "create", "--email", "mod@example.be", "--role", "moderator"],
        input=f"{STRONG}\n{STRONG}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Password" in result.output
    assert STRONG not in result.output  # hidden input
    user = user_by_email(app, "mod@example.be")
    assert user.role == "moderator"
    assert user.display_name == "mod"


def test_users_create_prompt_asks_again_when_the_repeat_differs(runner, app):
    result = runner.invoke(
        args=["users", "create", "--email", "typo@example.be"],
        input=f"{STRONG}\n{STRONG}x\n{STRONG}\n{STRONG}\n",
    )
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output.lower() or "error" in result.output.lower()
    assert user_by_email(app, "typo@example.be").role == "citizen"


def test_users_create_refuses_weak_passwords_and_duplicates(runner, app, make_user):
    result = runner.invoke(
        args=["users", "create", "--email", "weak@example.be", "--password", "password123"]
    )
    assert result.exit_code == 1
    assert "too common" in result.output
    assert user_by_email(app, "weak@example.be") is None
    make_user(email="taken@example.be")
    result = runner.invoke(
        args=["users", "create", "--email", "taken@example.be", "--password", STRONG]
    )
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_users_create_refuses_unknown_roles(runner, app):
    result = runner.invoke(
        args=["users", "create", "--email", "x@example.be", "--role", "king", "--password", STRONG]
    )
    assert result.exit_code == 2
    assert user_by_email(app, "x@example.be") is None


def test_users_set_role(runner, app, make_user):
    user = make_user(email="pieter@example.be")
    result = runner.invoke(args=["users", "set-role", "PIETER@example.be", "official"])
    assert result.exit_code == 0, result.output
    assert "pieter@example.be is now official" in result.output
    assert user_by_email(app, "pieter@example.be").role == "official"
    assert runner.invoke(args=["users", "set-role", user.email, "emperor"]).exit_code == 2
    missing = runner.invoke(args=["users", "set-role", "nobody@example.be", "admin"])
    assert missing.exit_code == 1
    assert "No account" in missing.output


def test_users_set_role_writes_the_same_log_row_as_the_admin_page(runner, app, make_user):
    """The command line goes through the admin page's service: one change_role row,
    by the system (no actor), with the roles before and after."""
    import json

    user = make_user(email="nadia@example.be")
    result = runner.invoke(args=["users", "set-role", user.email, "moderator"])
    assert result.exit_code == 0, result.output
    [action] = logged_actions(app)
    assert (action.action, action.target_type, action.target_id) == ("change_role", "user", user.id)
    assert (action.actor_id, action.target_user_id) == (None, user.id)
    assert json.loads(action.details) == {"before": "citizen", "after": "moderator"}
    # Giving the role a person already has changes nothing and logs nothing.
    again = runner.invoke(args=["users", "set-role", user.email, "moderator"])
    assert again.exit_code == 0, again.output
    assert "already moderator" in again.output
    assert len(logged_actions(app)) == 1


def test_users_set_role_shows_in_the_moderation_log(runner, client, login, make_user):
    admin = make_user(role="admin")
    runner.invoke(args=["users", "set-role", make_user().email, "official"])
    login(client, admin)
    log = client.get("/en/moderation/log").get_data(as_text=True)
    assert "Role changed" in log and "Citizen → Official" in log and "System" in log


def test_demo_load_is_idempotent(runner, app, client):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        users = db.session.scalar(select(func.count()).select_from(User))
        roles = set(db.session.scalars(select(User.role)))
    assert users >= 4
    assert roles == {"citizen", "moderator", "official", "admin"}
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == users
    # The demo accounts can log in with the documented password.
    from participation.demo import DATA, DEMO_PASSWORD

    response = client.submit(
        "/en/account/login", {"email": DATA["accounts"][0]["email"], "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
