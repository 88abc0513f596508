"""Test fixtures: the real stack, on SQLite always and on PostgreSQL when
TEST_DATABASE_URL is set; CSRF on; mail through a real SMTP server on localhost.

Set PARTICIPATION_REQUIRE_ALL=1 (CI does) to turn a missing PostgreSQL, Redis
or Chromium into a failure instead of a notice.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from participation import create_app
from participation.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
REQUIRE_ALL = os.environ.get("PARTICIPATION_REQUIRE_ALL") == "1"
# Rows created by migrations (reference data), kept between tests.
REFERENCE_TABLES = {"municipalities", "challenges", "alembic_version"}

BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])

_notices: list[str] = []


# --- Availability of the real services ---------------------------------------


def _postgres_problem() -> str | None:
    if not TEST_DATABASE_URL:
        return "PostgreSQL tests not run: TEST_DATABASE_URL is not set."
    try:
        ensure_postgres_database(TEST_DATABASE_URL)
    except Exception as exc:  # noqa: BLE001 - report any connection problem
        return f"PostgreSQL at TEST_DATABASE_URL is unreachable: {exc}"
    return None


def _redis_problem() -> str | None:
    if not TEST_REDIS_URL:
        return "Redis tests not run: TEST_REDIS_URL is not set."
    try:
        import redis

        client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=3)
        client.ping()
        client.close()
    except Exception as exc:  # noqa: BLE001
        return f"Redis at TEST_REDIS_URL is unreachable: {exc}"
    return None


def _browser_problem() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"Browser tests not run: no Chromium at {CHROMIUM} (apt-get install chromium)."
    return None


def ensure_postgres_database(url: str) -> None:
    """Create the test database if it does not exist yet."""
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
            )
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        admin.dispose()


PROBLEMS: dict[str, str | None] = {}


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: real-browser test (Chromium via Playwright)")
    config.addinivalue_line("markers", "redis: needs a real Redis server")
    config.addinivalue_line("markers", "postgres_only: runs only against PostgreSQL")
    PROBLEMS["postgresql"] = _postgres_problem()
    PROBLEMS["redis"] = _redis_problem()
    PROBLEMS["browser"] = _browser_problem()
    missing = [p for p in PROBLEMS.values() if p]
    if missing and REQUIRE_ALL:
        raise pytest.UsageError(
            "PARTICIPATION_REQUIRE_ALL=1 but some real services are missing:\n  "
            + "\n  ".join(missing)
        )
    _notices.extend(missing)


def pytest_report_header(config):
    lines = [f"database backends: {', '.join(BACKENDS)}"]
    lines += [f"NOTICE: {n}" for n in _notices]
    return lines


def pytest_terminal_summary(terminalreporter):
    if _notices:
        terminalreporter.section("NOTICE: parts of the suite did not run", sep="!", yellow=True)
        for notice in _notices:
            terminalreporter.write_line(f"NOTICE: {notice}", yellow=True, bold=True)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("redis") and PROBLEMS.get("redis"):
            item.add_marker(pytest.mark.skip(reason=PROBLEMS["redis"]))
        if item.get_closest_marker("browser") and PROBLEMS.get("browser"):
            item.add_marker(pytest.mark.skip(reason=PROBLEMS["browser"]))


# --- Mail: a real SMTP server on localhost ------------------------------------


class Mailbox:
    def __init__(self):
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def clear(self):
        with self._lock:
            self.messages.clear()

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address.lower() in m["To"].lower()]

    def last(self, address: str, wait: float = 5.0) -> EmailMessage:
        """The last mail to `address`, waiting up to `wait` seconds for one: a
        live server sends its mail just after the response (see jobs.py)."""
        deadline = time.monotonic() + wait
        while not self.to(address) and time.monotonic() < deadline:
            time.sleep(0.02)
        found = self.to(address)
        assert found, f"no mail was sent to {address}; sent: {[m['To'] for m in self.messages]}"
        return found[-1]

    @staticmethod
    def text(message: EmailMessage) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    @staticmethod
    def html(message: EmailMessage) -> str:
        return message.get_body(preferencelist=("html",)).get_content()

    def link(self, address: str, pattern: str = r"https?://\S+") -> str:
        """The first link in the last mail to `address`, as a path on this site."""
        match = re.search(pattern, self.text(self.last(address)))
        assert match, "no link in the mail"
        return re.sub(r"^https?://[^/]+", "", match.group(0))


@pytest.fixture(scope="session")
def smtp_server():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Mailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    smtp_server.handler.clear()
    return smtp_server.handler


# --- Databases ---------------------------------------------------------------


def _upgrade(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """An SQLite file upgraded to head once; each test gets a copy."""
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    _upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_ready() -> str:
    assert TEST_DATABASE_URL, "TEST_DATABASE_URL is not set"
    engine = create_engine(TEST_DATABASE_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    _upgrade(TEST_DATABASE_URL)
    return TEST_DATABASE_URL


def _truncate_postgres(app) -> None:
    tables = [t.name for t in db.metadata.sorted_tables if t.name not in REFERENCE_TABLES]
    if tables:
        quoted = ", ".join(f'"{t}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        db.session.commit()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        if request.node.get_closest_marker("postgres_only"):
            pytest.skip("PostgreSQL-only test")
        path = tmp_path / "test.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    return request.getfixturevalue("postgres_ready")


@pytest.fixture
def app_config(database_url, smtp_server) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MAIL_SERVER": smtp_server.hostname,
        "MAIL_PORT": smtp_server.port,
    }


class ClosingClient(FlaskClient):
    """Closes each response once read, as a real server does after sending it,
    so work scheduled after the response (the outbox, without Redis) runs."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


@pytest.fixture
def app(app_config):
    app = create_app("testing", app_config)
    app.test_client_class = ClosingClient
    with app.app_context():
        if app_config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            _truncate_postgres(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# --- Clients with CSRF on --------------------------------------------------------

CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html) or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no csrf_token in the page"
    return match.group(1)


class FormClient:
    """A test client that reads the CSRF token from the page, as a browser does."""

    def __init__(self, client):
        self.client = client

    def __getattr__(self, name):
        return getattr(self.client, name)

    def token(self, page: str = "/en/") -> str:
        response = self.client.get(page)
        return csrf_from(response.get_data(as_text=True))

    def submit(self, url: str, data: dict | None = None, page: str | None = None, **kwargs):
        """GET `page` (default: `url`) for a token, then POST `data` to `url`."""
        data = dict(data or {})
        data.setdefault("csrf_token", self.token(page or url))
        return self.client.post(url, data=data, **kwargs)


@pytest.fixture
def client(app) -> FormClient:
    return FormClient(app.test_client())


@pytest.fixture
def make_client(app):
    return lambda: FormClient(app.test_client())


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- Factories -----------------------------------------------------------------

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def make_user(app):
    from participation.models import User
    from participation.models.base import utcnow
    from participation.services.passwords import hash_password

    counter = {"n": 0}
    hashed = hash_password(PASSWORD)

    def make(
        role: str = "citizen",
        confirmed: bool = True,
        language: str = "en",
        suspended: bool = False,
        email: str | None = None,
        display_name: str | None = None,
    ):
        from datetime import timedelta

        counter["n"] += 1
        n = counter["n"]
        with app.app_context():
            user = User(
                email=email or f"{role}{n}@example.be",
                display_name=display_name or f"{role.title()} <script>alert({n})</script>",
                password_hash=hashed,
                role=role,
                language=language,
                email_confirmed_at=utcnow() if confirmed else None,
                suspended_until=utcnow() + timedelta(days=7) if suspended else None,
            )
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
        return user

    return make


@pytest.fixture
def login(app):
    def do_login(client: FormClient, user, password: str = PASSWORD, remember: bool = False):
        data = {"email": user.email, "password": password}
        if remember:
            data["remember"] = "y"
        response = client.submit("/en/account/login", data)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return response

    return do_login


# --- Query counting --------------------------------------------------------------


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """with count_queries() as counter: ...; counter.count is the number of SQL statements."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = QueryCounter()
        with app.app_context():
            engine = db.engine

        def before(conn, cursor, statement, parameters, context, executemany):
            counter.statements.append(statement)

        event.listen(engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counting


@pytest.fixture
def make_idea(app, make_user):
    """make_idea(status="published", author=None, challenge="connected", ...) -> Idea (detached)."""
    from sqlalchemy import select

    from participation.models import Challenge, Idea
    from participation.models.base import utcnow
    from participation.sanitize import render_markdown

    counter = {"n": 0}

    def make(
        status: str = "published",
        author=None,
        challenge: str = "connected",
        municipality_id: int | None = None,
        title: str | None = None,
        body: str | None = None,
        language: str = "en",
        support_count: int = 0,
        comment_count: int = 0,
        created_at=None,
    ):
        counter["n"] += 1
        n = counter["n"]
        author = author or make_user()
        body = body or (
            f"Idea number {n} for the Region. <script>alert('x{n}')</script> "
            "It would help residents every day, in every municipality."
        )
        with app.app_context():
            challenge_id = db.session.scalar(
                select(Challenge.id).where(Challenge.slug == challenge)
            )
            now = created_at or utcnow()
            idea = Idea(
                author_id=author.id,
                challenge_id=challenge_id,
                municipality_id=municipality_id,
                title=title or f"Test idea number {n} <b>bold</b>",
                body_source=body,
                body_html=render_markdown(body),
                language=language,
                status=status,
                support_count=support_count,
                comment_count=comment_count,
                created_at=now,
                updated_at=now,
                published_at=now if status in ("published", "withdrawn", "hidden") else None,
            )
            db.session.add(idea)
            db.session.commit()
            db.session.refresh(idea)
            db.session.expunge(idea)
        return idea

    return make


@pytest.fixture
def make_comment(app, make_user):
    """make_comment(idea, author=None, body=..., parent=None, created_at=None) -> Comment
    (detached); keeps idea.comment_count right, as the service does."""
    from sqlalchemy import update

    from participation.models import Comment, Idea
    from participation.models.base import utcnow
    from participation.sanitize import render_markdown

    def make(idea, author=None, body: str | None = None, parent=None, created_at=None):
        author = author or make_user()
        body = body or "A comment <script>alert('c')</script> with **some** words."
        with app.app_context():
            comment = Comment(
                idea_id=idea.id,
                author_id=author.id,
                parent_id=parent.id if parent is not None else None,
                body_source=body,
                body_html=render_markdown(body),
                status="visible",
                created_at=created_at or utcnow(),
            )
            db.session.add(comment)
            db.session.execute(
                update(Idea).where(Idea.id == idea.id).values(comment_count=Idea.comment_count + 1)
            )
            db.session.commit()
            db.session.refresh(comment)
            db.session.expunge(comment)
        return comment

    return make


# --- Real browser (Chromium via Playwright) ------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's chromium, not a downloaded one (see STYLE.md)."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def live_server(sqlite_template, smtp_server, tmp_path):
    """The real app on http://127.0.0.1:<port>, on a copy of the SQLite template,
    sending mail to the `mailbox`. Yields (base_url, app)."""
    from werkzeug.serving import make_server

    path = tmp_path / "live.sqlite3"
    shutil.copy(sqlite_template, path)
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "MAIL_SERVER": smtp_server.hostname,
            "MAIL_PORT": smtp_server.port,
        },
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
