"""Migration 0020: an idea's comment_count, left counting a comment a moderator
had hidden, counts its visible comments again."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import MetaData, select, text

from participation import create_app
from participation.extensions import db
from tests.test_migration_0012 import _insert


def test_0020_sets_each_count_to_the_visible_comments(tmp_path):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}"})
    try:
        with app.app_context():
            upgrade(revision="0019_statistics_snapshot")
            meta = MetaData()
            meta.reflect(db.engine)
            users, ideas, comments = (meta.tables[n] for n in ("users", "ideas", "comments"))
            with db.engine.begin() as conn:
                author = _insert(conn, users, email="a@example.be", role="citizen", language="fr")
                challenge = conn.execute(text("SELECT min(id) FROM challenges")).scalar()

                def idea(count: int) -> int:
                    return _insert(
                        conn,
                        ideas,
                        author_id=author,
                        challenge_id=challenge,
                        status="published",
                        language="fr",
                        comment_count=count,
                    )

                # Counted when written, then hidden by a moderator: 3 stored, 1 visible.
                wrong, right = idea(3), idea(1)
                for status in ("visible", "hidden", "hidden"):
                    _insert(conn, comments, idea_id=wrong, author_id=author, status=status)
                _insert(conn, comments, idea_id=right, author_id=author, status="visible")
                _insert(conn, comments, idea_id=right, author_id=author, status="deleted")
            upgrade(revision="0020_comment_counts")
            counts = dict(db.session.execute(select(ideas.c.id, ideas.c.comment_count)).all())
            assert counts == {wrong: 1, right: 1}
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
