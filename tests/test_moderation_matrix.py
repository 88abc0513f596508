"""Every moderation and admin route against every role: 200/302 (done), login, 403, 404."""

from __future__ import annotations

from datetime import timedelta

import pytest

from participation.extensions import db
from participation.models import User
from participation.models.base import utcnow
from tests.factories import insert_comment
from tests.pages import client_for_role

ROLES = ["anonymous", "unconfirmed", "citizen", "suspended", "moderator", "official", "admin"]
STAFF = {"moderator", "admin"}
LOGIN = "login"


def _staff_only(ok):
    return {r: (LOGIN if r == "anonymous" else ok if r in STAFF else 403) for r in ROLES}


def _admin_only(ok):
    return {r: (LOGIN if r == "anonymous" else ok if r == "admin" else 403) for r in ROLES}


def _participants(ok):
    return {
        r: (LOGIN if r == "anonymous" else 403 if r in ("unconfirmed", "suspended") else ok)
        for r in ROLES
    }


# (method, url template, form data, expected per role). Templates use the
# objects made by `world`: {pending}, {published}, {hidden}, {comment}, {target}.
ROUTES = [
    ("GET", "/en/moderation/", None, _staff_only(200)),
    ("GET", "/en/moderation/ideas/{pending}", None, _staff_only(200)),
    ("GET", "/en/moderation/ideas/999999", None, _staff_only(404)),
    ("GET", "/en/moderation/comments/{comment}", None, _staff_only(200)),
    ("GET", "/en/moderation/users/{target}", None, _staff_only(200)),
    ("GET", "/en/moderation/users/999999", None, _staff_only(404)),
    ("GET", "/en/moderation/log", None, _staff_only(200)),
    ("POST", "/en/moderation/ideas/{pending}/approve", {}, _staff_only(302)),
    ("POST", "/en/moderation/ideas/{pending2}/reject", {"reason": "off_topic"}, _staff_only(302)),
    ("POST", "/en/moderation/ideas/{published}/hide", {"reason": "spam"}, _staff_only(302)),
    ("POST", "/en/moderation/ideas/{hidden}/restore", {}, _staff_only(302)),
    (
        "POST",
        "/en/moderation/ideas/{published2}/duplicate",
        {"original_id": "{original}"},
        _staff_only(302),
    ),
    ("POST", "/en/moderation/comments/{comment}/hide", {"reason": "offensive"}, _staff_only(302)),
    ("POST", "/en/moderation/ideas/999999/approve", {}, _staff_only(404)),
    (
        "POST",
        "/en/moderation/users/{target}/sanction",
        {"kind": "suspend", "days": "3", "reason": "spam"},
        _staff_only(302),
    ),
    ("POST", "/en/moderation/users/{target}/lift", {}, _staff_only(302)),
    ("GET", "/en/admin/", None, _admin_only(302)),
    ("GET", "/en/admin/users", None, _admin_only(200)),
    ("POST", "/en/admin/users/{target}/role", {"role": "official"}, _admin_only(302)),
    ("GET", "/en/moderation/report/idea/{reportable}", None, _participants(200)),
    ("POST", "/en/moderation/report/idea/{reportable}", {"reason": "spam"}, _participants(302)),
    ("POST", "/en/moderation/report/comment/{comment2}", {"reason": "other"}, _participants(302)),
    (
        "GET",
        "/en/moderation/report/idea/999999",
        None,
        {r: LOGIN if r == "anonymous" else 404 for r in ROLES},
    ),
]


@pytest.fixture
def world(app, make_user, make_idea):
    author = make_user(display_name="Author of everything")
    ideas = {
        name: make_idea(status=status, author=author)
        for name, status in [
            ("pending", "pending"),
            ("pending2", "pending"),
            ("published", "published"),
            ("hidden", "hidden"),
            ("published2", "published"),
            ("original", "published"),
            ("reportable", "published"),
        ]
    }
    comment = insert_comment(app, ideas["published"], author)
    comment2 = insert_comment(app, ideas["reportable"], author)
    target = make_user(display_name="Target citizen")
    values = {name: idea.id for name, idea in ideas.items()}
    values.update(comment=comment.id, comment2=comment2.id, target=target.id)
    return values


@pytest.mark.parametrize("role", ROLES)
def test_every_route_against_role(role, app, world, make_client, make_user, login):
    client, token_page = client_for_role(role, app, make_client, make_user, login)
    failures = []
    for method, template, data, expected in ROUTES:
        url = template.format(**world)
        if method == "GET":
            response = client.get(url)
        else:
            form = {k: v.format(**world) for k, v in (data or {}).items()}
            if url.endswith("/lift"):
                # Something to lift: the previous row suspended them only for staff.
                with app.app_context():
                    db.session.get(User, world["target"]).suspended_until = utcnow() + timedelta(
                        days=1
                    )
                    db.session.commit()
            response = client.submit(url, form, page=token_page)
        want = expected[role]
        if want == LOGIN:
            ok = response.status_code == 302 and "/account/login" in response.headers["Location"]
        else:
            ok = response.status_code == want
            if ok and want == 302:
                assert "/account/login" not in response.headers["Location"], (method, url)
        if not ok:
            failures.append((method, url, want, response.status_code))
        assert response.status_code != 500
    assert failures == []
