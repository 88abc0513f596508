"""Migrations (issue 2, §2): an empty database upgrades to head, the models
match the migrations (`flask db check`), and the way back to base works,
on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from flask_migrate import check, downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from participation import create_app
from participation.extensions import db


def tables(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def round_trip(url: str) -> None:
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    try:
        with app.app_context():
            upgrade()
            check()  # exits (SystemExit) if models and migrations differ
            assert db.session.execute(text("SELECT count(*) FROM municipalities")).scalar() == 19
        expected = {t.name for t in db.metadata.sorted_tables}
        assert expected <= tables(app) | {"alembic_version"}
        with app.app_context():
            downgrade(revision="base")
            db.session.remove()
        assert tables(app) == set()
        with app.app_context():
            upgrade()
            check()
            db.session.remove()
        assert expected <= tables(app) | {"alembic_version"}
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_sqlite_upgrade_check_downgrade(tmp_path):
    round_trip(f"sqlite:///{tmp_path / 'migrations.sqlite3'}")


def test_check_notices_a_model_without_migration(tmp_path):
    """The check is real: a column the migrations do not know is reported."""
    from sqlalchemy import Column, Integer, String, Table

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    extra = Table(
        "zz_not_migrated",
        db.metadata,
        Column("id", Integer, primary_key=True),
        Column("name", String(10)),
    )
    try:
        with app.app_context():
            upgrade()
            with pytest.raises(SystemExit):  # what `flask db check` does: exit 1
                check()
    finally:
        db.metadata.remove(extra)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def postgres_migrations_url(postgres_url):
    base = make_url(postgres_url)
    # Our own database, next to the suite's one, so parallel runs do not collide.
    url = base.set(database=f"{base.database}_migrations")
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    yield url.render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


def test_postgresql_upgrade_check_downgrade(postgres_migrations_url):
    round_trip(postgres_migrations_url)
    engine = create_engine(postgres_migrations_url)
    with engine.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    assert version
