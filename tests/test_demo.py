"""flask demo load: believable, consistent and idempotent demonstration data."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from participation.extensions import db
from participation.models import Comment, Idea, Support, User
from participation.models.base import utcnow


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            "users": db.session.scalar(select(func.count(User.id))),
            "ideas": db.session.scalar(select(func.count(Idea.id))),
            "supports": db.session.scalar(select(func.count(Support.id))),
            "comments": db.session.scalar(select(func.count(Comment.id))),
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
        assert 0 < recent < first["supports"] / 2
        assert db.session.scalar(select(func.count()).where(Comment.parent_id.is_not(None))) >= 3
        assert db.session.scalar(select(func.count(func.distinct(Support.user_id)))) >= 25

    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0, again.output
    assert "0 new accounts, 0 new ideas, 0 new comments" in again.output
    assert counts(app) == first


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
