"""flask demo load: believable, consistent and idempotent demonstration data."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from participation.extensions import db
from participation.models import (
    Comment,
    Idea,
    ModerationAction,
    Municipality,
    Notification,
    OfficialStatusChange,
    Report,
    Support,
    User,
)
from participation.models.base import utcnow

COUNTED = (
    User,
    Idea,
    Support,
    Comment,
    Report,
    ModerationAction,
    OfficialStatusChange,
    Notification,
)


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            model.__name__: db.session.scalar(select(func.count(model.id))) for model in COUNTED
        }


def test_demo_load_fills_the_four_challenges_and_is_idempotent(app, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "Demo data ready" in result.output
    first = counts(app)

    with app.app_context():
        public = db.session.scalars(
            select(Idea).where(Idea.status.in_(("published", "withdrawn")))
        ).all()
        assert len(public) >= 40
        assert len({i.challenge_id for i in public}) == 4
        for challenge_id in {i.challenge_id for i in public}:
            assert sum(i.challenge_id == challenge_id for i in public) >= 8
        assert {i.language for i in public} == {"fr", "nl", "en"}
        assert len({i.municipality_id for i in public if i.municipality_id}) >= 10
        assert any(i.municipality_id is None for i in public)
        pending = db.session.scalar(select(func.count()).where(Idea.status == "pending"))
        assert pending >= 3
        # Believable Brussels topics.
        text = " ".join(i.title + " " + i.body_source for i in public).lower()
        for word in ("chaussée de wavre", "stib", "schaerbeek", "canal", "villo!", "zone 30"):
            assert word in text, word

        # Counters equal the rows.
        for idea in public:
            supports = db.session.scalar(select(func.count()).where(Support.idea_id == idea.id))
            # The services count visible comments: a comment hidden by moderation
            # (a placeholder on the page) or deleted moves the counter down.
            comments = db.session.scalar(
                select(func.count()).where(Comment.idea_id == idea.id, Comment.status == "visible")
            )
            assert idea.support_count == supports, idea.title
            assert idea.comment_count == comments, idea.title
            assert not db.session.scalar(
                select(func.count()).where(
                    Support.idea_id == idea.id, Support.user_id == idea.author_id
                )
            )
        # Supports spread over 60 days, some of them this week.
        now = utcnow()
        oldest = db.session.scalar(select(func.min(Support.created_at)))
        recent = db.session.scalar(
            select(func.count()).where(Support.created_at >= now - timedelta(days=7))
        )
        assert oldest < now - timedelta(days=30)
        assert 0 < recent < first["Support"] / 2
        assert db.session.scalar(select(func.count()).where(Comment.parent_id.is_not(None))) >= 3
        assert db.session.scalar(select(func.count(func.distinct(Support.user_id)))) >= 25

    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0, again.output
    assert "0 new accounts, 0 new ideas, 0 new comments" in again.output
    assert counts(app) == first


def test_demo_has_translations_by_authors_and_participants(app, runner, client):
    from participation.models import IdeaTranslation

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        rows = db.session.scalars(select(IdeaTranslation)).all()
        assert {(r.status, r.by_author) for r in rows} == {
            ("published", True),
            ("published", False),
            ("pending", False),
        }
        benches = db.session.scalar(
            select(Idea).where(Idea.title.startswith("An open register of all public benches"))
        )
    page = client.get(f"/fr/ideas/{benches.id}").get_data(as_text=True)
    assert "Un registre ouvert de tous les bancs publics" in page
    assert "Traduit par l'auteur" in page
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(IdeaTranslation)) == len(rows)


def test_demo_makes_trending_differ_from_newest_and_supported(app, runner, client):
    import re

    runner.invoke(args=["demo", "load"])
    pattern = re.compile(r'class="idea-card-title"[^>]*><a[^>]*>([^<]*)</a>')

    def first_five(sort):
        html = client.get(f"/en/ideas/?sort={sort}").get_data(as_text=True)
        return pattern.findall(html)[:5]

    newest, trending, supported = (
        first_five("newest"),
        first_five("trending"),
        first_five("supported"),
    )
    assert len({tuple(newest), tuple(trending), tuple(supported)}) == 3
    home = client.get("/fr/")
    assert home.status_code == 200
    # The most supported demo idea leads the home page.
    supported_section = home.get_data(as_text=True).split('id="supported-heading"')[1]
    assert "Une vraie piste cyclable séparée sur la chaussée de Wavre" in supported_section


def test_demo_accounts_can_log_in(app, runner, client, login):
    from participation.demo import DEMO_PASSWORD

    runner.invoke(args=["demo", "load"])
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "claire@demo.brussels"))
        assert user.is_confirmed and user.role == "citizen"
    login(client, user, password=DEMO_PASSWORD)
    assert client.get("/en/account/profile").status_code == 200


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _idea(title: str) -> Idea:
    return db.session.scalar(select(Idea).where(Idea.title == title))


def test_demo_data_comes_from_the_data_file(app):
    from participation.demo import DATA, DATA_FILE

    assert DATA_FILE.name == "demo.json" and DATA_FILE.parent.name == "data"
    assert len(DATA["ideas"]) >= 50
    source = (DATA_FILE.parent.parent / "demo.py").read_text(encoding="utf-8")
    assert "chaussée de Wavre" not in source and len(source.splitlines()) < 400


def test_demo_goes_through_the_services(app, runner, mailbox):
    """What the services do as a side effect is there: the moderation log, the
    official answers with their history, the notifications, the reports; and
    no email leaves for the demo's made-up addresses."""
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert mailbox.messages == []
    with app.app_context():
        published = db.session.scalar(
            select(func.count()).where(Idea.published_at.is_not(None), Idea.status != "pending")
        )
        approvals = db.session.scalar(
            select(func.count()).where(ModerationAction.action == "approve")
        )
        assert approvals == published
        actions = set(db.session.scalars(select(ModerationAction.action).distinct()))
        assert {"approve", "reject", "hide", "auto_hide", "restore", "suspend"} <= actions
        assert {"mark_duplicate", "change_role"} <= actions
        # Every published idea told its author.
        assert (
            db.session.scalar(select(func.count()).where(Notification.kind == "idea_approved"))
            == approvals
        )

        # Official answers in several statuses, with history.
        statuses = set(db.session.scalars(select(OfficialStatusChange.status).distinct()))
        assert {"under_review", "accepted", "in_progress", "implemented", "not_retained"} <= (
            statuses
        )
        wavre = _idea("Une vraie piste cyclable séparée sur la chaussée de Wavre")
        history = db.session.scalars(
            select(OfficialStatusChange.status)
            .where(OfficialStatusChange.idea_id == wavre.id)
            .order_by(OfficialStatusChange.created_at)
        ).all()
        assert history == ["under_review", "accepted", "in_progress"]
        assert wavre.official_status == "in_progress"
        # A closed idea took no support after its answer.
        stib = _idea("Des données ouvertes en temps réel sur les retards de la STIB")
        closed_at = db.session.scalar(
            select(OfficialStatusChange.created_at).where(
                OfficialStatusChange.idea_id == stib.id,
                OfficialStatusChange.status == "implemented",
            )
        )
        assert not db.session.scalar(
            select(func.count()).where(Support.idea_id == stib.id, Support.created_at > closed_at)
        )

        # Reports waiting, hidden and restored content, a suspended account.
        assert db.session.scalar(select(func.count()).where(Report.resolved_at.is_(None))) >= 2
        assert db.session.scalar(select(func.count()).where(Comment.status == "hidden")) >= 2
        restored = db.session.scalars(
            select(ModerationAction).where(ModerationAction.action == "restore")
        ).all()
        assert {r.target_type for r in restored} == {"comment", "idea"}
        for r in restored:
            item = db.session.get(Comment if r.target_type == "comment" else Idea, r.target_id)
            assert item.status in ("visible", "published"), r
        suspended = _user("trottideals@demo.brussels")
        assert suspended.is_suspended and not suspended.is_banned
        assert _idea("Wie kent een goede loodgieter in Ganshoren?").status == "rejected"
        duplicate = _idea("Secure bike parking at Etterbeek station")
        assert (
            duplicate.duplicate_of_id
            == _idea("Meer fietsenstallingen aan het station Etterbeek").id
        )

        # Each demo citizen finds notifications waiting.
        for email in ("amina@demo.brussels", "jan@demo.brussels", "sarah@demo.brussels"):
            user = _user(email)
            kinds = set(
                db.session.scalars(
                    select(Notification.kind).where(Notification.recipient_id == user.id)
                )
            )
            assert {"idea_approved", "idea_commented", "supported_idea_answered"} <= kinds, email
        for email in ("moderator@demo.brussels", "official@demo.brussels"):
            assert _user(email).is_confirmed

        # Ideas too: one hidden by a moderator, one hidden after reports and
        # restored (its author told both times), one with reports waiting.
        hidden = _idea("Faire enlever les voitures ventouses de l'avenue Van Volxem")
        assert hidden.status == "hidden" and hidden.published_at is not None
        flagey = _idea("Overdekte stallingen voor bakfietsen aan het Flageyplein")
        assert flagey.status == "published"
        assert db.session.scalars(
            select(ModerationAction.action)
            .where(ModerationAction.target_type == "idea", ModerationAction.target_id == flagey.id)
            .order_by(ModerationAction.created_at)
        ).all() == ["approve", "auto_hide", "restore"]
        jan = _user("jan@demo.brussels")
        assert {"idea_hidden", "idea_restored"} <= set(
            db.session.scalars(select(Notification.kind).where(Notification.recipient_id == jan.id))
        )
        from participation.services.moderation import reported_items

        council = _idea("Filmer et diffuser en direct les conseils communaux")
        assert council.status == "published"
        waiting = {(r.item.__class__.__name__, r.item.id) for r in reported_items()}
        assert ("Idea", council.id) in waiting
        assert any(kind == "Comment" for kind, _id in waiting)

        # Every official status, and several ideas with a history of answers.
        from participation.vocabulary import OfficialStatus

        assert statuses == set(OfficialStatus)
        answered_twice = db.session.scalar(
            select(func.count()).select_from(
                select(OfficialStatusChange.idea_id)
                .group_by(OfficialStatusChange.idea_id)
                .having(func.count() >= 2)
                .subquery()
            )
        )
        assert answered_twice >= 3

        # The places are right (issue 10): the Bois de la Cambre is in the City of
        # Brussels, the Gare du Midi in Saint-Gilles.
        def place(title_start: str) -> str:
            idea = db.session.scalar(select(Idea).where(Idea.title.startswith(title_start)))
            return db.session.get(Municipality, idea.municipality_id).slug

        assert place("Fermer la traversée du Bois de la Cambre") == "bruxelles"
        assert place("Sécuriser les abords de la gare de Bruxelles-Midi") == "saint-gilles"


# Where each landmark the demo names lies (issue 10: the Bois de la Cambre is in
# the City of Brussels, the Gare du Midi and the rue de France in Saint-Gilles and
# Anderlecht, Etterbeek station in Ixelles).
LANDMARKS = {
    "Bois de la Cambre": {"bruxelles"},
    "Midi": {"saint-gilles", "anderlecht"},
    "rue de France": {"saint-gilles", "anderlecht"},
    "station Etterbeek": {"ixelles"},
    "Etterbeek station": {"ixelles"},
    "Flagey": {"ixelles"},
    "chaussée de Wavre": {"ixelles", "etterbeek", "auderghem"},
    "parvis de Saint-Gilles": {"saint-gilles"},
    "Schaarbeek": {"schaerbeek"},
    "Schaerbeek": {"schaerbeek"},
    "Josaphat": {"schaerbeek"},
    "Boudewijnpark": {"jette"},
    "Rouge-Cloître": {"auderghem"},
    "Stockel": {"woluwe-saint-pierre"},
    "avenue de Tervueren": {"woluwe-saint-pierre", "woluwe-saint-lambert", "etterbeek"},
    "chaussée d'Alsemberg": {"uccle", "forest", "saint-gilles"},
    "chaussée de Ninove": {"molenbeek-saint-jean", "anderlecht"},
    "chaussée de Mons": {"anderlecht"},
    "Keizer Karel": {"ganshoren", "berchem-sainte-agathe"},
    "rue de Brabant": {"saint-josse-ten-noode", "schaerbeek"},
    "Van Volxem": {"forest"},
    "Evere": {"evere"},
    "Ganshoren": {"ganshoren", "koekelberg"},
    "Berchem": {"berchem-sainte-agathe"},
    "Woluwe": {"woluwe-saint-lambert", "woluwe-saint-pierre"},
}


def test_demo_ideas_are_where_their_landmarks_are():
    from participation.demo import DATA

    checked = 0
    for row in DATA["ideas"]:
        for landmark, places in LANDMARKS.items():
            if landmark in row["title"] or landmark in row["body"].split("\n")[0]:
                assert row.get("place") in places, (row["title"], landmark, row.get("place"))
                checked += 1
    assert checked >= 20


def _texts(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, str):
        yield value


def test_demo_texts_address_residents_formally_and_keep_french_typography(app):
    """Dutch says "u", never "je/jij/jouw", in the Dutch ideas, the Region's answers
    and the challenge descriptions; the Region's French texts keep their no-break
    spaces (GLOSSARY.md)."""
    import re

    from participation.demo import DATA
    from participation.models import Challenge

    informal = re.compile(r"\b(?:je|jij|jou|jouw|jullie)\b", re.IGNORECASE)
    with app.app_context():
        dutch = [c.description_nl for c in db.session.scalars(select(Challenge))]
    assert len(dutch) == 4
    region = []  # what the Region writes: answers and moderation texts
    for row in DATA["ideas"]:
        if row["language"] == "nl":
            dutch += [row["title"], row["body"]]
        region += [a["response"] for a in row.get("official", [])]
        region += list(_texts([row.get("rejection"), row.get("duplicate_of")]))
        region += list(_texts(row.get("moderation", [])))
        region += [
            c["moderation"].get("text", "") for c in row.get("comments", []) if "moderation" in c
        ]
    assert not [t for t in dutch if informal.search(t)]
    french = [t for t in region if re.search(r"\b(?:les|une|est|des)\b", t)]
    assert len(french) >= 5
    assert not [t for t in french if re.search(r"[ ][:;!?»]|« ", t)]
