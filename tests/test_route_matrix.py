"""Every route of the app, against every role.

ROUTES names each (endpoint, method) of the URL map with a request to make and
the outcome expected for each role: 200, a redirect (302) that is not to the
login page, "login" (a redirect to the login page), 400 (allowed, but the empty
or invalid form is refused), 403 or 404. The first test fails when a route is
added to the app without an entry here.
"""

from __future__ import annotations

import pytest

from participation.extensions import db
from participation.models import IdeaTranslation, Notification
from tests.factories import count_budget_round
from tests.factories_consultations import close, make_consultation, question_ids
from tests.pages import client_for_role

ROLES = ["anonymous", "unconfirmed", "citizen", "suspended", "moderator", "official", "admin"]
LOGIN = "login"
SIGNED_IN = [r for r in ROLES if r != "anonymous"]


def everyone(outcome):
    return dict.fromkeys(ROLES, outcome)


def signed_in(outcome):
    return {r: (LOGIN if r == "anonymous" else outcome) for r in ROLES}


def only(roles, outcome, others=403):
    return {r: (LOGIN if r == "anonymous" else outcome if r in roles else others) for r in ROLES}


def participants(outcome):
    """Confirmed, non-suspended accounts of any role."""
    return only(("citizen", "moderator", "official", "admin"), outcome)


STAFF = ("moderator", "admin")
OFFICIALS = ("official", "admin")

# (endpoint, method): (url template, form data or None, expected outcome per role).
# Templates use the objects made by the `world` fixture. Entries run in this
# order, with one fresh database per role; the logout entry runs last.
ROUTES: dict[tuple[str, str], tuple[str, dict | None, dict]] = {
    ("main.root", "GET"): ("/", None, everyone(302)),
    ("main.home", "GET"): ("/en/", None, everyone(200)),
    ("main.about", "GET"): ("/en/about", None, everyone(200)),
    ("main.privacy", "GET"): ("/fr/privacy", None, everyone(200)),
    ("main.rules", "GET"): ("/nl/rules", None, everyone(200)),
    ("main.answers", "GET"): ("/en/how-ideas-are-answered", None, everyone(200)),
    ("main.accessibility", "GET"): ("/fr/accessibility", None, everyone(200)),
    # Accounts
    ("accounts.register", "GET"): (
        "/en/account/register",
        None,
        {r: (200 if r == "anonymous" else 302) for r in ROLES},
    ),
    ("accounts.register", "POST"): (
        "/en/account/register",
        {},
        {r: (400 if r == "anonymous" else 302) for r in ROLES},
    ),
    ("accounts.confirm", "GET"): ("/en/account/confirm/not-a-token", None, everyone(400)),
    ("accounts.resend_confirmation", "GET"): ("/en/account/confirm/resend", None, everyone(200)),
    ("accounts.resend_confirmation", "POST"): ("/en/account/confirm/resend", {}, everyone(400)),
    ("accounts.resend_mine", "POST"): ("/en/account/resend", {}, signed_in(302)),
    ("accounts.login", "GET"): (
        "/en/account/login",
        None,
        {r: (200 if r == "anonymous" else 302) for r in ROLES},
    ),
    ("accounts.login", "POST"): (
        "/en/account/login",
        {},
        {r: (400 if r == "anonymous" else 302) for r in ROLES},
    ),
    ("accounts.reset_request", "GET"): ("/en/account/reset", None, everyone(200)),
    ("accounts.reset_request", "POST"): ("/en/account/reset", {}, everyone(400)),
    ("accounts.reset_password", "GET"): ("/en/account/reset/not-a-token", None, everyone(400)),
    ("accounts.reset_password", "POST"): ("/en/account/reset/not-a-token", {}, everyone(400)),
    ("accounts.profile", "GET"): ("/en/account/profile", None, signed_in(200)),
    ("accounts.profile", "POST"): ("/en/account/profile", {}, signed_in(400)),
    ("accounts.change_email", "POST"): ("/en/account/email", {}, signed_in(400)),
    ("accounts.change_password", "POST"): ("/en/account/password", {}, signed_in(400)),
    ("accounts.download_data", "GET"): ("/en/account/data", None, signed_in(200)),
    ("accounts.delete", "GET"): ("/en/account/delete", None, signed_in(200)),
    ("accounts.delete", "POST"): ("/en/account/delete", {}, signed_in(400)),
    # Ideas: finding
    ("ideas.index", "GET"): ("/en/ideas/", None, everyone(200)),
    ("ideas.challenge", "GET"): ("/en/ideas/challenge/safe", None, everyone(200)),
    ("ideas.feed", "GET"): ("/en/ideas/feed.atom", None, everyone(200)),
    ("ideas.challenge_feed", "GET"): ("/en/ideas/challenge/open/feed.atom", None, everyone(200)),
    ("ideas.similar", "GET"): ("/en/ideas/similar?q=bike+lanes", None, everyone(200)),
    # Ideas: the published idea of another citizen, and a pending one
    ("ideas.detail", "GET"): ("/en/ideas/{published}", None, everyone(200)),
    ("ideas.new", "GET"): ("/en/ideas/new", None, participants(200)),
    ("ideas.new", "POST"): ("/en/ideas/new", {}, participants(400)),
    ("ideas.mine", "GET"): ("/en/ideas/mine", None, signed_in(200)),
    ("ideas.edit", "GET"): ("/en/ideas/{published}/edit", None, signed_in(403)),
    ("ideas.translate", "GET"): ("/en/ideas/{published}/translations", None, participants(200)),
    ("ideas.translate", "POST"): ("/en/ideas/{published}/translations", {}, participants(400)),
    ("ideas.edit", "POST"): ("/en/ideas/{published}/edit", {}, signed_in(403)),
    ("ideas.withdraw", "GET"): ("/en/ideas/{published}/withdraw", None, signed_in(403)),
    ("ideas.withdraw", "POST"): ("/en/ideas/{published}/withdraw", {}, signed_in(403)),
    # Refused commenters go back to the idea with a message saying why.
    ("ideas.comment", "POST"): (
        "/en/ideas/{published}/comments",
        {},
        {**participants(400), "unconfirmed": 302, "suspended": 302},
    ),
    ("ideas.edit_comment", "GET"): (
        "/en/ideas/{published}/comments/{comment}/edit",
        None,
        signed_in(403),
    ),
    ("ideas.edit_comment", "POST"): (
        "/en/ideas/{published}/comments/{comment}/edit",
        {"body": "Changed by someone else"},
        signed_in(403),
    ),
    ("ideas.delete_comment", "POST"): (
        "/en/ideas/{published}/comments/{comment}/delete",
        {},
        signed_in(403),
    ),
    # Supporting: the plain form answers with a redirect and a message, also
    # when refused (unconfirmed, suspended); the JSON answer carries the status.
    ("supports.support", "POST"): ("/en/ideas/{published}/support", {}, signed_in(302)),
    ("supports.unsupport", "POST"): ("/en/ideas/{published}/unsupport", {}, signed_in(302)),
    # Moderation
    ("moderation.queue", "GET"): ("/en/moderation/", None, only(STAFF, 200)),
    ("moderation.translation", "GET"): (
        "/en/moderation/translations/{translation}",
        None,
        only(STAFF, 200),
    ),
    ("moderation.review_translation", "POST"): (
        "/en/moderation/translations/{translation}/reject",
        {},
        only(STAFF, 400),
    ),
    ("moderation.item", "GET"): ("/en/moderation/ideas/{pending}", None, only(STAFF, 200)),
    ("moderation.act", "POST"): (
        "/en/moderation/ideas/{pending}/approve",
        {},
        only(STAFF, 302),
    ),
    ("moderation.log", "GET"): ("/en/moderation/log", None, only(STAFF, 200)),
    ("moderation.user", "GET"): ("/en/moderation/users/{author}", None, only(STAFF, 200)),
    ("moderation.sanction", "POST"): (
        "/en/moderation/users/{author}/sanction",
        {},
        only(STAFF, 400),
    ),
    # Nothing to lift: the author is not sanctioned.
    ("moderation.lift", "POST"): ("/en/moderation/users/{author}/lift", {}, only(STAFF, 400)),
    ("moderation.report", "GET"): (
        "/en/moderation/report/idea/{published}",
        None,
        participants(200),
    ),
    ("moderation.report", "POST"): (
        "/en/moderation/report/idea/{published}",
        {},
        participants(400),
    ),
    # Admin
    ("admin.index", "GET"): ("/en/admin/", None, only(("admin",), 302)),
    ("admin.users", "GET"): ("/en/admin/users", None, only(("admin",), 200)),
    ("admin.change_role", "POST"): (
        "/en/admin/users/{author}/role",
        {},
        only(("admin",), 400),
    ),
    ("admin.outbox", "GET"): ("/en/admin/outbox", None, only(("admin",), 200)),
    # No such message: admins get a 404, everyone else a 403 first.
    ("admin.outbox_retry", "POST"): ("/en/admin/outbox/999999/retry", {}, only(("admin",), 404)),
    # Officials
    ("officials.dashboard", "GET"): ("/en/officials/", None, only(OFFICIALS, 200)),
    ("officials.export", "GET"): ("/en/officials/export.csv", None, only(OFFICIALS, 200)),
    ("officials.set_status", "GET"): (
        "/en/officials/ideas/{published}/status",
        None,
        only(OFFICIALS, 200),
    ),
    ("officials.set_status", "POST"): (
        "/en/officials/ideas/{published}/status",
        {},
        only(OFFICIALS, 400),
    ),
    # Notifications: someone else's notification is not found
    ("notifications.index", "GET"): ("/en/notifications/", None, signed_in(200)),
    ("notifications.mark_read", "POST"): (
        "/en/notifications/{notification}/read",
        {},
        signed_in(404),
    ),
    ("notifications.mark_all_read", "POST"): ("/en/notifications/read-all", {}, signed_in(302)),
    ("notifications.preferences", "GET"): ("/en/notifications/preferences", None, signed_in(200)),
    ("notifications.preferences", "POST"): (
        "/en/notifications/preferences",
        {},
        signed_in(302),
    ),
    ("notifications.unsubscribe", "GET"): (
        "/en/notifications/unsubscribe/not-a-token",
        None,
        everyone(400),
    ),
    ("notifications.unsubscribe", "POST"): (
        "/en/notifications/unsubscribe/not-a-token",
        {},
        everyone(400),
    ),
    # Participatory budgets: {budget} is in its voting phase, {counted} closed and counted.
    ("budgets.index", "GET"): ("/en/budgets/", None, everyone(200)),
    ("budgets.new_round", "GET"): ("/en/budgets/new", None, only(OFFICIALS, 200)),
    ("budgets.new_round", "POST"): ("/en/budgets/new", {}, only(OFFICIALS, 400)),
    ("budgets.round_page", "GET"): ("/en/budgets/{budget}", None, everyone(200)),
    # Submission is over in a voting round.
    ("budgets.new_project", "GET"): ("/en/budgets/{budget}/projects/new", None, signed_in(403)),
    ("budgets.new_project", "POST"): ("/en/budgets/{budget}/projects/new", {}, signed_in(403)),
    ("budgets.project", "GET"): (
        "/en/budgets/{budget}/projects/{budget_project}",
        None,
        everyone(200),
    ),
    # Review closes when voting opens.
    ("budgets.review", "GET"): (
        "/en/budgets/{budget}/projects/{budget_project}/review",
        None,
        signed_in(403),
    ),
    ("budgets.review", "POST"): (
        "/en/budgets/{budget}/projects/{budget_project}/review",
        {},
        signed_in(403),
    ),
    ("budgets.ballot", "GET"): ("/en/budgets/{budget}/ballot", None, participants(200)),
    # An empty ballot is refused with its message.
    ("budgets.ballot", "POST"): ("/en/budgets/{budget}/ballot", {}, participants(400)),
    # Counted already: never twice.
    ("budgets.count", "POST"): ("/en/budgets/{counted}/count", {}, signed_in(403)),
    ("budgets.results", "GET"): ("/en/budgets/{counted}/results", None, everyone(200)),
    # Voting is the current phase: officials may close it (302); a counted round is over.
    ("budgets.next_phase", "POST"): ("/en/budgets/{counted}/phase", {}, signed_in(403)),
    # An empty idea number is refused with its message (400) for officials.
    ("budgets.from_idea", "POST"): (
        "/en/budgets/{budget}/projects/from-idea",
        {},
        only(OFFICIALS, 400),
    ),
    ("budgets.chart", "GET"): ("/en/budgets/{counted}/charts/votes.svg", None, everyone(200)),
    ("budgets.export", "GET"): ("/en/budgets/{counted}/round.pb", None, everyone(200)),
    # Consultations: {consultation} is open (results after closing), {closed} is closed.
    ("consultations.index", "GET"): ("/en/consultations/", None, everyone(200)),
    ("consultations.detail", "GET"): ("/en/consultations/{consultation}", None, everyone(200)),
    # An empty form: required questions unanswered (400); refused participants get 403.
    ("consultations.answer", "POST"): (
        "/en/consultations/{consultation}",
        {},
        {**participants(400), "unconfirmed": 403, "suspended": 403},
    ),
    ("consultations.results", "GET"): (
        "/en/consultations/{consultation}/results",
        None,
        everyone(403),
    ),
    ("consultations.chart", "GET"): (
        "/en/consultations/{closed}/results/{closed_question}.svg",
        None,
        everyone(200),
    ),
    ("consultations.download_results", "GET"): (
        "/en/consultations/{closed}/results.csv",
        None,
        everyone(200),
    ),
    ("consultations.download_json", "GET"): (
        "/en/consultations/{closed}/results.json",
        None,
        everyone(200),
    ),
    ("consultations.download_answers", "GET"): (
        "/en/consultations/{closed}/answers.csv",
        None,
        everyone(200),
    ),
    ("consultations.new", "GET"): ("/en/consultations/new", None, only(OFFICIALS, 200)),
    ("consultations.new", "POST"): ("/en/consultations/new", {}, only(OFFICIALS, 400)),
    ("consultations.edit", "GET"): (
        "/en/consultations/{consultation}/edit",
        None,
        only(OFFICIALS, 200),
    ),
    ("consultations.edit", "POST"): (
        "/en/consultations/{consultation}/edit",
        {},
        only(OFFICIALS, 400),
    ),
    ("consultations.add_question", "POST"): (
        "/en/consultations/{consultation}/questions",
        {},
        only(OFFICIALS, 400),
    ),
    # A question of the closed consultation: nothing changes once closed.
    ("consultations.remove_question", "POST"): (
        "/en/consultations/{closed}/questions/{closed_question}/delete",
        {},
        only(OFFICIALS, 403),
    ),
    ("consultations.texts", "GET"): (
        "/en/consultations/{consultation}/texts",
        None,
        only(STAFF, 200),
    ),
    ("consultations.moderate_text", "POST"): (
        "/en/consultations/{consultation}/texts/{missing_text}",
        {"action": "approve"},
        only(STAFF, 404),
    ),
    # Open data: the public API (always read as a visitor) and its pages
    ("api.index", "GET"): ("/api/v1/", None, everyone(200)),
    ("api.openapi", "GET"): ("/api/v1/openapi.json", None, everyone(200)),
    ("api.challenges", "GET"): ("/api/v1/challenges", None, everyone(200)),
    ("api.municipalities", "GET"): ("/api/v1/municipalities", None, everyone(200)),
    ("api.ideas", "GET"): ("/api/v1/ideas", None, everyone(200)),
    # Pending: not found, whoever asks; the moderators' runs approved it just before.
    ("api.idea", "GET"): (
        "/api/v1/ideas/{pending}",
        None,
        {r: 200 if r in STAFF else 404 for r in ROLES},
    ),
    ("api.idea_comments", "GET"): ("/api/v1/ideas/{published}/comments", None, everyone(200)),
    ("api.statistics", "GET"): ("/api/v1/statistics", None, everyone(200)),
    ("api.budgets", "GET"): ("/api/v1/budgets", None, everyone(200)),
    ("api.consultations", "GET"): ("/api/v1/consultations", None, everyone(200)),
    ("api.consultation", "GET"): ("/api/v1/consultations/999999", None, everyone(404)),
    ("opendata.api_docs", "GET"): ("/en/api", None, everyone(200)),
    ("opendata.data", "GET"): ("/en/data", None, everyone(200)),
    ("opendata.catalog", "GET"): ("/data/catalog.jsonld", None, everyone(200)),
    # Not exported in this test run: the file is not there yet.
    ("opendata.download", "GET"): ("/data/ideas.csv", None, everyone(404)),
    ("opendata.stats", "GET"): ("/en/stats", None, everyone(200)),
    ("opendata.municipalities", "GET"): ("/en/municipalities", None, everyone(200)),
    ("opendata.municipality", "GET"): ("/en/municipalities/ixelles", None, everyone(200)),
    ("opendata.chart", "GET"): ("/en/stats/challenges.svg", None, everyone(200)),
    ("accounts.logout", "POST"): ("/en/account/logout", {}, everyone(302)),
}


def test_every_route_has_an_entry(app):
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    missing = sorted(routes - ROUTES.keys())
    stale = sorted(ROUTES.keys() - routes)
    assert not missing, f"routes without an entry in the permission matrix: {missing}"
    assert not stale, f"matrix entries for routes that no longer exist: {stale}"


@pytest.fixture
def world(app, make_user, make_idea, make_comment, make_round, make_budget_project):
    author = make_user(display_name="Author of everything")
    published = make_idea(
        status="published", author=author, title="Bike lanes on Chaussée de Wavre"
    )
    pending = make_idea(status="pending", author=author)
    comment = make_comment(published, author=author)
    with app.app_context():
        notification = Notification(recipient_id=author.id, kind="idea_approved", data={})
        db.session.add(notification)
        translation = IdeaTranslation(
            idea_id=published.id,
            language="fr",
            title="Des pistes cyclables chaussée de Wavre",
            body_source="Une traduction proposée par un participant.",
            body_html="<p>Une traduction proposée par un participant.</p>",
            translator_id=make_user().id,
            by_author=False,
            status="pending",
        )
        db.session.add(translation)
        db.session.commit()
        notification_id = notification.id
        translation_id = translation.id
    budget = make_round(phase="voting")
    budget_project = make_budget_project(budget)
    counted = make_round(phase="results")
    make_budget_project(counted)
    count_budget_round(app, counted.id, make_user(role="admin").id)
    asker = make_user(role="official")
    consultation = make_consultation(app, asker)
    closed = make_consultation(app, asker)
    close(app, closed)
    return {
        "budget": budget.id,
        "budget_project": budget_project.id,
        "counted": counted.id,
        "consultation": consultation,
        "closed": closed,
        "closed_question": question_ids(app, closed)[0]["id"],
        "missing_text": "0" * 32,
        "author": author.id,
        "published": published.id,
        "pending": pending.id,
        "comment": comment.id,
        "notification": notification_id,
        "translation": translation_id,
    }


def _outcome(response) -> int | str:
    if response.status_code == 302 and "/account/login" in response.headers["Location"]:
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_every_route_against_role(role, app, world, make_client, make_user, login):
    client, token_page = client_for_role(role, app, make_client, make_user, login)
    failures = []
    for (endpoint, method), (template, data, expected) in ROUTES.items():
        url = template.format(**world)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.submit(url, data or {}, page=token_page)
        got = _outcome(response)
        if got != expected[role]:
            failures.append(f"{method} {url} ({endpoint}): expected {expected[role]}, got {got}")
    assert failures == [], "\n".join(failures)
