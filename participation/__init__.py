"""The application factory."""

from __future__ import annotations

import logging
import os
import select
import sqlite3
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import Pool

from config import BASE_DIR, CONFIGS, INSTANCE_DIR
from participation.stemming import stem_text


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """Foreign keys on, WAL for concurrent readers, and a busy timeout, on every
    SQLite connection."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # The terms of the search indexes (0003_search, 0013_translations), to
        # expand a prefix into the words it stands for (services/search.py).
        for index in ("ideas_fts", "idea_translations_fts"):
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{index}_vocab"
                f" USING fts5vocab(main, {index}, row)"
            )
        cursor.close()
        # The stems that the similar-ideas triggers store (0013_translations).
        dbapi_connection.create_function("stem_text", 2, stem_text, deterministic=True)


@event.listens_for(Pool, "checkout")
def _replace_closed_connection(dbapi_connection, connection_record, connection_proxy):
    """A pooled server connection that the server closed while it was idle (a
    restart, pg_terminate_backend, an idle timeout) is replaced before the
    request uses it, without a round trip (this replaces pool_pre_ping's
    SELECT per request): an idle connection has nothing to read, so a readable
    socket means the server said goodbye or hung up. The pool then connects
    again (DisconnectionError at checkout)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        return
    fileno = getattr(dbapi_connection, "fileno", None)
    if fileno is None:
        return
    try:
        poller = select.poll()
        poller.register(fileno(), select.POLLIN)
        readable = poller.poll(0)
    except Exception as exc:  # noqa: BLE001 - a closed connection has no socket
        raise DisconnectionError(str(exc)) from exc
    if readable:
        raise DisconnectionError("the server closed this connection while it was idle")


def create_app(config_name: str | None = None, test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
        instance_path=str(INSTANCE_DIR),
    )
    name = config_name or os.environ.get("PARTICIPATION_ENV", "development")
    if name not in CONFIGS:
        raise SystemExit(f"Unknown PARTICIPATION_ENV {name!r}: use one of {', '.join(CONFIGS)}.")
    app.config.from_object(CONFIGS[name])
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        raise SystemExit(
            "Refusing to start: SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "to a long random value (python3 -c 'import secrets; print(secrets.token_hex(32))')."
        )
    from participation.urls import check_public_base_url

    problem = check_public_base_url(app.config.get("PUBLIC_BASE_URL"))
    if problem:
        raise SystemExit(
            f"Refusing to start: {problem}. Set the PUBLIC_BASE_URL environment variable to the "
            "address the public uses (https://participation.brussels): every link in emails "
            "and feeds starts with it."
        )
    # Requests for any other host get a 400 (Flask checks the Host header).
    public_host = urlsplit(app.config["PUBLIC_BASE_URL"]).hostname
    trusted = list(app.config.get("TRUSTED_HOSTS") or [])
    if public_host not in trusted:
        trusted.append(public_host)
    app.config["TRUSTED_HOSTS"] = trusted
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(app.instance_path, exist_ok=True)
    if not app.debug and not app.testing:
        app.logger.setLevel(logging.INFO)

    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    from werkzeug.routing import IntegerConverter

    class DatabaseIdConverter(IntegerConverter):
        """<int:…> in URLs only matches ids the database can hold (1 to 2**31 - 1):
        /ideas/99999999999 is a 404, never an overflow error."""

        def __init__(self, map, *args, **kwargs):
            kwargs.setdefault("min", 1)
            kwargs.setdefault("max", 2**31 - 1)
            super().__init__(map, *args, **kwargs)

    app.url_map.converters["int"] = DatabaseIdConverter

    from participation import i18n, security
    from participation.extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    security.init_app(app)

    from participation import auth, caching, cli, jobs, sanitize, templating, urls

    auth.init_app(app)
    caching.init_app(app)
    templating.init_app(app)
    urls.init_app(app)
    sanitize.init_app(app)
    cli.init_app(app)
    jobs.init_app(app)

    from participation.accounts import bp as accounts_bp
    from participation.admin import bp as admin_bp
    from participation.api import bp as api_bp
    from participation.budgets import bp as budgets_bp
    from participation.consultations import bp as consultations_bp
    from participation.ideas import bp as ideas_bp
    from participation.main import bp as main_bp
    from participation.moderation import bp as moderation_bp
    from participation.notifications import bp as notifications_bp
    from participation.officials import bp as officials_bp
    from participation.opendata import bp as opendata_bp
    from participation.supports import bp as supports_bp

    for blueprint in (
        main_bp,
        accounts_bp,
        ideas_bp,
        supports_bp,
        moderation_bp,
        officials_bp,
        notifications_bp,
        consultations_bp,
        api_bp,
        opendata_bp,
    ):
        app.register_blueprint(blueprint)
    app.register_blueprint(admin_bp)
    app.register_blueprint(budgets_bp)
    return app
