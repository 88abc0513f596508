"""Test fixtures: the real stack, on SQLite always and on PostgreSQL when
TEST_DATABASE_URL is set or a PostgreSQL answers at the README's address
(likewise Redis); CSRF on; mail through a real SMTP server on localhost.

Set PARTICIPATION_REQUIRE_ALL=1 (CI does) to turn a missing PostgreSQL, Redis
or Chromium into a failure instead of a notice.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from participation import create_app
from participation.extensions import db
from tests.factories import PASSWORD, ROUND_PHASE_OFFSETS, insert_comment
from tests.pages import FormClient

# Under pytest-xdist each worker ("gw0", "gw1", ...) has its own PostgreSQL
# database (the name plus "_gw0", created if missing) and its own Redis
# database (worker k uses the number in TEST_REDIS_URL minus k), so that
# workers never see each other's rows or rate-limit counters.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _postgres_for_worker(url: str | None) -> str | None:
    if not url or not WORKER:
        return url
    base = make_url(url)
    return base.set(database=f"{base.database}_{WORKER}").render_as_string(hide_password=False)


def _redis_for_worker(url: str | None) -> str | None:
    if not url or not WORKER:
        return url
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0) - int(WORKER.removeprefix("gw"))
    if number < 0:
        raise pytest.UsageError(f"{WORKER} needs a Redis database below the one in {url}.")
    return urlunsplit(parts._replace(path=f"/{number}"))


# The README's addresses: used when the variable is not set and that server
# answers there (set the variable empty to leave it out).
LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/participation_test"
LOCAL_REDIS = "redis://127.0.0.1:6379/15"


def _postgres_answers() -> bool:
    try:
        import psycopg

        psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=postgres", connect_timeout=2
        ).close()
    except Exception:  # noqa: BLE001 - not there, or not open to us
        return False
    return True


def _redis_answers() -> bool:
    try:
        import redis

        client = redis.Redis.from_url(LOCAL_REDIS, socket_connect_timeout=1)
        client.ping()
        client.close()
    except Exception:  # noqa: BLE001
        return False
    return True


def _from_environment(name: str, local: str, answers) -> str | None:
    value = os.environ.get(name)
    if value is None and answers():
        return local
    return value or None


TEST_DATABASE_URL = _postgres_for_worker(
    _from_environment("TEST_DATABASE_URL", LOCAL_POSTGRES, _postgres_answers)
)
TEST_REDIS_URL = _redis_for_worker(_from_environment("TEST_REDIS_URL", LOCAL_REDIS, _redis_answers))
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
REQUIRE_ALL = os.environ.get("PARTICIPATION_REQUIRE_ALL") == "1"
# Rows created by migrations (reference data), kept between tests.
REFERENCE_TABLES = {"municipalities", "challenges", "alembic_version"}

BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])

_notices: list[str] = []


# --- Availability of the real services ---------------------------------------


def _postgres_problem() -> str | None:
    if not TEST_DATABASE_URL:
        return (
            "PostgreSQL tests not run: TEST_DATABASE_URL is not set"
            " and no PostgreSQL answers at 127.0.0.1:5432."
        )
    try:
        ensure_postgres_database(TEST_DATABASE_URL)
    except Exception as exc:  # noqa: BLE001 - report any connection problem
        return f"PostgreSQL at TEST_DATABASE_URL is unreachable: {exc}"
    return None


def _redis_problem() -> str | None:
    if not TEST_REDIS_URL:
        return (
            "Redis tests not run: TEST_REDIS_URL is not set and no Redis answers at 127.0.0.1:6379."
        )
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
    config.addinivalue_line("markers", "logs_errors: the app logs an error on purpose")
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
    if TEST_DATABASE_URL:
        lines.append(f"PostgreSQL test database: {make_url(TEST_DATABASE_URL).database}")
    if TEST_REDIS_URL:
        lines.append(f"Redis test database: {TEST_REDIS_URL}")
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


# --- No traceback in the server log ----------------------------------------------


class _ErrorRecords(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(autouse=True)
def no_logged_errors(request):
    """Fail a test during which the app logged an error (an unhandled
    exception is logged before the 500 page): hostile input must give a clear
    4xx, never a traceback. Tests that provoke an error on purpose are marked
    `logs_errors`."""
    handler = _ErrorRecords()
    logger = logging.getLogger("participation")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    if handler.records and not request.node.get_closest_marker("logs_errors"):
        first = handler.records[0]
        trace = logging.Formatter().formatException(first.exc_info) if first.exc_info else ""
        pytest.fail(
            f"the app logged {len(handler.records)} error(s) during the test; "
            f"first: {first.getMessage()}\n{trace}"
        )


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
def postgres_url() -> str:
    """This worker's PostgreSQL test database; the test is skipped without one."""
    if not TEST_DATABASE_URL:
        pytest.skip("PostgreSQL tests not run: TEST_DATABASE_URL is not set.")
    return TEST_DATABASE_URL


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
    # Kept by triggers, not a model (0017_search_lexemes): without this, the
    # words of another test's ideas would expand this test's prefixes.
    tables.append("search_lexemes")
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
def app_config(database_url, smtp_server, tmp_path) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MAIL_SERVER": smtp_server.hostname,
        "MAIL_PORT": smtp_server.port,
        # The page cache's content version (without Redis), per test: not one
        # more file in the checkout's instance folder for every test database.
        "PAGE_CACHE_VERSION_FILE": str(tmp_path / "content-version"),
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


@pytest.fixture
def redis_server():
    """(url, client) of this worker's real Redis database (from TEST_REDIS_URL),
    emptied before and after the test. Tests using it are marked `redis`."""
    import redis

    assert TEST_REDIS_URL, "TEST_REDIS_URL is not set (mark the test with redis)"
    server = redis.Redis.from_url(TEST_REDIS_URL)
    server.flushdb()
    try:
        yield TEST_REDIS_URL, server
    finally:
        server.flushdb()
        server.close()


# --- Clients with CSRF on --------------------------------------------------------


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


@pytest.fixture
def make_user(app):
    from participation.models import User
    from participation.models.base import utcnow
    from participation.services.passwords import hash_password

    counter = {"n": 0}
    with app.app_context():  # TestConfig's cheap hash, like the app under test
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
                rules_accepted_at=utcnow(),  # as the register form asks
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

    def make(idea, author=None, body: str | None = None, parent=None, created_at=None):
        extra = {"body": body} if body else {}
        return insert_comment(
            app, idea, author or make_user(), parent=parent, created_at=created_at, **extra
        )

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


# --- Participatory budgeting -------------------------------------------------------


@pytest.fixture
def make_round(app, make_user):
    """make_round(phase="voting", total=100_000, ballot_rule="knapsack", ...) -> BudgetRound
    (detached), created through the service by an admin."""
    from datetime import timedelta

    from participation.models.base import utcnow
    from participation.services import budgets

    def make(
        phase: str = "voting",
        total: int = 100_000,
        ballot_rule: str = "knapsack",
        min_share: int = 0,
        max_choices: int | None = None,
        outcome_rule: str = "greedy",
        municipality_id: int | None = None,
        creator=None,
    ):
        creator = creator or make_user(role="admin")
        now = utcnow()
        sub, rev, vote, close = (now + timedelta(days=d) for d in ROUND_PHASE_OFFSETS[phase])
        with app.test_request_context("/en/"), app.app_context():
            actor = db.session.get(type(creator), creator.id)
            budget_round = budgets.create_round(
                actor,
                budgets.RoundInput(
                    title_fr="Budget participatif <script>alert(1)</script>",
                    title_nl="Burgerbegroting <script>alert(2)</script>",
                    title_en="Participatory budget <script>alert(3)</script>",
                    description_fr="Décidez comment dépenser le budget.\nDeuxième ligne.",
                    description_nl="Beslis hoe het budget wordt besteed.",
                    description_en="Decide how the budget is spent.",
                    municipality_id=municipality_id,
                    total_amount=total,
                    submission_opens_at=sub,
                    review_opens_at=rev,
                    voting_opens_at=vote,
                    voting_closes_at=close,
                    ballot_rule=ballot_rule,
                    min_share=min_share,
                    max_choices=max_choices,
                    outcome_rule=outcome_rule,
                ),
            )
            db.session.commit()
            db.session.refresh(budget_round)
            db.session.expunge(budget_round)
        return budget_round

    return make


@pytest.fixture
def make_budget_project(app, make_user):
    """make_budget_project(budget_round, cost=10_000, feasibility="feasible") -> BudgetProject
    (detached), written directly (whatever the round's phase)."""
    from participation.models import BudgetProject

    counter = {"n": 0}

    def make(
        budget_round,
        cost: int | None = 10_000,
        feasibility: str = "feasible",
        title: str | None = None,
        author=None,
    ):
        counter["n"] += 1
        author = author or make_user()
        with app.app_context():
            project = BudgetProject(
                round_id=budget_round.id,
                author_id=author.id,
                title=title or f"Project {counter['n']} <script>alert('p')</script>",
                description="Plant trees along the street. <b>Shade</b> for everyone.",
                language="en",
                cost=cost,
                feasibility=feasibility,
                feasibility_reason_fr="Raison publique." if feasibility == "not_feasible" else "",
                feasibility_reason_nl="Openbare reden." if feasibility == "not_feasible" else "",
            )
            db.session.add(project)
            db.session.commit()
            db.session.refresh(project)
            db.session.expunge(project)
        return project

    return make
